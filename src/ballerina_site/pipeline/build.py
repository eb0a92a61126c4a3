"""The one build: ``build(options) -> BuildReport``, all that the CLI, the preview and ``check`` call.

    files -> content model -> site model -> plan -> rendered bytes -> written output
    (load.py)              (load.py)      (plan.py) (rendering.py)  (here, through output/)

When nothing changed since the last build into the same output, the store says so before anything
is loaded (store/uptodate.py) and the report says the same as that build did.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Iterator, Mapping

from ..core.errors import Problem, raise_if_errors
from ..content.discover import CONTENT_DIR
from ..output.listing import FileStat, OldFile
from ..output.writer import Staging, claim_output
from ..render.search import SearchIndex, index_folder, require_pagefind
from ..site.redirects import save_lock
from ..site.schedule import following_changes
from ..store import uptodate
from ..store.outputs import save_records
from ..store.store import Store
from .load import STATIC_DIR, load_site
from .options import BuildOptions, build_time, options_key
from .plan import GENERATOR, plan_site
from .rendering import RenderedSite, render_site
from .report import BuildReport, BuildSummary, Counts, from_plain, summarize, to_plain, unchanged_since

__all__ = ["BuildOptions", "BuildReport", "GENERATOR", "build", "load_site"]


def build(options: BuildOptions) -> BuildReport:
    """Raises :class:`SiteError` with every problem found; a failed build leaves the output as it was."""
    started = time.perf_counter()
    options = replace(options, now=build_time(options))
    store = options.open_store()
    if not options.write:
        return _check(options, store, started)
    raise_if_errors(check_output_dir(options.root, options.output_dir))
    if store.enabled and options.skip_unchanged:
        same = uptodate.check(store, options.root, options.output_dir, options_key(options), options.now)
        if same is not None:
            summary = unchanged_since(from_plain(same.summary), time.perf_counter() - started, same.written)
            return BuildReport(summary, None)
    with _without_cycle_collector():
        return _build(options, store, started)


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """A build makes millions of small objects and next to no reference cycles; the cyclic collector
    would walk them again and again (half a second of a 3.5 s rebuild of 10,000 articles). Whatever
    cycles there are go at the first collection after the build."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _check(options: BuildOptions, store: Store, started: float) -> BuildReport:
    """``ballerina-site check``: load, plan and render everything, write nothing (not even the store)."""
    now = options.now or build_time(options)
    quiet = Store(options.root, enabled=False)
    loaded = load_site(options, quiet)
    rendered = render_site(plan_site(loaded, options, now, quiet, None), options, now)
    counts = Counts(len(rendered.files), len(loaded.static))
    summary = summarize(options.output_dir, loaded.site, counts, time.perf_counter() - started,
                        rendered.warnings, rendered.plan.redirects, None, loaded.parse,
                        (loaded.images.processed, loaded.images.reused))
    return BuildReport(summary, loaded.site, rendered.plan.redirects, written=False)


def _build(options: BuildOptions, store: Store, started: float) -> BuildReport:
    root, output, now = options.root, options.output_dir, options.now or build_time(options)
    inputs = uptodate.input_stats(root) if store.enabled else {}  # before reading any of them
    with claim_output(output, store.spare_tree(output)) as previous:  # one build at a time from here
        uptodate.forget(store, output)
        loaded = load_site(options, store, inputs)
        rendered = render_site(plan_site(loaded, options, now, store, previous), options, now)
        search, files, counts = _write(rendered, previous, output)
        site = loaded.site
        if options.published is not None:  # the live preview reloads its tabs now, not after the records
            options.published(site)
        config = site.config
        lock_written = save_lock(root / config.redirects.lock_file, rendered.plan.redirects.lock) \
            if options.record_urls else False
        summary = summarize(output, site, counts, time.perf_counter() - started, rendered.warnings,
                            rendered.plan.redirects, search, loaded.parse,
                            (loaded.images.processed, loaded.images.reused))
        if store.enabled:
            _remember(store, options, rendered, inputs, files, now, summary)
    return BuildReport(summary, site, rendered.plan.redirects, search, lock_written)


def _write(rendered: RenderedSite, previous: Mapping[str, OldFile], output: Path
           ) -> tuple[SearchIndex | None, Mapping[str, FileStat], Counts]:
    """Stage five, the only one that touches the output: stage every file, index it for search, swap."""
    config = rendered.plan.loaded.site.config
    static = rendered.plan.loaded.static
    indexed: list[SearchIndex] = []
    binary = require_pagefind() if config.search else None

    def index_staged(folder: Path) -> None:
        """Runs on the staged output, before the swap: a failed index keeps the previous site."""
        indexed.append(index_folder(folder, config.language, binary))

    with Staging(output, previous) as staging:
        staging.prepare({*rendered.files, *rendered.plan.reused, *static})
        report = staging.complete(rendered.files, static, rendered.plan.reused,
                                  index_staged if binary is not None else None)
    counts = Counts(report.pages, report.static_files, report.kept, len(rendered.plan.reused))
    return (indexed[0] if indexed else None), (report.files or {}), counts


def _remember(store: Store, options: BuildOptions, rendered: RenderedSite, inputs: uptodate.Stats,
              files: Mapping[str, FileStat], now: datetime, summary: BuildSummary) -> None:
    """What the next build reuses: each output file's fingerprint, and this build's inputs and summary."""
    root, output = options.root, options.output_dir
    save_records(store, output, rendered.fingerprints, files)
    config = rendered.plan.loaded.site.config
    named = [config.tags_file, config.authors_file, config.redirects.lock_file]
    inputs.update(uptodate.named_stats(root, [name for name in named if "/" in name]))
    inputs.update(uptodate.named_stats(root, [config.redirects.lock_file]))  # as this build left it
    uptodate.save(store, output, options_key=options_key(options), inputs=inputs, files=files,
                  built_at=now, until=rendered.steady_until, following=following_changes(rendered.plan.loaded.site),
                  generator=GENERATOR, summary=to_plain(summary))


def check_output_dir(root: Path, output: Path) -> list[Problem]:
    """The output is replaced whole, so it may not hold (or be inside) anything an editor wrote."""
    out = output.resolve()
    site = root.resolve()
    inputs = [site / CONTENT_DIR, site / "templates", site / STATIC_DIR]
    if out == site or site.is_relative_to(out):
        reason = "it is the site folder" if out == site else "it contains the site folder"
    elif any(out.is_relative_to(folder) for folder in inputs):
        reason = "it is inside content/, templates/ or static/"
    else:
        return []
    return [Problem(str(output), None, f"refusing to use this folder as the output: {reason}, and a build "
                                       "replaces the output folder entirely", "choose a new folder such as public/")]
