"""The command line: parse arguments, run one command, return an exit status.

The cli modules are the only ones that print or exit; everything else returns values or raises
SiteError. One module per command: build, check, deploy-config (deploy), import, init and new, related, serve.
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from typing import Callable, Sequence

from .. import __version__
from ..core.errors import SiteError
from . import build, check, deploy, importer, new, related, serve
from .common import fail

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": build.run, "check": check.run, "deploy-config": deploy.run, "init": new.cmd_init, "new": new.cmd_new,
    "related": related.run, "serve": serve.run, "import": importer.run}
ONE_BUILD = frozenset({"build", "check"})  # commands that build once and end (see main)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ballerina-site",
                                     description="Build a static film-news site from Markdown articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for add in (build.add_parser, check.add_parser, deploy.add_parser, new.add_init_parser, new.add_new_parser,
                serve.add_parser, related.add_parser, importer.add_parser):
        add(commands)
    return parser


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM (e.g. from a service manager) stops a build the way Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None, one_off: bool = False) -> int:
    """``one_off``: this process ends with the command (the console script). Then ``build`` and
    ``check`` keep the cyclic garbage collector off, as it is during any build (pipeline/build.py):
    switched back on, its first pass, and the last as the interpreter ends, would walk every object
    the build left (a third of a second at 10,000 articles), to free next to nothing. The preview
    (``serve``) and the other commands keep it."""
    args = make_parser().parse_args(argv)
    if one_off and args.command in ONE_BUILD:
        gc.disable()
    from ..output.writer import OutputError

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return COMMANDS[args.command](args)
    except SiteError as exc:
        return fail(exc.problems, "check" if args.command == "check" else "build")
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except RecursionError:
        print("error: input nested too deeply to process (a YAML or Markdown structure hundreds of levels "
              "deep?)", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)


def run() -> None:
    """The console script (and ``python -m ballerina_site``)."""
    code = main(one_off=True)
    gc.freeze()  # the collector's last pass, as the interpreter ends, would walk every object left (see main)
    sys.exit(code)
