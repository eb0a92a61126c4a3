"""The build pipeline, spelled out once: config -> content -> site model -> pages -> output."""

from __future__ import annotations

import contextlib
import gc
import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from .. import __version__

from ..store import cache

from ..store import uptodate

from . import workers
from ..site.assemble import Selection, assemble_site
from ..site.authors import load_author_file
from ..core.config import SiteConfig
from ..core.configload import load_config
from ..content.discover import CONTENT_DIR, escaping_links, find_sources, source_name
from ..core.errors import Problem, SiteError, raise_if_errors
from ..site.links import check_links
from ..render.feeds import feed_files, plan_feeds, render_feeds
from ..store.fingerprints import Fingerprinter
from ..store.incremental import load_records, save_records, spare_tree, unchanged
from ..core.model import Site
from ..site.pages import check_paths, plan_pages, redirect_pages
from .parsing import ParseStats, parse_sources
from ..site.redirects import RedirectPlan, load_lock, netlify_redirects, plan_redirects, save_lock
from ..render.environment import THEME_DIR, make_environment, render_all
from ..render.seo import guideline_warnings
from ..render.sitemaps import render_sitemaps
from .summary import BuildSummary, summarize
from ..site.schedule import BUILD_INFO, build_info, following_changes
from ..render.search import SearchIndex, index_folder, require_pagefind
from ..render.search import check_paths as check_search_paths
from ..site.taxonomy import load_tag_data
from ..store.uptodate import clock_moments, steady_until
from ..site.urls import Urls
from ..output.writer import OldFile, Staged, Staging, claim_output

DEFAULT_OUTPUT = "public"
STATIC_DIR = "static"
GENERATOR = f"ballerina-site {__version__}"
COMPILED_DIR = "templates"  # Jinja's compiled templates
RELATED_FILE = "related"  # Keep Reading of every article, kept while no tag, date or slug changes
BACKGROUND_LISTING = 500  # input files from which the output is listed by another process (see listing.py)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path = Path(".")
    output: Path | None = None  # default: <root>/public
    base_url: str | None = None  # overrides site.yaml
    drafts: bool = False
    future: bool = False
    expired: bool = False  # include articles past their expiry_date
    now: datetime | None = None  # "now" for future-dated articles; default: the clock
    strict: bool = False  # warnings count as errors
    search: bool | None = None  # None: as site.yaml says (`search`, default on)
    record_urls: bool = True  # keep urls.lock up to date after a successful build
    cache: bool = False  # read and write parsed articles in <root>/.ballerina-cache/ (the CLI turns it on)
    jobs: int = 1  # worker processes for Markdown conversion; 1: all in this process
    progress: Callable[[str, int, int], None] | None = None  # (stage, done, total), for a progress display
    published: Callable[[Site], None] | None = None  # called once the new output is in place, before the records

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.root / DEFAULT_OUTPUT


@dataclass(frozen=True, slots=True)
class BuildReport:
    output: Path
    pages: int
    static_files: int
    articles: int
    seconds: float
    warnings: tuple[Problem, ...]
    site: Site
    redirects: RedirectPlan | None = None
    search: SearchIndex | None = None
    lock_written: bool = False
    parse: ParseStats = ParseStats(0, 0)
    kept: int = 0  # output files with unchanged bytes, kept (inode and mtime) instead of rewritten
    reused: int = 0  # pages and feeds not rendered at all: their inputs did not change


@dataclass(frozen=True, slots=True)
class LoadedSite:
    site: Site
    urls: Urls
    warnings: tuple[Problem, ...]
    static: Mapping[str, Path] = field(default_factory=dict)  # output path -> file to copy
    parse: ParseStats = ParseStats(0, 0)  # articles converted now, and taken from the build cache


def gate(problems: Iterable[Problem], strict: bool) -> list[Problem]:
    """Raise :class:`SiteError` if there is an error (or, when strict, any warning); else the warnings."""
    problems = list(problems)
    if strict:
        problems = [replace(p, level="error") if not p.is_error else p for p in problems]
    raise_if_errors(problems)
    return problems


def build_time(options: BuildOptions) -> datetime:
    if options.now is not None:
        return options.now
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc)


def load_site(options: BuildOptions, seen: Mapping[str, tuple[int, int, int, int]] | None = None) -> LoadedSite:
    """Everything up to the site model; raises :class:`SiteError` with every problem found.
    ``seen``: input files' stats taken before any was read (see :func:`uptodate.input_stats`)."""
    root = options.root
    problems: list[Problem] = []
    try:
        config: SiteConfig = load_config(root)
    except SiteError as exc:  # still read the articles (with default settings) to report everything at once
        problems += exc.problems
        config = SiteConfig()
    if options.base_url is not None:
        config = replace(config, base_url=options.base_url)
    if options.search is not None:
        config = replace(config, search=options.search)
    urls = Urls(config)
    problems += escaping_links(root, CONTENT_DIR)
    articles = []
    sources = find_sources(root)
    parsed_all, stats = parse_sources(sources, root, config, use_cache=options.cache, jobs=options.jobs,
                                      progress=options.progress, input_stats=seen)
    for parsed in parsed_all:
        problems += parsed.problems
        if parsed.article is not None:
            articles.append(parsed.article)
    static, static_problems = collect_static(root)
    problems += static_problems
    selection = Selection(build_time(options), options.drafts, options.future, options.expired)
    unpublished = {a.source for a in articles if (a.draft and not selection.drafts)
                   or (a.date > selection.now and not selection.future)}
    articles, link_problems = check_links(articles, {source_name(p, root) for p in sources},
                                          static, root, urls, unpublished)
    problems += link_problems
    tag_data, tag_problems = load_tag_data(root, config.tags_file)
    problems += tag_problems
    profiles, profile_problems = load_author_file(root, config.authors_file)
    problems += profile_problems
    memo_file = root / cache.CACHE_DIR / RELATED_FILE
    memo = None
    if options.cache:
        loaded = cache.load(memo_file, RELATED_FILE)
        memo = loaded if isinstance(loaded, dict) else {}
    memo_key = memo.get("key") if memo is not None else None
    site, site_problems = assemble_site(articles, config, selection, tag_data, profiles, memo)
    if memo is not None and memo.get("key") != memo_key:
        cache.save(memo_file, RELATED_FILE, memo)
    problems += site_problems
    if any(p.is_error for p in problems):  # also name URL clashes among the articles that did parse
        problems += check_paths(plan_pages(site, urls))
    problems = gate(problems, options.strict)
    return LoadedSite(site, urls, tuple(problems), static, stats)


def collect_static(root: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Theme files first, then the site's own ``static/`` over them; links out of the site refused."""
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    site_root = root.resolve()
    for base, owner in ((THEME_DIR / STATIC_DIR, THEME_DIR.resolve()), (root / STATIC_DIR, site_root)):
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(base)
            if any(part.startswith(".") for part in relative.parts) or not path.is_file():
                continue
            if not path.resolve().is_relative_to(owner):  # reported by escaping_links below
                continue
            files[relative.as_posix()] = path
    problems += escaping_links(root, STATIC_DIR)
    return files, problems


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


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """A whole site, ready to swap in or to check: every page's bytes (in a build, most pages are
    already in the staging folder: their :class:`Staged` stands for them) and every static file."""

    loaded: LoadedSite
    pages: Mapping[str, bytes | Staged]  # output path -> bytes, or the file already staged
    static: Mapping[str, Path]  # output path -> file to copy
    warnings: tuple[Problem, ...]
    redirects: RedirectPlan  # old URLs that now redirect, and the urls.lock record to keep
    reused: frozenset[str] = frozenset()  # pages and feeds to keep from the previous output unrendered
    fingerprints: Mapping[str, bytes | None] = field(default_factory=dict)  # output path -> fingerprint
    steady_until: float | None = None  # a timestamp: from then on, the clock alone changes the output


def render_site(options: BuildOptions, previous: Mapping[str, OldFile] | None = None,
                staging: Staging | None = None,
                seen: Mapping[str, tuple[int, int, int, int]] | None = None) -> RenderedSite:
    """Everything a build does except the swap; raises :class:`SiteError` with every problem found.

    With the cache on, every page and feed gets a fingerprint; given the ``previous`` output's files,
    those whose fingerprint and file are as recorded are not rendered but listed in ``reused``.
    With ``staging``, pages and feeds are written into it as they are made (sitemaps and the other
    small generated files are left for :meth:`Staging.complete`); without, nothing is written."""
    root = options.root
    now = build_time(options)
    loaded = load_site(replace(options, now=now), seen)
    site, urls, static = loaded.site, loaded.urls, loaded.static
    problems = list(loaded.warnings) + guideline_warnings(site)
    if not site.config.origin and options.base_url is None:
        problems.append(Problem("site.yaml", None, "`base_url` has no scheme and host, so feeds, sitemaps and "
                                                   "share links hold relative URLs",
                                "set e.g. base_url: https://example.org/", "warning"))
    config = site.config
    pages = plan_pages(site, urls)
    lock, lock_problems = load_lock(root / config.redirects.lock_file, config.redirects.lock_file)
    problems += lock_problems
    problems = gate(problems, options.strict)
    plan = plan_redirects(site, urls, lock, (page.path for page in pages), now, config.redirects.strict)
    problems += plan.problems
    pages += redirect_pages(plan.redirects)
    problems += check_paths(pages)
    if config.search:
        problems += check_search_paths(static)
    problems = gate(problems, options.strict)
    env = make_environment(root, site, urls, GENERATOR,
                           root / cache.CACHE_DIR / COMPILED_DIR if options.cache else None)
    feeds = feed_files(plan_feeds(site, urls))
    fingerprints: dict[str, bytes | None] = {}
    reused: frozenset[str] = frozenset()
    fingerprint_later = None
    if options.cache:
        fingerprinter = Fingerprinter(env, site, GENERATOR)
        fingerprints.update((path, fingerprinter.feed(feed, kind, now)) for path, feed, kind in feeds)
        listed = previous is not None and options.output_dir.is_dir()  # (the listing itself may be under way)
        records = load_records(root, options.output_dir) if listed else {}
        if records:  # some pages may be kept: their fingerprints decide which, before rendering
            fingerprints.update((page.output, fingerprinter.page(page)) for page in pages)
            reused = unchanged(fingerprints, records, previous or {})
        else:  # every page is rendered: each is fingerprinted for the next build where it is rendered
            fingerprint_later = fingerprinter.page
    todo = [page for page in pages if page.output not in reused]
    if staging is not None:
        staging.prepare({*(page.output for page in todo), *(path for path, _, _ in feeds), *reused, *static})
    generated: dict[str, bytes | Staged] = {}

    def side_outputs() -> None:
        """Feeds and sitemaps, made while the workers render the pages; the feeds (hundreds of files
        on a big site) are staged at once, not left for after the pages."""
        made: Mapping[str, bytes | Staged] = render_feeds(site, urls, now,
                                                          [file for file in feeds if file[0] not in reused])
        if staging is not None:
            made = {path: staging.put(path, data) for path, data in made.items()}
        generated.update(made)
        generated.update(render_sitemaps(pages, site, urls, now))
        generated[BUILD_INFO] = build_info(site, now, GENERATOR)

    rendered, render_problems, later = render_all(env, todo, root, options.jobs, options.progress,
                                                  staging.put if staging is not None else None, side_outputs,
                                                  fingerprint_later)
    fingerprints.update(later)
    problems += render_problems
    if plan.redirects:
        generated["_redirects"] = netlify_redirects(plan.redirects, urls)
    if "robots.txt" in static:  # the site's own robots.txt wins over the generated one
        del generated["robots.txt"]
    for path in sorted(set(generated) & set(rendered)):
        problems.append(Problem("site.yaml", None, f"a page would overwrite the generated file {path}",
                                "check `permalink` and slugs"))
    rendered.update(generated)
    for clash in sorted(set(rendered) & set(static)):
        problems.append(Problem(f"static/{clash}", None, f"static file clashes with a generated page {clash}",
                                "rename or remove the static file"))
    problems = gate(problems, options.strict)
    moments = clock_moments((*site.articles, *site.scheduled, *site.expired, *site.drafts), config.sitemap.news)
    if any(not feed.articles for _, feed, _ in feeds):  # an empty feed is dated by the build itself
        moments.append(now + timedelta(microseconds=1))
    return RenderedSite(loaded, rendered, static, tuple(problems), plan, reused, fingerprints,
                        steady_until(now, moments))


def check(options: BuildOptions) -> RenderedSite:
    """``ballerina-site check``: validate content, config and templates without writing anything."""
    try:
        return render_site(options)
    finally:
        workers.wait_background()


@contextlib.contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """A build makes millions of small objects and next to no reference cycles; the cyclic collector
    would walk them again and again (half a second of a 3.5 s rebuild of 10,000 articles). Whatever
    cycles there are go at the collection after the build."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def build(options: BuildOptions) -> BuildReport:
    try:
        with _without_cycle_collector():
            return _build(options)
    finally:
        workers.wait_background()  # e.g. the build cache being written: there when the build returns


def options_key(options: BuildOptions) -> str:
    """The options that shape the output (the clock is judged apart, see uptodate.py)."""
    return repr((str(options.output_dir.absolute()), options.base_url, options.drafts, options.future,
                 options.expired, options.strict, options.search, options.record_urls))


def skip_if_unchanged(options: BuildOptions) -> BuildSummary | None:
    """The last build's summary, when it is still the truth (see uptodate.py); None: build."""
    if not options.cache:
        return None
    return uptodate.skip_if_unchanged(options.root, options.output_dir, options_key(options), build_time(options))


def _build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    now = build_time(options)
    options = replace(options, now=now)
    output = options.output_dir
    root = options.root
    raise_if_errors(check_output_dir(root, output))
    inputs = uptodate.input_stats(root) if options.cache else {}  # before reading any of them
    spare = spare_tree(root, output) if options.cache else None
    background = len(inputs) >= BACKGROUND_LISTING  # a big site: list its output on another core
    with claim_output(output, spare, background) as previous:  # one build at a time from here
        uptodate.forget(root, output)
        with Staging(output, previous) as staging:
            rendered = render_site(options, previous if options.cache else None, staging, inputs)
            config = rendered.loaded.site.config
            indexed: list[SearchIndex] = []
            binary = require_pagefind() if config.search else None

            def index_staged(folder: Path) -> None:
                """Runs on the staged output, before the swap: a failed index keeps the previous site."""
                indexed.append(index_folder(folder, config.language, binary))

            report = staging.complete(rendered.pages, rendered.static, rendered.reused,
                                      index_staged if binary is not None else None)
        if options.published is not None:  # the live preview reloads its tabs now, not after the records
            options.published(rendered.loaded.site)
        if options.cache:
            save_records(root, output, rendered.fingerprints, report.files or {})
        lock_written = (save_lock(root / config.redirects.lock_file, rendered.redirects.lock)
                        if options.record_urls else False)
        site = rendered.loaded.site
        built = BuildReport(output, report.pages, report.static_files, len(site.articles),
                            time.perf_counter() - started, rendered.warnings, site, rendered.redirects,
                            indexed[0] if indexed else None, lock_written, rendered.loaded.parse, report.kept,
                            len(rendered.reused))
        if options.cache and report.files is not None:
            named = [config.tags_file, config.authors_file, config.redirects.lock_file]
            inputs.update(uptodate.named_stats(root, [name for name in named if "/" in name]))
            inputs.update(uptodate.named_stats(root, [config.redirects.lock_file]))  # as this build left it
            uptodate.save(root, output, options_key=options_key(options), inputs=inputs, files=report.files,
                          built_at=now, until=rendered.steady_until,
                          following=following_changes(site), generator=GENERATOR, summary=summarize(built))
    return built


__all__ = ["BuildOptions", "BuildReport", "RenderedSite", "SiteError", "build", "check", "load_site",
           "render_site", "skip_if_unchanged"]
