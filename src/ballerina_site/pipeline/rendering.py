"""Stage four: the plan -> every output file's bytes, in memory. Nothing here touches the output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping, Sequence

from ..core.errors import Problem
from ..core.model import Article
from ..render.environment import render_all
from ..render.feeds import render_feeds
from ..render.sitemaps import render_sitemaps
from ..site.pages import Page
from ..site.redirects import netlify_redirects
from ..site.schedule import BUILD_INFO, build_info
from ..store.uptodate import clock_moments, steady_until
from .load import gate
from . import parallel
from .options import BuildOptions
from .plan import GENERATOR, Plan


@dataclass(frozen=True, slots=True)
class RenderedSite:
    """A whole site, ready to swap in or to check: every rendered file's bytes (pages the plan reused
    are not among them) and the static files to copy."""

    plan: Plan
    files: Mapping[str, Any]  # output path -> bytes, or what ``deliver`` made of them
    warnings: tuple[Problem, ...]
    fingerprints: Mapping[str, bytes | None] = field(default_factory=dict)  # output path -> fingerprint
    steady_until: float | None = None  # a timestamp: from then on, the clock alone changes the output


def generated_files(plan: Plan, now: datetime, memo: dict[str, object] | None = None) -> dict[str, bytes]:
    """Feeds, sitemaps, robots.txt, build-info.json and _redirects (``memo``: the sitemaps' memo, kept
    by a long-lived store)."""
    site, urls = plan.loaded.site, plan.loaded.urls
    made = render_feeds(site, urls, now, [file for file in plan.feeds if file[0] not in plan.reused])
    made.update(render_sitemaps(plan.pages, site, urls, now, memo))
    made[BUILD_INFO] = build_info(site, now, GENERATOR)
    if plan.redirects.redirects:
        made["_redirects"] = netlify_redirects(plan.redirects.redirects, urls)
    if "robots.txt" in plan.loaded.static:  # the site's own robots.txt wins over the generated one
        del made["robots.txt"]
    return made


def _overwriting(page: Page, path: str) -> Problem:
    """A page at the place of a generated file, blamed on what made the page: an article's alias (at
    its line), an article's URL, or the config."""
    article = page.context.get("article") if page.kind == "redirect" else None
    if isinstance(article, Article):
        return Problem(page.source or article.source, article.line_of("aliases"),
                       f"the redirect from {page.path} would overwrite the generated file {path}",
                       "remove it from `aliases`")
    return Problem(page.source or "site.yaml", None, f"a page would overwrite the generated file {path}",
                   "check `permalink` and slugs")


def clashes(pages: Mapping[str, bytes], generated: Mapping[str, bytes], static: Mapping[str, object],
            planned: Sequence[Page] = ()) -> list[Problem]:
    by_output = {page.output: page for page in planned}
    problems = [_overwriting(by_output[path], path) if path in by_output else
                Problem("site.yaml", None, f"a page would overwrite the generated file {path}",
                        "check `permalink` and slugs") for path in sorted(set(generated) & set(pages))]
    problems += [Problem(f"static/{clash}", None, f"static file clashes with a generated page {clash}",
                         "rename or remove the static file")
                 for clash in sorted((set(pages) | set(generated)) & set(static))]
    return problems


def render_site(plan: Plan, options: BuildOptions, now: datetime,
                deliver: Callable[[str, bytes], Any] | None = None) -> RenderedSite:
    """Raises :class:`SiteError` with every problem found. ``deliver(output path, bytes)``: handed
    each page as soon as it is rendered (the write stage stages it), its result kept in the bytes'
    place, so that a big site's pages are never all in memory at once."""
    site = plan.loaded.site
    todo = [page for page in plan.pages if page.output not in plan.reused]
    fingerprint = plan.fingerprinter.page if plan.fingerprinter is not None else None
    store = options.store
    memo = store.memo("sitemaps") if store is not None and store.in_memory else None
    generated: dict[str, bytes] = {}  # made by this process while the workers render the pages
    pages, problems, later = render_all(plan.env, todo, options.root, options.jobs, options.progress,
                                        lambda: generated.update(generated_files(plan, now, memo)), fingerprint,
                                        spread=parallel.run, deliver=deliver)
    problems = gate([*plan.warnings, *problems, *clashes(pages, generated, plan.loaded.static, todo)],
                    options.strict)
    moments = clock_moments((*site.articles, *site.scheduled, *site.expired, *site.drafts), site.config.sitemap.news)
    if any(not feed.articles for _, feed, _ in plan.feeds):  # an empty feed is dated by the build itself
        moments.append(now + timedelta(microseconds=1))
    return RenderedSite(plan, {**pages, **generated}, tuple(problems), {**plan.fingerprints, **later},
                        steady_until(now, moments))
