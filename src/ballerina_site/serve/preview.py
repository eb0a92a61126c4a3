"""The live preview as one object: build, serve, watch, rebuild, tell the open tabs.

It ties together the build (build.py), the server (serve.py), the watcher (watch.py) and live
reload (livereload.py), and hands each rebuild's outcome back to the caller (cli.py prints it).
A failed rebuild never stops the preview: the output folder keeps the last good build (the build
is atomic) and the tabs show the error until a rebuild succeeds.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from typing import Iterator

from ..pipeline.build import BuildOptions, BuildReport, build
from ..store.store import Store
from ..output.lock import OutputError
from ..core.config import SiteConfig
from ..core.configload import load_config
from ..core.errors import Problem, SiteError
from .livereload import LiveReload
from ..core.model import Site
from .server import PreviewServer, open_server, run_in_thread, stop
from .watch import Changes, Watcher

DEFAULT_PORT = 8000
NEXT_FREE_PORTS = 20  # how far to look for a free port when the default one is taken


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """The preview's settings: the build's, and where and how it serves."""

    build: BuildOptions = field(default_factory=BuildOptions)
    host: str = "127.0.0.1"
    port: int | None = None  # None: 8000, or the next free port after it
    watch: bool = False
    poll: bool = False


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """One build's outcome; ``served_after`` is save-to-served time when a save started it."""

    report: BuildReport | None
    problems: tuple[Problem, ...]
    seconds: float
    changes: Changes | None = None
    served_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None

    @property
    def message(self) -> str:
        """The error lines exactly as the terminal shows them; the overlay shows the same text."""
        return "\n".join(str(p) for p in self.problems)


def rebuild(options: BuildOptions) -> tuple[BuildReport | None, tuple[Problem, ...]]:
    """The one place the preview builds. Never raises for a broken site or a failed write."""
    try:
        report = build(options)
        return report, report.warnings + report.summary.rejected  # rejected: only with keep_going
    except SiteError as exc:
        return None, exc.problems
    except OutputError as exc:  # not the tool's folder, a file, another build writing it
        return None, (Problem(str(options.output_dir), None, str(exc)),)
    except OSError as exc:
        where = exc.filename or str(options.output_dir)
        return None, (Problem(str(where), None, f"could not build: {exc.strerror or exc}"),)
    except Exception as exc:  # a bug must not take the preview down with it
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return None, (Problem(last.filename, last.lineno, f"internal error: {type(exc).__name__}: {exc}",
                              "please report this"),)


def _site_config(options: BuildOptions, report: BuildReport | None) -> SiteConfig:
    if report is not None and report.site is not None:
        return report.site.config
    try:
        config = load_config(options.root)
    except (SiteError, OSError):
        config = SiteConfig()
    return config if options.base_url is None else SiteConfig(base_url=options.base_url,
                                                               tags_file=config.tags_file)


class Preview:
    """``first_build()``, ``start()``, iterate ``rebuilds()``, ``close()``. ``stop()`` may be called
    from a signal handler: it only sets a flag."""

    def __init__(self, options: ServeOptions):
        # one store for the preview's life: rebuilds take back what they saved without reading it again
        build_options = options.build
        store = Store(build_options.root, enabled=build_options.cache, in_memory=True)
        self.options = replace(options, build=replace(build_options, store=store))
        self.live: LiveReload | None = None
        self.server: PreviewServer | None = None
        self.watcher: Watcher | None = None
        self.errors: list[str] = []  # request errors the server could not answer
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._last: Rebuilt | None = None

    # --- building -----------------------------------------------------------------------------
    def _build(self, changes: Changes | None = None) -> Rebuilt:
        started = time.perf_counter()
        served: list[float] = []

        def published(site: Site) -> None:
            """The new output is in place: tabs reload while the build finishes its records."""
            served.append(time.time())
            if self.server is not None:
                self.server.base_path = site.config.base_path
            if self.live is not None:
                self.live.built(css_only=changes is not None and changes.css_only)

        report, problems = rebuild(replace(self.options.build, published=published))
        if not served:
            served.append(time.time())
        served_after = served[0] - changes.saved_at if changes is not None else None
        outcome = Rebuilt(report, problems, time.perf_counter() - started, changes, served_after)
        if self.live is not None and not outcome.ok:
            self.live.failed(outcome.message)  # also when the records failed after the output went live
        self._last = outcome
        return outcome

    def first_build(self) -> Rebuilt:
        return self._build()

    # --- serving ------------------------------------------------------------------------------
    def start(self) -> PreviewServer:
        """Open the server (raises serve.PortInUse) and, with ``watch``, the watcher."""
        options = self.options
        last = self._last
        config = _site_config(options.build, last.report if last else None)
        if options.watch:
            self.live = LiveReload(error=last.message if last is not None and not last.ok else None)
        port = DEFAULT_PORT if options.port is None else options.port
        self.server = open_server(options.host, port, options.build.output_dir, config.base_path,
                                  next_free=NEXT_FREE_PORTS if options.port is None else 0,
                                  extension=self.live, on_error=self.errors.append)
        self._thread = run_in_thread(self.server)
        if options.watch:
            self.watcher = Watcher(options.build.root, options.build.output_dir, config.tags_file,
                                   poll=options.poll)
            self.watcher.start()
        return self.server

    def rebuilds(self) -> Iterator[Rebuilt]:
        """Yield one outcome per burst of changes until ``stop()``; without ``watch``, just wait."""
        if self.watcher is None:
            while not self._stop.wait(0.25):
                pass
            return
        while True:
            changes = self.watcher.wait(self._stop)
            if changes is None:
                return
            yield self._build(changes)

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def close(self) -> None:
        """Stop the watcher, end the event streams, stop the server; every thread is joined."""
        self._stop.set()
        if self.watcher is not None:
            self.watcher.stop()
        if self.live is not None:
            self.live.close()
        if self.server is not None and self._thread is not None:
            stop(self.server, self._thread)
