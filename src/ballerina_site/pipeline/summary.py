"""What a build tells the editor, as plain values: the CLI prints it, and the build cache keeps it so a
build that finds nothing changed (uptodate.py) can say the same things without loading the site."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from ..core.errors import Problem

if TYPE_CHECKING:
    from .build import BuildReport


@dataclass(frozen=True, slots=True)
class BuildSummary:
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
    redirects: int = 0
    drafts: int = 0
    reused: int = 0  # pages and feeds not rendered: their inputs did not change
    kept: int = 0  # output files kept as they were
    parsed: int = 0  # articles converted from Markdown in this build
    cached: int = 0  # articles taken from the build cache
    up_to_date: bool = False  # nothing changed since the last build: nothing was rendered or loaded


def summarize(report: BuildReport) -> BuildSummary:
    site = report.site
    plan = report.redirects
    return BuildSummary(
        output=str(report.output), pages=report.pages, static_files=report.static_files,
        articles=report.articles, seconds=report.seconds, warnings=report.warnings,
        scheduled=tuple((a.source, a.goes_live.isoformat()) for a in site.scheduled),
        expired=tuple((a.source, a.expiry_date.isoformat() if a.expiry_date else "") for a in site.expired),
        moved=tuple((article.source, old) for article, old in plan.moved) if plan else (),
        forgotten=tuple(plan.forgotten) if plan else (),
        next_change=site.next_change.isoformat() if site.next_change is not None else None,
        search_pages=report.search.pages if report.search is not None else None,
        redirects=len(plan.redirects) if plan else 0, drafts=len(site.drafts), reused=report.reused,
        kept=report.kept, parsed=report.parse.parsed, cached=report.parse.cached)


def to_plain(summary: BuildSummary) -> tuple[Any, ...]:
    """Plain tuples for the build cache (which stores no objects)."""
    values = []
    for item in fields(summary):
        value = getattr(summary, item.name)
        if item.name == "warnings":
            value = tuple((p.path, p.line, p.message, p.hint, p.level, p.column) for p in value)
        values.append(value)
    return tuple(values)


def from_plain(data: Any) -> BuildSummary:
    """Raises ValueError or TypeError for anything this module did not write."""
    names = [item.name for item in fields(BuildSummary)]
    if not isinstance(data, tuple) or len(data) != len(names):
        raise ValueError("a build summary of another shape")
    values = dict(zip(names, data))
    values["warnings"] = tuple(Problem(*record) for record in values["warnings"])
    for name in ("scheduled", "expired", "moved", "forgotten"):
        values[name] = tuple(tuple(pair) for pair in values[name])
    summary = BuildSummary(**values)
    if not all(isinstance(getattr(summary, name), int) for name in ("pages", "static_files", "articles")):
        raise TypeError("a build summary of another shape")
    return summary


def unchanged_since(summary: BuildSummary, seconds: float, written: int) -> BuildSummary:
    """The last build's summary, said again by a build that found every input as it was: every page
    kept but build-info.json, made anew (and ``written`` when its bytes changed)."""
    files = summary.pages + summary.static_files
    return replace(summary, seconds=seconds, reused=summary.pages - 1, kept=files - written, parsed=0,
                   cached=summary.articles, up_to_date=True)
