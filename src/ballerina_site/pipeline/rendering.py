"""Stage four: the plan -> every output file's bytes, in memory. Nothing here touches the output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import AbstractSet, Any, Callable, Mapping, Sequence

from ..core.errors import Problem
from ..core.model import Article
from ..render.environment import render_all
from ..render.feeds import render_feeds
from ..render.sitemaps import render_sitemaps, sitemap_outputs
from ..render.hosts import MERGED, HostRules, check_own_redirects, headers_file, live_links, redirects_file
from ..site.pages import Page
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
    hosts: HostRules = HostRules("/")  # what the host files and deploy-config's snippets say


def host_rules(plan: Plan) -> HostRules:
    """The redirects, fingerprinted files and 404 page of this build, as links."""
    config, urls = plan.loaded.site.config, plan.loaded.urls
    redirects = tuple(sorted((urls.href(r.path), urls.href(r.article)) for r in plan.redirects.redirects))
    immutable = tuple(sorted(urls.href(path) for path in plan.loaded.assets.published))
    not_found = urls.href("/404.html") if any(page.output == "404.html" for page in plan.pages) else None
    return HostRules(config.base_path, redirects, immutable, not_found, config.precompress)


def own_host_files(plan: Plan) -> dict[str, bytes]:
    """The site's own ``static/_redirects`` and ``static/_headers``, merged into the generated ones."""
    static = plan.loaded.static
    return {name: static[name].read_bytes() for name in MERGED if name in static}


def generated_files(plan: Plan, now: datetime, memo: dict[str, object] | None = None,
                    hosts: HostRules | None = None) -> dict[str, bytes]:
    """Feeds, sitemaps, robots.txt, _redirects and _headers, and build-info.json when the site
    publishes it (``memo``: the sitemaps' memo, kept by a long-lived store)."""
    site, urls = plan.loaded.site, plan.loaded.urls
    made = render_feeds(site, urls, now, [file for file in plan.feeds if file[0] not in plan.reused])
    kept = all(path in plan.reused for path in sitemap_outputs(plan.pages, site, urls))
    made.update(render_sitemaps(plan.pages, site, urls, now, memo, kept))
    if site.config.publish_build_info:
        made[BUILD_INFO] = build_info(site, now, GENERATOR)
    hosts = hosts or host_rules(plan)
    own = own_host_files(plan)
    made["_headers"] = headers_file(hosts, own.get("_headers"))
    if hosts.redirects or "_redirects" in own:
        made["_redirects"] = redirects_file(hosts, own.get("_redirects"))
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


def clashes(planned: Sequence[Page], generated: AbstractSet[str], static: Mapping[str, object],
            kept: AbstractSet[str] = frozenset()) -> list[Problem]:
    """Generated files at a planned page's place, and static files at either's (output paths). What
    is kept from the previous output (``kept``: pages, feeds, sitemaps) counts as much as what is new."""
    by_output = {page.output: page for page in planned}
    pages = by_output.keys()
    generated = generated | (kept - pages)
    problems = [_overwriting(by_output[path], path) for path in sorted(generated & pages)]
    problems += [Problem(f"static/{clash}", None, f"static file clashes with a generated page {clash}",
                         "rename or remove the static file")
                 for clash in sorted((pages | generated) & static.keys()) if clash not in MERGED]
    return problems


def render_site(plan: Plan, options: BuildOptions, now: datetime,
                deliver: Callable[[str, bytes], Any] | None = None,
                alongside: Callable[[], None] | None = None) -> RenderedSite:
    """Raises :class:`SiteError` with every problem found. ``deliver(output path, bytes)``: handed
    each page as soon as it is rendered (the write stage stages it), its result kept in the bytes'
    place, so that a big site's pages are never all in memory at once. ``alongside()``: called once
    the workers are started (the search index is made meanwhile)."""
    site = plan.loaded.site
    todo = [page for page in plan.pages if page.output not in plan.reused]
    fingerprint = plan.fingerprinter.page if plan.fingerprinter is not None else None
    store = options.store
    memo = store.memo("sitemaps") if store is not None and store.in_memory else None
    generated: dict[str, bytes] = {}  # made by this process while the workers render the pages
    hosts = host_rules(plan)
    def meanwhile() -> None:
        if alongside is not None:
            alongside()
        generated.update(generated_files(plan, now, memo, hosts))
    pages, problems, later = render_all(plan.env, todo, options.root, options.jobs, options.progress, meanwhile,
                                        fingerprint, spread=parallel.run, deliver=deliver)
    problems += own_redirect_problems(plan, hosts, generated)
    problems = gate([*plan.warnings, *problems, *clashes(plan.pages, generated.keys(), plan.loaded.static,
                                                         plan.reused)], options.strict)
    moments = clock_moments((*site.articles, *site.scheduled, *site.expired, *site.drafts), site.config.sitemap.news)
    if any(not feed.articles for _, feed, _ in plan.feeds):  # an empty feed is dated by the build itself
        moments.append(now + timedelta(microseconds=1))
    return RenderedSite(plan, {**pages, **generated}, tuple(problems), {**plan.fingerprints, **later},
                        steady_until(now, moments), hosts)


def own_redirect_problems(plan: Plan, hosts: HostRules, generated: Mapping[str, bytes]) -> list[Problem]:
    """The site's own ``static/_redirects`` may not redirect a live page or loop (see render/hosts.py)."""
    source = plan.loaded.static.get("_redirects")
    if source is None:
        return []
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem("static/_redirects", None, f"cannot read it: {exc}")]
    paths = [page.path for page in plan.pages] + ["/" + path for path in (*plan.loaded.static, *generated)]
    return check_own_redirects(text, hosts, live_links(paths, hosts.base_path))
