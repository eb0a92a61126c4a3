"""The build pipeline, spelled out once: config -> content -> site model -> pages -> output."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .assemble import Selection, assemble_site
from .config import SiteConfig, load_config
from .content import CONTENT_DIR, find_sources, read_source
from .errors import Problem, SiteError, raise_if_errors
from .model import Site
from .pages import check_paths, plan_pages, redirect_pages
from .redirects import RedirectPlan, load_lock, netlify_redirects, plan_redirects, save_lock
from .render import THEME_DIR, make_environment, render_pages
from .schedule import BUILD_INFO, build_info
from .search import SearchIndex, index_folder, require_pagefind
from .search import check_paths as check_search_paths
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
    expired: bool = False  # include articles past their expiry_date
    now: datetime | None = None  # "now" for future-dated articles; default: the clock
    search: bool | None = None  # None: as site.yaml says (`search`, default on)
    record_urls: bool = True  # keep urls.lock up to date after a successful build

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
    if options.search is not None:
        config = replace(config, search=options.search)
    problems: list[Problem] = []
    articles = []
    for path in find_sources(root):
        parsed = read_source(path, root, config)
        problems += parsed.problems
        if parsed.article is not None:
            articles.append(parsed.article)
    tag_data, tag_problems = load_tag_data(root, config.tags_file)
    problems += tag_problems
    selection = Selection(build_time(options), options.drafts, options.future, options.expired)
    site, site_problems = assemble_site(articles, config, selection, tag_data)
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
    loaded = load_site(options)
    site, urls = loaded.site, loaded.urls
    config = site.config
    now = build_time(options)
    problems = list(loaded.warnings)
    pages = plan_pages(site, urls)
    lock_path = root / config.redirects.lock_file
    lock, lock_problems = load_lock(lock_path, config.redirects.lock_file)
    problems += lock_problems
    raise_if_errors(problems)
    plan = plan_redirects(site, urls, lock, (page.path for page in pages), now, config.redirects.strict)
    problems += plan.problems
    pages += redirect_pages(plan.redirects)
    problems += check_paths(pages)
    static, static_problems = collect_static(root)
    problems += static_problems
    if config.search:
        problems += check_search_paths(static)
    raise_if_errors(problems)
    env = make_environment(root, site, urls, GENERATOR)
    rendered, render_problems = render_pages(env, pages, root)
    problems += render_problems
    rendered[BUILD_INFO] = build_info(site, now, GENERATOR)
    if plan.redirects:
        rendered["_redirects"] = netlify_redirects(plan.redirects, urls)
    for clash in sorted(set(rendered) & set(static)):
        problems.append(Problem(f"static/{clash}", None, f"static file clashes with a generated page {clash}",
                                "rename or remove the static file"))
    raise_if_errors(problems)
    indexed: list[SearchIndex] = []
    binary = require_pagefind() if config.search else None

    def index_staged(folder: Path) -> None:
        """Runs on the staged output, before the swap: a failed index keeps the previous site."""
        indexed.append(index_folder(folder, config.language, binary))

    report = write_site(output, rendered, static, index_staged if binary is not None else None)
    lock_written = save_lock(lock_path, plan.lock) if options.record_urls else False
    return BuildReport(output, report.pages, report.static_files, len(site.articles),
                       time.perf_counter() - started, tuple(problems), site, plan,
                       indexed[0] if indexed else None, lock_written)


__all__ = ["BuildOptions", "BuildReport", "SiteError", "build", "load_site"]
