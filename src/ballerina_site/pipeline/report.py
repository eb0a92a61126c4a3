"""What a build tells its caller: :class:`BuildReport`, and the plain :class:`BuildSummary` the CLI
prints and the store keeps, so a build that finds nothing changed (store/uptodate.py) can say the same
things without loading the site."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import Problem

if TYPE_CHECKING:  # types only: a build that finds nothing changed imports none of these (build.py)
    from ..core.model import Site
    from ..output.precompress import Precompressed
    from ..render.search import SearchIndex
    from ..site.redirects import RedirectPlan


@dataclass(frozen=True, slots=True)
class ParseStats:
    """Articles converted and taken from the store, for the summary line."""

    parsed: int  # converted in this build
    cached: int  # taken from the store


@dataclass(frozen=True, slots=True)
class BuildSummary:
    """What a build made, for its last line (kept in the store for a build that finds nothing changed)."""

    output: str
    pages: int
    static_files: int
    articles: int
    seconds: float
    warnings: tuple[Problem, ...] = ()
    scheduled: tuple[tuple[str, str], ...] = ()  # (source, when it publishes)
    expired: tuple[tuple[str, str], ...] = ()  # (source, when it expired)
    moved: tuple[tuple[str, str], ...] = ()  # (source, old URL that now redirects)
    forgotten: tuple[tuple[str, str], ...] = ()  # (source, URL that now gives 404)
    next_change: str | None = None
    search_pages: int | None = None  # pages in the search index, when one was made
    search_shards: tuple[int, int] = (0, 0)  # (shards indexed by this build, shards in all)
    redirects: int = 0
    drafts: int = 0
    reused: int = 0  # pages and feeds not rendered: their inputs did not change
    kept: int = 0  # output files kept as they were
    parsed: int = 0  # articles converted from Markdown in this build
    cached: int = 0  # articles taken from the build cache
    up_to_date: bool = False  # nothing changed since the last build: nothing was rendered or loaded
    build_info: str | None = None  # where build-info.json was written (the store, or the output too)
    rejected: tuple[Problem, ...] = ()  # ``keep_going``: the errors of the articles left out
    images: int = 0  # images and social cards encoded in this build
    images_cached: int = 0  # images and social cards taken from the build cache
    # precompression (output/precompress.py): files compressed, files whose copies were kept, bytes of
    # the files compressed and of their Brotli and gzip copies, the step's seconds; () when it was off
    packed: tuple[int, int, int, int, int, float] | tuple[()] = ()


@dataclass(frozen=True, slots=True)
class BuildReport:
    """``site`` is None when nothing had changed since the last build: the site was not even loaded
    (``summary.up_to_date``), and ``written`` is False for ``check``, which writes nothing."""

    summary: BuildSummary
    site: Site | None
    redirects: RedirectPlan | None = None
    search: SearchIndex | None = None
    lock_written: bool = False
    written: bool = True
    set_aside: Path | None = None  # forced over a folder the tool did not make: where its files now are

    @property
    def output(self) -> Path:
        return Path(self.summary.output)

    @property
    def pages(self) -> int:
        return self.summary.pages

    @property
    def articles(self) -> int:
        return self.summary.articles

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return self.summary.warnings

    @property
    def seconds(self) -> float:
        return self.summary.seconds


@dataclass(frozen=True, slots=True)
class Counts:
    """What the write stage did, for the summary."""

    pages: int
    static_files: int
    kept: int = 0  # output files with unchanged bytes, kept (inode and mtime) instead of rewritten
    reused: int = 0  # pages and feeds not rendered at all: their inputs did not change


def summarize(output: Path, site: Site, counts: Counts, seconds: float, warnings: tuple[Problem, ...],
              plan: RedirectPlan | None, search: SearchIndex | None, parse: ParseStats,
              rejected: tuple[Problem, ...] = (), images: tuple[int, int] = (0, 0),
              packed: Precompressed | None = None) -> BuildSummary:
    return BuildSummary(
        output=str(output), pages=counts.pages, static_files=counts.static_files,
        articles=len(site.articles), seconds=seconds, warnings=warnings,
        scheduled=tuple((a.source, a.goes_live.isoformat()) for a in site.scheduled),
        expired=tuple((a.source, a.expiry_date.isoformat() if a.expiry_date else "") for a in site.expired),
        moved=tuple((article.source, old) for article, old in plan.moved) if plan else (),
        forgotten=tuple(plan.forgotten) if plan else (),
        next_change=site.next_change.isoformat() if site.next_change is not None else None,
        search_pages=search.pages if search is not None else None,
        search_shards=(search.indexed, search.shards) if search is not None else (0, 0),
        redirects=len(plan.redirects) if plan else 0, drafts=len(site.drafts), reused=counts.reused,
        kept=counts.kept, parsed=parse.parsed, cached=parse.cached, rejected=rejected, images=images[0],
        images_cached=images[1],
        packed=() if packed is None else (packed.compressed, packed.kept, packed.original, packed.brotli,
                                          packed.gzip, packed.seconds))


def to_plain(summary: BuildSummary) -> tuple[Any, ...]:
    """Plain tuples for the build cache (which stores no objects)."""
    values = []
    for item in fields(summary):
        value = getattr(summary, item.name)
        if item.name in ("warnings", "rejected"):
            value = tuple((p.path, p.line, p.message, p.hint, p.level, p.column) for p in value)
        values.append(value)
    return tuple(values)


def from_plain(data: Any) -> BuildSummary:
    """Raises ValueError or TypeError for anything this module did not write."""
    names = [item.name for item in fields(BuildSummary)]
    if not isinstance(data, tuple) or len(data) != len(names):
        raise ValueError("a build summary of another shape")
    values = dict(zip(names, data))
    for name in ("warnings", "rejected"):
        values[name] = tuple(Problem(*record) for record in values[name])
    for name in ("scheduled", "expired", "moved", "forgotten"):
        values[name] = tuple(tuple(pair) for pair in values[name])
    values["packed"] = tuple(values["packed"])
    summary = BuildSummary(**values)
    if not all(isinstance(getattr(summary, name), int) for name in ("pages", "static_files", "articles")):
        raise TypeError("a build summary of another shape")
    return summary


def unchanged_since(summary: BuildSummary, seconds: float, written: int, published_info: bool = True) -> BuildSummary:
    """The last build's summary, said again by a build that found every input as it was: every page
    kept but a published build-info.json, made anew (and ``written`` when its bytes changed)."""
    files = summary.pages + summary.static_files
    return replace(summary, seconds=seconds, reused=summary.pages - int(published_info), kept=files - written, parsed=0,
                   cached=summary.articles, up_to_date=True, images=0,
                   images_cached=summary.images + summary.images_cached, packed=())
