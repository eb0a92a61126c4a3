"""Stages one and two: files -> content model -> site model. Nothing here writes but the store."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..content.discover import CONTENT_DIR, STATIC_DIR, escaping_links, find_sources, source_name
from ..core.config import Profile, SiteConfig
from ..core.configload import load_config
from ..core.errors import Problem, SiteError, raise_if_errors
from ..core.sitefiles import leaves_site
from ..core.model import Article, Site
from ..render.environment import THEME_DIR
from ..site.assemble import Selection, assemble_site
from ..site.assets import Assets, fingerprint_static
from ..site.authors import load_author_file
from ..site.links import check_links
from ..site.pages import check_paths, plan_pages
from ..site.taxonomy import TagData, load_tag_data
from ..site.urls import Urls
from ..store.article_parts import AsParsed
from ..store.store import Store
from .options import BuildOptions, build_time
from .imagerefs import Ref, missing_images
from .images import ImageStats, process_images
from .parsing import parse_sources
from .report import ParseStats

RELATED = "related"  # Keep Reading of every article, kept while no tag, date or slug changes
Stats = Mapping[str, tuple[int, int, int, int]]


@dataclass(frozen=True, slots=True)
class LoadedSite:
    """Stages one and two's result: the site model, with what the later stages need of the input."""

    site: Site
    urls: Urls
    warnings: tuple[Problem, ...]
    static: Mapping[str, Path] = field(default_factory=dict)  # output path -> file to copy
    parse: ParseStats = ParseStats(0, 0)  # articles converted now, and taken from the store
    assets: Assets = Assets()  # the fingerprinted copies among ``static`` (site/assets.py)
    rejected: tuple[Problem, ...] = ()  # with ``keep_going``: the errors of the articles left out
    images: ImageStats = ImageStats()  # images and cards made now, and taken from the store
    scratch: Any = None  # where images are made when there is no store: kept until the output is written
    made: frozenset[str] = frozenset()  # the output paths among ``static`` that are the store's processed images
    made_folders: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # the same by folder: name -> file
    made_signatures: Mapping[str, str] = field(default_factory=dict)  # folder -> what its made files are
    as_parsed: AsParsed = field(default_factory=dict)  # for store/article_parts.py

    @property
    def rejected_sources(self) -> frozenset[str]:
        return frozenset(p.path for p in self.rejected)


def gate(problems: Iterable[Problem], strict: bool) -> list[Problem]:
    """Raise :class:`SiteError` if there is an error (or, when strict, any warning); else the warnings."""
    problems = list(problems)
    if strict:
        problems = [replace(p, level="error") if not p.is_error else p for p in problems]
    raise_if_errors(problems)
    return problems


def load_settings(options: BuildOptions, problems: list[Problem]) -> SiteConfig:
    """site.yaml with the options over it; with its problems noted, the defaults, so that the articles
    are still read and every problem reported at once."""
    try:
        config = load_config(options.root)
    except SiteError as exc:
        problems += exc.problems
        config = SiteConfig()
    if options.base_url is not None:
        config = replace(config, base_url=options.base_url)
    if options.search is not None:
        config = replace(config, search=options.search)
    if options.search_shard_size is not None:
        config = replace(config, search_shard_size=options.search_shard_size)
    return config


def load_articles(options: BuildOptions, config: SiteConfig, store: Store, seen: Stats | None,
                  problems: list[Problem]) -> tuple[list[Article], list[Path], ParseStats, AsParsed]:
    root = options.root
    problems += escaping_links(root, CONTENT_DIR)
    sources = find_sources(root)
    parsed_all, stats, as_parsed = parse_sources(sources, root, config, store, jobs=options.jobs,
                                      progress=options.progress, input_stats=seen)
    articles = []
    for parsed in parsed_all:
        problems += parsed.problems
        if parsed.article is not None:
            articles.append(parsed.article)
    return articles, sources, stats, as_parsed


def load_site(options: BuildOptions, store: Store | None = None, seen: Stats | None = None) -> LoadedSite:
    """Everything up to the site model; raises :class:`SiteError` with every problem found.
    ``seen``: input files' stats taken before any was read (see store/uptodate.py)."""
    root = options.root
    store = store if store is not None else options.open_store()
    problems: list[Problem] = []
    config = load_settings(options, problems)
    urls = Urls(config)
    articles, sources, stats, as_parsed = load_articles(options, config, store, seen, problems)
    static, static_problems = collect_static(root)
    problems += static_problems
    tag_data, tag_problems = load_tag_data(root, config.tags_file)
    profiles, profile_problems = load_author_file(root, config.authors_file)
    problems += tag_problems + profile_problems
    selection = Selection(build_time(options), options.drafts, options.future, options.expired)
    unpublished = frozenset(a.source for a in articles if (a.draft and not selection.drafts)
                            or (a.date > selection.now and not selection.future))
    pictures = process_images(root, config, articles, static, unpublished, urls, store, options.jobs,
                              options.output_dir, options.progress, seen)
    problems += pictures.problems
    articles, config, static = pictures.articles, pictures.config, {**static, **pictures.published}
    memo = store.load(RELATED) if store.enabled else None
    memo = memo if isinstance(memo, dict) else ({} if store.enabled else None)
    memo_key = memo.get("key") if memo is not None else None
    model = Model(options, root, urls, config, {source_name(p, root) for p in sources}, static,
                  tag_data, profiles, memo, tuple(pictures.missing))
    site, problems, rejected = model.keep_going(articles, problems) if options.keep_going \
        else model.all_or_nothing(articles, problems)
    if memo is not None and memo.get("key") != memo_key:
        store.save(RELATED, memo)
    static, assets = fingerprint_static(static)  # after the links were checked against the files as named
    return LoadedSite(site, urls, tuple(gate(problems, options.strict)), static, stats, assets=assets,
                      rejected=tuple(rejected), images=pictures.stats,
                      scratch=pictures.scratch, made=frozenset(pictures.published), made_folders=pictures.made,
                      made_signatures=pictures.signatures, as_parsed=as_parsed)


@dataclass(frozen=True, slots=True)
class Model:
    """Stage two, the site model from the articles, all or nothing or (``--keep-going``) without the
    articles that have errors."""

    options: BuildOptions
    root: Path
    urls: Urls
    config: SiteConfig
    sources: set[str]  # every article file, parsed or not
    static: Mapping[str, Path]
    tag_data: TagData
    profiles: tuple[Profile, ...]
    memo: dict[str, object] | None
    missing: tuple[Ref, ...] = ()  # body images whose file is missing (see imagerefs.py)

    def site(self, articles: list[Article]) -> tuple[Site, list[Problem]]:
        options = self.options
        selection = Selection(build_time(options), options.drafts, options.future, options.expired)
        unpublished = {a.source for a in articles if (a.draft and not selection.drafts)
                       or (a.date > selection.now and not selection.future)}
        articles, problems = check_links(articles, self.sources, self.static, self.root, self.urls, unpublished)
        present = {article.source for article in articles}
        problems = missing_images(problems, [ref for ref in self.missing if ref.article in present])
        site, site_problems = assemble_site(articles, self.config, selection, self.tag_data, self.profiles,
                                            self.memo)
        return site, problems + site_problems

    def all_or_nothing(self, articles: list[Article], problems: list[Problem]
                       ) -> tuple[Site, list[Problem], list[Problem]]:
        site, more = self.site(articles)
        problems = problems + more
        if any(p.is_error for p in problems):  # also name URL clashes among the articles that did parse
            problems += check_paths(plan_pages(site, self.urls))
        return site, problems, []

    def keep_going(self, articles: list[Article], problems: list[Problem]
                   ) -> tuple[Site, list[Problem], list[Problem]]:
        """Leave out every article with an error (a warning too, when strict), then model the rest
        again: leaving one out can clear another's error (a URL clash), never add one."""
        rejected: list[Problem] = []
        left_out: set[str] = set()
        while True:
            site, more = self.site([a for a in articles if a.source not in left_out])
            found = [p for p in problems + more + check_paths(plan_pages(site, self.urls)) if p.path not in left_out]
            if self.options.strict:
                found = [replace(p, level="error") if p.path in self.sources else p for p in found]
            bad = {p.path for p in found if p.is_error and p.path in self.sources}
            if not bad:
                return site, found, sorted(rejected, key=lambda p: (p.path, p.line or 0))
            rejected += [p for p in found if p.path in bad and p.is_error]
            left_out |= bad


def collect_static(root: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Theme files first, then the site's own ``static/`` over them; links out of the site refused.
    Hidden files and folders are left out, and symlinked folders are not followed (as ``rglob``)."""
    files: dict[str, Path] = {}
    site_root = root.resolve()
    for base, owner in ((THEME_DIR / STATIC_DIR, THEME_DIR.resolve()), (root / STATIC_DIR, site_root)):
        if not base.is_dir():
            continue
        folders: dict[str, bool] = {}  # whether a folder leads out; a plain file in it leads where it does
        for relative, path, linked in sorted(_files_under(str(base)), key=lambda found: found[0].split("/")):
            if linked:
                out = leaves_site(Path(path), owner)
            else:
                parent = path.rpartition("/")[0]
                out = folders.get(parent)
                if out is None:
                    out = folders[parent] = leaves_site(Path(parent), owner)
            if out:  # reported by escaping_links below
                continue
            files[relative] = Path(path)
    return files, escaping_links(root, STATIC_DIR)


def _files_under(base: str) -> list[tuple[str, str, bool]]:
    """Each file under ``base`` (or a symlink to one): its relative path, its path, whether it is a
    symlink. One directory read per folder, no stat but for symlinks."""
    found: list[tuple[str, str, bool]] = []
    todo = [("", base)]
    while todo:
        prefix, folder = todo.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((prefix + entry.name + "/", entry.path))
                elif entry.is_file():
                    found.append((prefix + entry.name, entry.path, entry.is_symlink()))
            except OSError:
                continue
    return found
