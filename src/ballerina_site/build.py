"""The build pipeline, spelled out once: config -> content -> site model -> pages -> output."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .assemble import Selection, assemble_site
from .authors import load_author_file
from .config import SiteConfig, load_config
from .content import CONTENT_DIR, find_sources, read_source
from .errors import Problem, SiteError, raise_if_errors
from .feeds import render_feeds
from .model import Site
from .pages import check_paths, plan_pages
from .render import THEME_DIR, make_environment, render_pages
from .seo import guideline_warnings
from .sitemaps import render_sitemaps
from .taxonomy import load_tag_data
from .urls import Urls
from .writer import write_site

DEFAULT_OUTPUT = "public"
STATIC_DIR = "static"
GENERATOR = f"ballerina-site {__version__}"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path = Path(".")
    output: Path | None = None  # default: <root>/public
    base_url: str | None = None  # overrides site.yaml
    drafts: bool = False
    future: bool = False
    now: datetime | None = None  # "now" for future-dated articles; default: the clock

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


@dataclass(frozen=True, slots=True)
class LoadedSite:
    site: Site
    urls: Urls
    warnings: tuple[Problem, ...]


def build_time(options: BuildOptions) -> datetime:
    if options.now is not None:
        return options.now
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc)


def load_site(options: BuildOptions) -> LoadedSite:
    """Everything up to the site model; raises :class:`SiteError` with every problem found."""
    root = options.root
    config: SiteConfig = load_config(root)
    if options.base_url is not None:
        config = replace(config, base_url=options.base_url)
    problems: list[Problem] = []
    articles = []
    for path in find_sources(root):
        parsed = read_source(path, root, config)
        problems += parsed.problems
        if parsed.article is not None:
            articles.append(parsed.article)
    tag_data, tag_problems = load_tag_data(root, config.tags_file)
    problems += tag_problems
    profiles, profile_problems = load_author_file(root, config.authors_file)
    problems += profile_problems
    selection = Selection(build_time(options), options.drafts, options.future)
    site, site_problems = assemble_site(articles, config, selection, tag_data, profiles)
    problems += site_problems
    raise_if_errors(problems)
    return LoadedSite(site, Urls(config), tuple(problems))


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
            if path.is_symlink() and not path.resolve().is_relative_to(owner):
                problems.append(Problem(path.relative_to(root).as_posix() if owner == site_root else str(path),
                                        None, "symlink points outside the site; refused",
                                        "copy the file into static/ instead"))
                continue
            files[relative.as_posix()] = path
    return files, problems


def check_output_dir(root: Path, output: Path) -> list[Problem]:
    out = output.resolve()
    site = root.resolve()
    protected = [site, site / CONTENT_DIR, site / "templates", site / STATIC_DIR]
    if any(out == p or p.is_relative_to(out) for p in protected):
        return [Problem(str(output), None, "refusing to use this folder as the output: a build replaces it "
                                           "entirely", "choose a new folder such as public/")]
    return []


def build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    root = options.root
    output = options.output_dir
    raise_if_errors(check_output_dir(root, output))
    now = build_time(options)
    loaded = load_site(replace(options, now=now))
    site, urls = loaded.site, loaded.urls
    problems = list(loaded.warnings) + guideline_warnings(site)
    if not site.config.origin and options.base_url is None:
        problems.append(Problem("site.yaml", None, "`base_url` has no scheme and host, so feeds, sitemaps and "
                                                   "share links hold relative URLs",
                                "set e.g. base_url: https://example.org/", "warning"))
    pages = plan_pages(site, urls)
    problems += check_paths(pages)
    static, static_problems = collect_static(root)
    problems += static_problems
    raise_if_errors(problems)
    env = make_environment(root, site, urls, GENERATOR)
    rendered, render_problems = render_pages(env, pages, root)
    problems += render_problems
    generated = {**render_feeds(site, urls, now), **render_sitemaps(pages, site, urls, now)}
    if "robots.txt" in static:  # the site's own robots.txt wins over the generated one
        del generated["robots.txt"]
    for path in sorted(set(generated) & set(rendered)):
        problems.append(Problem("site.yaml", None, f"a page would overwrite the generated file {path}",
                                "check `permalink` and slugs"))
    rendered.update(generated)
    for clash in sorted(set(rendered) & set(static)):
        problems.append(Problem(f"static/{clash}", None, f"static file clashes with a generated page {clash}",
                                "rename or remove the static file"))
    raise_if_errors(problems)
    report = write_site(output, rendered, static)
    return BuildReport(output, report.pages, report.static_files, len(site.articles),
                       time.perf_counter() - started, tuple(problems), site)


__all__ = ["BuildOptions", "BuildReport", "SiteError", "build", "load_site"]
