"""``ballerina-site serve``: build, serve on loopback, and with --watch rebuild on every save."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from .common import Commands, count, fail, force_option, keep_going_option, site_options

if TYPE_CHECKING:
    from ..serve.preview import Preview, Rebuilt
    from ..serve.server import PreviewServer


def add_parser(commands: Commands) -> None:
    serve = commands.add_parser("serve", help="build, then preview the site on a local web server",
                                description="Build the site into the output folder and serve it like a "
                                            "static host would. With --watch, rebuild on every save and "
                                            "reload the open browser tabs.")
    site_options(serve)
    keep_going_option(serve)
    serve.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="output folder (default: public/ inside the site folder)")
    force_option(serve)
    serve.add_argument("--watch", "-w", action="store_true",
                       help="rebuild when content/, templates/, static/, site.yaml or the tags file "
                            "change, and live-reload open tabs")
    serve.add_argument("--poll", action="store_true",
                       help="watch by polling every 0.5 s (network drives, containers); implies --watch")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", "-p", type=int, metavar="N",
                       help="port (default: 8000, or the next free one; 0 lets the system choose)")
    serve.add_argument("--open", action="store_true", help="open the site in the default web browser")
    serve.add_argument("--no-search", dest="search", action="store_false", default=None,
                       help="leave out the search index, page and box (on by default, as site.yaml says: "
                            "an edit indexes again only the small shard that holds the article)")
    serve.add_argument("--search", dest="search", action="store_true", help=argparse.SUPPRESS)


PREVIEW_SHARD_SIZE = 250  # smaller shards than a deployed site's: an edit indexes 250 articles at most,
# and many shards cost a reader nothing on this computer


def say(text: str, error: bool = False) -> None:
    """Serve prints as it goes: flush, so a log file or a pipe sees each line at once."""
    print(text, file=sys.stderr if error else sys.stdout, flush=True)


def show_rebuild(outcome: Rebuilt) -> None:
    changes = outcome.changes
    what = ""
    if changes is not None:
        shown = ", ".join(changes.paths[:3]) + (f" and {len(changes.paths) - 3} more"
                                                 if len(changes.paths) > 3 else "")
        what = f" ({shown})"
    for problem in outcome.problems:
        say(str(problem), error=True)
    if outcome.report is None:
        errors = sum(p.is_error for p in outcome.problems)
        say(f"build failed: {count(errors, 'error')}{what}; still serving the last good build", error=True)
        return
    served = f"; saved -> served in {outcome.served_after * 1000:.0f} ms" if outcome.served_after is not None else ""
    verb = "rebuilt" if changes is not None else "built"
    reused = outcome.report.summary.reused
    rendered = f" ({outcome.report.pages - reused} rendered)" if reused else ""
    left_out = len({p.path for p in outcome.report.summary.rejected})
    left = f"; {count(left_out, 'article')} with errors left out" if left_out else ""
    say(f"{verb} {count(outcome.report.pages, 'page')}{rendered} in {outcome.seconds * 1000:.0f} ms{served}{what}"
        f"{left}")


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    import signal

    from ..pipeline.build import BuildOptions
    from ..pipeline.options import default_jobs
    from ..serve.preview import Preview, ServeOptions

    if args.port is not None and not 0 <= args.port <= 65535:
        say(f"error: --port {args.port}: a port is a number from 0 to 65535", error=True)
        return 2
    from ..core.sitefiles import not_a_site

    problem = not_a_site(args.source)
    if problem is not None:  # even with --watch: there is no site to wait for
        return fail([problem], "build")
    watch = args.watch or args.poll
    options = ServeOptions(BuildOptions(root=args.source, output=args.output, base_url=args.base_url,
                                        drafts=args.drafts, future=args.future, keep_going=args.keep_going,
                                        search=args.search, search_shard_size=PREVIEW_SHARD_SIZE,
                                        cache=True, jobs=default_jobs(), force=args.force),  # rebuilds skip unchanged Markdown
                           host=args.host, port=args.port, watch=watch, poll=args.poll)
    preview = Preview(options)
    closing = False

    def on_signal(signum: int, frame: object) -> None:
        if preview.stopping and not closing:
            raise KeyboardInterrupt  # a second Ctrl-C during a long build; its output stays intact
        preview.stop()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = _preview(preview, args, watch)
    finally:
        closing = True  # let the shutdown finish: it joins every thread
        preview.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if code == 0:
        say("stopped")
    return code


def _preview(preview: Preview, args: argparse.Namespace, watch: bool) -> int:
    """First build, then serve and rebuild until stopped; the exit status."""
    import webbrowser

    first = preview.first_build()
    if not first.ok and not watch:
        return fail(first.problems, "build")
    show_rebuild(first)
    if preview.stopping:
        return 0
    server = _start(preview, args)
    if server is None:
        return 1
    url = server.url()
    say(f"serving {server.root} at {url}"
        + (f" (watching {'by polling' if args.poll else 'for changes'}; live reload on)" if watch else "")
        + " - press Ctrl-C to stop")
    if args.open:
        webbrowser.open(url)
    for outcome in preview.rebuilds():
        show_rebuild(outcome)
        for error in preview.errors[:]:
            say(f"server error: {error}", error=True)
            preview.errors.remove(error)
    return 0


def _start(preview: Preview, args: argparse.Namespace) -> PreviewServer | None:
    """Open the server, saying why not when it cannot listen."""
    from ..serve.server import PortInUse

    try:
        server = preview.start()
    except PortInUse:
        wanted = args.port if args.port is not None else "8000 and the 20 after it"
        say(f"error: port {wanted} on {args.host} is already in use (is another preview running? "
            f"choose another with --port N, or --port 0 for any free port)", error=True)
        return None
    except OSError as exc:
        say(f"error: cannot listen on {args.host}:{args.port if args.port is not None else 8000}: "
            f"{exc.strerror or exc}", error=True)
        return None
    if args.port is None and server.port != 8000:
        say(f"port 8000 is in use; using {server.port} instead")
    if not is_loopback(args.host):
        say(f"warning: listening on {args.host}: other computers on your network can read this "
            f"preview (drafts included if --drafts)", error=True)
    return server
