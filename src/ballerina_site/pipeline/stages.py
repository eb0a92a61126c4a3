"""The build's stages in a row, for :func:`build.build` when something changed (or for ``check``):

    load (load.py) -> plan (plan.py) -> render (rendering.py) and write (output/), then remember (store/)

Kept apart from build.py so that a build which finds nothing changed never imports Markdown, Jinja
or the rest of the pipeline (a third of its time).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Mapping

from ..output.listing import FileStat
from ..output.writer import Previous, Staging, claim_output
from ..render.search import SearchIndex, index_folder, require_pagefind, search_timeout
from ..site.redirects import save_lock
from ..site.schedule import following_changes
from ..store import uptodate
from ..store.outputs import save_records
from ..store.store import Store
from .load import load_site
from .options import BuildOptions, build_time, options_key
from .plan import GENERATOR, Plan, plan_site
from .rendering import RenderedSite, render_site
from .report import BuildReport, BuildSummary, Counts, summarize, to_plain


def check(options: BuildOptions, store: Store, started: float) -> BuildReport:
    """``ballerina-site check``: load, plan and render everything, write nothing (not even the store)."""
    now = options.now or build_time(options)
    quiet = Store(options.root, enabled=False)
    loaded = load_site(options, quiet)
    rendered = render_site(plan_site(loaded, options, now, quiet, None), options, now)
    counts = Counts(len(rendered.files), len(loaded.static))
    summary = summarize(options.output_dir, loaded.site, counts, time.perf_counter() - started,
                        rendered.warnings, rendered.plan.redirects, None, loaded.parse, loaded.rejected,
                        (loaded.images.processed, loaded.images.reused))
    return BuildReport(summary, loaded.site, rendered.plan.redirects, written=False)


def build_all(options: BuildOptions, store: Store, started: float) -> BuildReport:
    root, output, now = options.root, options.output_dir, options.now or build_time(options)
    inputs = uptodate.input_stats(root) if store.enabled else {}  # before reading any of them
    with claim_output(output, store.spare_tree(output), store.lock_file(output), options.force) as previous:
        uptodate.forget(store, output)
        loaded = load_site(options, store, inputs)
        plan = plan_site(loaded, options, now, store, previous)
        rendered, search, files, counts = _render_and_write(plan, options, now, previous)
        site = loaded.site
        if options.published is not None:  # the live preview reloads its tabs now, not after the records
            options.published(site)
        config = site.config
        lock_written = save_lock(root / config.redirects.lock_file, plan.redirects.lock) \
            if options.record_urls else False
        summary = summarize(output, site, counts, time.perf_counter() - started, rendered.warnings,
                            plan.redirects, search, loaded.parse, loaded.rejected,
                            (loaded.images.processed, loaded.images.reused))
        if store.enabled:
            _remember(store, options, rendered, inputs, files, now, summary)
    return BuildReport(summary, site, plan.redirects, search, lock_written, set_aside=previous.set_aside)


def _render_and_write(plan: Plan, options: BuildOptions, now: datetime, previous: Previous
                      ) -> tuple[RenderedSite, SearchIndex | None, Mapping[str, FileStat], Counts]:
    """Stages four and five together: each page is staged as it comes from the workers (only the
    write stage touches the output), then the whole folder is indexed for search and swapped in."""
    config = plan.loaded.site.config
    static = plan.loaded.static
    indexed: list[SearchIndex] = []
    binary = require_pagefind() if config.search else None

    def index_staged(folder: Path) -> None:
        """Runs on the staged output, before the swap: a failed index keeps the previous site."""
        pages = len(plan.pages) + len(plan.feeds)
        indexed.append(index_folder(folder, config.language, binary, search_timeout(pages)))

    with Staging(options.output_dir, previous) as staging:
        staging.prepare({*(page.output for page in plan.pages), *(feed[0] for feed in plan.feeds),
                         *plan.reused, *static})
        rendered = render_site(plan, options, now, deliver=staging.put)
        report = staging.complete(rendered.files, static, plan.reused,
                                  index_staged if binary is not None else None)
    counts = Counts(report.pages, report.static_files, report.kept, len(plan.reused))
    return rendered, (indexed[0] if indexed else None), (report.files or {}), counts


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
