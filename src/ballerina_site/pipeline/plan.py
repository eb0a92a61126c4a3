"""Stage three: the site model -> a plan of every output file, and which of them can be kept as they are.

Nothing is rendered here: the plan names each page, feed and sitemap, the redirects, and (with the
store on) each file's fingerprint, so that files whose inputs did not change are reused from the
previous output instead of rendered again (store/outputs.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2

from .. import __version__
from ..core.errors import Problem
from ..core.model import Article
from ..output.listing import OldFile
from ..render.environment import make_environment
from ..render.feeds import Feed, feed_files, plan_feeds
from ..render.search import check_paths as check_search_paths
from ..render.seo import guideline_warnings
from ..render.sitemaps import sitemap_key, sitemap_outputs
from ..site.pages import Page, check_paths, plan_pages, redirect_pages
from ..site.redirects import RedirectPlan, load_lock, plan_redirects
from ..store.fingerprints import Fingerprinter
from ..store.outputs import load_records, unchanged
from ..store.template_reads import digest
from ..store.store import Store
from . import parallel
from .load import LoadedSite, gate
from .options import BuildOptions

GENERATOR = f"ballerina-site {__version__}"
PARTIAL_INPUTS = "partial-inputs"  # what each memoized partial reads (render/partials.py), kept between builds


@dataclass(frozen=True, slots=True)
class Plan:
    """Stage three's result: every output file to make, and which can be kept as they are."""

    loaded: LoadedSite
    env: jinja2.Environment
    pages: list[Page]  # every page, redirects included
    feeds: list[tuple[str, Feed, str]]  # (output path, feed, kind)
    redirects: RedirectPlan
    warnings: tuple[Problem, ...]
    reused: frozenset[str] = frozenset()  # pages and feeds to keep from the previous output unrendered
    fingerprints: dict[str, bytes | None] = field(default_factory=dict)  # output path -> fingerprint
    fingerprinter: Fingerprinter | None = None  # for the pages rendered, when none were reused
    article_token: Callable[[Article], bytes] | None = None  # each article's hash as assembled (for search)


def site_warnings(loaded: LoadedSite, options: BuildOptions) -> list[Problem]:
    problems = list(loaded.warnings) + guideline_warnings(loaded.site)
    if not loaded.site.config.origin and options.base_url is None:
        problems.append(Problem("site.yaml", None, "`base_url` has no scheme and host, so feeds, sitemaps and "
                                                   "share links hold relative URLs",
                                "set e.g. base_url: https://example.org/", "warning"))
    return problems


def plan_site(loaded: LoadedSite, options: BuildOptions, now: datetime, store: Store,
              previous: Mapping[str, OldFile] | None) -> Plan:
    """Raises :class:`SiteError` with every problem found. ``previous``: the files of the output
    this build replaces, when its pages may be reused."""
    site, urls, root = loaded.site, loaded.urls, options.root
    config = site.config
    pages = plan_pages(site, urls)
    lock, lock_problems = load_lock(root / config.redirects.lock_file, config.redirects.lock_file,
                                    store.memo("urls.lock") if store.in_memory else None, root)
    problems = gate(site_warnings(loaded, options) + lock_problems, options.strict)
    redirects = plan_redirects(site, urls, lock, (page.path for page in pages), now, config.redirects.strict,
                               loaded.rejected_sources)
    problems += redirects.problems
    pages += redirect_pages(redirects.redirects)
    problems += check_paths(pages)
    if config.search:
        problems += check_search_paths(loaded.static)
    problems = gate(problems, options.strict)
    saved = store.load(PARTIAL_INPUTS)
    known = dict(saved) if isinstance(saved, dict) else {}
    env = make_environment(root, site, urls, GENERATOR, store.compiled_templates(), assets=loaded.assets,
                           partial_inputs=known if store.enabled else None)
    if store.enabled and known != saved:
        store.save(PARTIAL_INPUTS, known)
    feeds = feed_files(plan_feeds(site, urls))
    plan = Plan(loaded, env, pages, feeds, redirects, tuple(problems))
    return _with_fingerprints(plan, now, store, options.output_dir, previous) if store.enabled else plan


Fingerprints = list[tuple[str, bytes | None]]  # (output path, fingerprint)


def _with_fingerprints(plan: Plan, now: datetime, store: Store, output: Path,
                       previous: Mapping[str, OldFile] | None) -> Plan:
    """Fingerprint every feed, and every page when some may be kept (when none can, the pages are
    fingerprinted as they are rendered, on every core)."""
    records = load_records(store, output) if previous is not None else {}
    fingerprinter = Fingerprinter(plan.env, plan.loaded.site, GENERATOR, store, plan.loaded.assets.token,
                                  plan.loaded.as_parsed if records else None)  # a first build keeps no parts
    fingerprinter.templates.prepare({page.template for page in plan.pages}, store)

    def feeds() -> Fingerprints:
        return [(path, fingerprinter.feed(feed, kind, now)) for path, feed, kind in plan.feeds]
    site, urls = plan.loaded.site, plan.loaded.urls
    sitemaps = dict.fromkeys(sitemap_outputs(plan.pages, site, urls),
                             digest(fingerprinter.base, b"sitemaps", sitemap_key(plan.pages)))
    if not records:
        return Plan(plan.loaded, plan.env, plan.pages, plan.feeds, plan.redirects, plan.warnings,
                    frozenset(), {**dict(feeds()), **sitemaps}, fingerprinter, fingerprinter.article)
    take_listing = (lambda: len(previous)) if previous is not None else None  # listed elsewhere meanwhile
    fingerprints = {**dict(_page_fingerprints(fingerprinter, plan.pages, feeds, take_listing)), **sitemaps}
    fingerprinter.parts.save(store)
    reused = unchanged(fingerprints, records, previous) if previous else frozenset()
    return Plan(plan.loaded, plan.env, plan.pages, plan.feeds, plan.redirects, plan.warnings, reused, fingerprints,
                article_token=fingerprinter.article)


def _page_fingerprints(fingerprinter: Fingerprinter, pages: list[Page], feeds: Callable[[], Fingerprints],
                       meanwhile: Callable[[], object] | None = None) -> Fingerprints:
    """The feeds' fingerprints (``feeds()``), then each page's. The listings go to another process
    (parallel.ahead), as they count their articles by other fields than the articles' own pages do;
    the articles' own pages are shared between the two, this one from the newest (which the feeds
    hashed already), the other from the oldest once its listings are done (parallel.Meet). The
    other sends back the article hashes it made, for the search index, and the articles' parts it
    made, for the store. ``meanwhile()``: work for this process while the other hashes (taking the
    previous output's listing: 0.15 s at 10,000 articles; at 100,000, the wait for it), after
    which the meeting point lies nearer the newest."""
    own = [page for page in pages if page.kind in OWN_PAGE_KINDS]
    articles = [page for page in own if page.kind == "article"]
    others = [page for page in pages if page.kind not in OWN_PAGE_KINDS]
    meet = parallel.Meet(len(articles), OWN_PAGES_A_CHUNK) if len(others) >= AHEAD_FROM else None

    def elsewhere() -> tuple[Fingerprints, list[bytes], dict[str, Any]]:
        found = [(page.output, fingerprinter.page(page)) for page in others]
        spans = [[(page.output, fingerprinter.page(page)) for page in articles[span]] for span in meet.back()]
        lent = articles[meet.met():]
        return found + [pair for span in reversed(spans) for pair in span], \
            [fingerprinter.article(page.context["article"]) for page in lent], fingerprinter.parts.made
    pending = parallel.ahead(elsewhere) if meet is not None else None
    found = feeds()
    if pending is not None and meanwhile is not None:
        meanwhile()
    for span in meet.front() if meet is not None else [slice(None)]:
        found += [(page.output, fingerprinter.page(page)) for page in articles[span]]
    found += [(page.output, fingerprinter.page(page)) for page in own if page.kind != "article"]
    taken = pending.taken() if pending is not None else None
    lent = articles[meet.met():] if meet is not None else []
    if taken is None:
        return found + [(page.output, fingerprinter.page(page)) for page in others + lent]
    pairs, tokens, made = taken
    fingerprinter.parts.made.update(made)
    for page, token in zip(lent, tokens, strict=True):
        fingerprinter.adopt(page.context["article"], token)
    return found + pairs


OWN_PAGE_KINDS = frozenset({"article", "redirect"})  # pages that count their articles whole
AHEAD_FROM = 1_000  # listing pages from which hashing them in another process pays for starting it
OWN_PAGES_A_CHUNK = 64  # articles' own pages taken at a time by either process (parallel.Meet)
