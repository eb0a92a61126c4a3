"""The build's stages in a row, for :func:`build.build` when something changed (or for ``check``):

    load (load.py) -> plan (plan.py) -> render (rendering.py) and write (output/), then remember (store/)

Kept apart from build.py so that a build which finds nothing changed never imports Markdown, Jinja
or the rest of the pipeline (a third of its time).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from ..output.listing import FileStat, OldFile, Seal
from ..output.precompress import Early, Precompressed, compress_meanwhile, copy_names, precompress_folder
from ..output.writer import Previous, Staged, Staging, WriteReport, claim_output
from ..render.hosts import MERGED
from ..render.pagefind import Indexers
from ..render.search import BUNDLE_DIR, TIMEOUT_ENV
from ..site.redirects import save_lock
from ..site.schedule import BUILD_INFO, build_info, following_changes
from ..store import uptodate
from ..store.hostrules import save_rules
from ..store.images import load_seals, save_seals
from ..store.outputs import save_records
from ..store.store import Store
from . import parallel
from .load import load_site
from .options import BuildOptions, build_time, options_key
from .plan import GENERATOR, Plan, plan_site
from .rendering import RenderedSite, render_site
from .report import BuildReport, BuildSummary, Counts, summarize, to_plain
from .searching import SearchFiles, index_site, remember as remember_search


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


def build_all(options: BuildOptions, store: Store, started: float, seen: uptodate.Stats | None = None
              ) -> BuildReport:
    """``seen``: the inputs' stats, when the nothing-changed check took them already."""
    root, output, now = options.root, options.output_dir, options.now or build_time(options)
    inputs = (seen or uptodate.input_stats(root)) if store.enabled else {}  # before reading any of them
    with claim_output(output, store.spare_tree(output), store.lock_file(output), options.force) as previous:
        uptodate.forget(store, output)
        seals = load_seals(store, output) if store.enabled else []
        previous.seals = seals_for(seals, None)  # as recorded: both trees are listed meanwhile, elsewhere,
        previous.list_ahead(parallel.ahead)  # on the core the loading leaves idle
        loaded = load_site(options, store, inputs)
        vouched = seals_for(seals, loaded.made_signatures)
        if vouched != previous.seals:  # a folder of made files changed since: listed again, as it now is
            previous.close()
            previous.seals = vouched
            previous.list_ahead(parallel.ahead)
        plan = plan_site(loaded, options, now, store, previous)
        rendered, search, report, counts, packed = _render_and_write(plan, options, now, previous, store)
        files = report.files or {}
        site = loaded.site
        if options.published is not None:  # the live preview reloads its tabs now, not after the records
            options.published(site)
        config = site.config
        lock_written = save_lock(root / config.redirects.lock_file, plan.redirects.lock) \
            if options.record_urls else False
        index = search.index if search is not None else None
        summary = summarize(output, site, counts, time.perf_counter() - started, rendered.warnings,
                            plan.redirects, index, loaded.parse, loaded.rejected,
                            (loaded.images.processed, loaded.images.reused), packed)
        if store.enabled:
            info = uptodate.info_path(store, output)  # private unless the site publishes it too
            uptodate.save_info(info, build_info(site, now, GENERATOR))
            summary = replace(summary, build_info=str(output / BUILD_INFO) if BUILD_INFO in files else str(info))
            _remember(store, options, rendered, inputs, report, now, summary)
            save_seals(store, output, [{folder: (*seal[:3], loaded.made_signatures[folder], seal.others)
                                        for folder, seal in report.sealed.items()
                                        if folder in loaded.made_signatures}, *seals[:1]])
            remember_search(store, output, search)
        elif BUILD_INFO in files:
            summary = replace(summary, build_info=str(output / BUILD_INFO))
    return BuildReport(summary, site, plan.redirects, index, lock_written, set_aside=previous.set_aside)


def seals_for(trees: list[dict[str, Any]], signatures: Mapping[str, str] | None) -> dict[str, list[Seal]]:
    """The seals recorded for each folder of made files whose files are still the same (``signatures``:
    what they are now; None: every seal, as if nothing had changed)."""
    found: dict[str, list[Seal]] = {}
    for tree in trees:
        for folder, (inode, mtime, ctime, signature, others) in tree.items():
            if signatures is None or signatures.get(folder) == signature:
                found.setdefault(folder, []).append(Seal(inode, mtime, ctime, others))
    return found


def _render_and_write(plan: Plan, options: BuildOptions, now: datetime, previous: Previous, store: Store
                      ) -> tuple[RenderedSite, SearchFiles | None, WriteReport, Counts, Precompressed | None]:
    """Stages four and five together: each page is staged as it comes from the workers (only the
    write stage touches the output), then the search index (only what changed: pipeline/searching.py)
    is staged with them, the whole folder precompressed and swapped in. A failed index keeps the
    previous site."""
    site = plan.loaded.site
    made = plan.loaded.made
    static = {path: source for path, source in plan.loaded.static.items()
              if path not in MERGED and path not in made}  # _redirects and _headers: merged into the generated ones
    packed: list[Precompressed] = []
    early: Early = {}
    given: dict[str, Mapping[str, bytes]] = {}  # the index files' copies, made as their bundles came

    def precompress(folder: Path, staged: Mapping[str, FileStat], present: Mapping[str, OldFile]
                    ) -> Mapping[str, FileStat]:
        """On the staged output, with the index in it, before the swap (output/precompress.py)."""
        done, copies = precompress_folder(str(folder), staged, previous.files, options.jobs, parallel.run, early,
                                          present, given)  # the listing itself: 90,000 look-ups at 10,000 articles
        packed.append(done)
        return copies
    search_files = [path for path in previous if path.startswith(BUNDLE_DIR + "/")] if site.config.search else []
    wanted = {*(page.output for page in plan.pages), *(feed[0] for feed in plan.feeds), *plan.reused, *static,
              *search_files}
    with Staging(options.output_dir, previous) as staging:  # pictures are not compressed: no copy names for them
        staging.prepare(wanted | copy_names(wanted) if site.config.precompress else wanted, plan.loaded.made_folders)
        searching = _search(plan, options, previous, store) if site.config.search else None
        try:
            rendered = render_site(plan, options, now, deliver=staging.put,
                                   alongside=searching.start if searching is not None else None)
            if searching is not None and site.config.precompress:  # its last shard leaves a core idle: use it
                staged = {path: page.stat for path, page in rendered.files.items() if isinstance(page, Staged)}
                early = compress_meanwhile(str(staging.folder), staged, wanted | made, previous, searching.running)
        except BaseException:
            if searching is not None:
                searching.cancel()
            raise
        pages, reused = rendered.files, plan.reused
        search = searching.result() if searching is not None else None
        if search is not None:
            pages, reused = {**pages, **search.files}, reused | search.reused
            given.update(search.copies)
            gone = [path for path in search_files if path not in search.files and path not in search.reused]
            staging.drop([*gone, *copy_names(gone)])  # e.g. a delta bundle, after an index made afresh
        report = staging.complete(pages, static, reused, precompress if site.config.precompress else None)
    index_files = search.index.files if search is not None else 0
    kept = report.kept - (search.kept(previous) if search is not None else 0)
    counts = Counts(report.pages - index_files, report.static_files, kept, len(plan.reused))
    return rendered, search, report, counts, (packed[0] if packed else None)


def _search(plan: Plan, options: BuildOptions, previous: Previous, store: Store) -> parallel.Alongside[SearchFiles]:
    """The search index, made while the pages render: the indexer is another program, so its cores
    would otherwise wait for the rendering, and the rendering for it."""
    indexers = Indexers(TIMEOUT_ENV)
    len(previous)  # listed here, before the thread reads it
    site, urls = plan.loaded.site, plan.loaded.urls
    return parallel.Alongside(lambda: index_site(site, urls, store, options.output_dir, previous, options.jobs,
                                                 indexers, plan.article_token), indexers.stop)


def _remember(store: Store, options: BuildOptions, rendered: RenderedSite, inputs: uptodate.Stats,
              report: WriteReport, now: datetime, summary: BuildSummary) -> None:
    """What the next build reuses: each output file's fingerprint, and this build's inputs and summary."""
    root, output, files = options.root, options.output_dir, report.files or {}
    save_records(store, output, rendered.fingerprints, files)
    save_rules(store, output, rendered.hosts)
    config = rendered.plan.loaded.site.config
    named = [config.tags_file, config.authors_file, config.redirects.lock_file]
    inputs.update(uptodate.named_stats(root, [name for name in named if "/" in name]))
    inputs.update(uptodate.named_stats(root, [config.redirects.lock_file]))  # as this build left it
    uptodate.save(store, output, options_key=options_key(options), inputs=inputs, files=files, sealed=report.sealed,
                  built_at=now, until=rendered.steady_until, following=following_changes(rendered.plan.loaded.site),
                  generator=GENERATOR, summary=to_plain(summary))
