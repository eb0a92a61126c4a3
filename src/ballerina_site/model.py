"""The content model: frozen, typed, and free of I/O and of any library that renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, Mapping

from .config import SiteConfig

TermKind = Literal["tag", "category"]

EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Label:
    """A tag or category as an article refers to it: what to show and where it lives."""

    kind: TermKind
    slug: str
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class Article:
    source: str  # path relative to the site root, as shown in messages
    slug: str
    title: str
    date: datetime  # always time-zone aware
    has_time: bool  # False when the front matter gave only a day
    updated: datetime | None
    summary: str
    body_html: str
    word_count: int
    reading_minutes: int
    tags: tuple[Label, ...] = ()
    category: Label | None = None
    author: str = ""
    draft: bool = False
    image: str = ""
    image_alt: str = ""
    related: tuple[str, ...] = ()  # slugs pinned to the top of Keep Reading
    related_exclude: tuple[str, ...] = ()  # slugs never shown in Keep Reading
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY)  # the editor's own front matter keys
    key_lines: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # front matter key -> file line

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first; ties by source path so the order never depends on the file system."""
        return (-self.date.timestamp(), self.source)

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)


@dataclass(frozen=True, slots=True, eq=False)
class Term:
    """A tag or a category with its articles, newest first."""

    label: Label
    description: str
    articles: tuple[Article, ...]

    @property
    def kind(self) -> TermKind:
        return self.label.kind

    @property
    def slug(self) -> str:
        return self.label.slug

    @property
    def name(self) -> str:
        return self.label.name

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def first_day(self) -> datetime:
        return self.articles[0].date.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True, eq=False)
class Site:
    config: SiteConfig
    articles: tuple[Article, ...]  # newest first
    tags: tuple[Term, ...]  # by name
    categories: tuple[Term, ...]  # by name
    related: Mapping[str, tuple[Article, ...]] = field(default_factory=lambda: EMPTY)  # source -> Keep Reading
    scheduled: tuple[Article, ...] = ()  # future-dated, left out of this build
    drafts: tuple[Article, ...] = ()  # drafts left out of this build

    def keep_reading(self, article: Article) -> tuple[Article, ...]:
        return self.related.get(article.source, ())

    @property
    def months(self) -> tuple[Month, ...]:
        """The archive: articles grouped by the month of their date, newest month first."""
        groups: list[Month] = []
        for article in self.articles:
            year, month = article.date.year, article.date.month
            if groups and (groups[-1].year, groups[-1].month) == (year, month):
                last = groups[-1]
                groups[-1] = Month(year, month, last.articles + (article,))
            else:
                groups.append(Month(year, month, (article,)))
        return tuple(groups)
