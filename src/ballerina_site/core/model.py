"""The content model: frozen, typed, and free of I/O and of any library that renders."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, Mapping

from .config import SiteConfig
from .dates import local_day

TermKind = Literal["tag", "category"]

EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Label:
    """A tag or category as an article refers to it: what to show and where it lives."""

    kind: TermKind
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class Variant:
    """One file made from an image: where it is published, its size in pixels and bytes, its type."""

    path: str  # output path, e.g. ``images/eve.1a2b3c4d-800.webp``
    width: int
    height: int
    media_type: str  # image/jpeg, image/webp, image/avif, image/png
    size: int = 0  # bytes

    def __repr__(self) -> str:  # positional: a third of the generated one's time (page fingerprints)
        return f"Variant({self.path!r}, {self.width}, {self.height}, {self.media_type!r}, {self.size})"


@dataclass(frozen=True, slots=True)
class Picture:
    """A local image as pages show it: every variant, best format first, and the fallback ``<img>``."""

    source: str  # the image as the editor wrote it, e.g. ``/images/eve.jpg``
    fallback: Variant  # the image's own format at a middle width: ``src`` of the ``<img>``
    variants: tuple[Variant, ...]  # every width of every format, by format then width
    crops: tuple[Variant, ...] = ()  # 16:9, 4:3 and 1:1 for structured data (lead images)
    share: Variant | None = None  # 1200x630 for link previews (lead images)
    token: str = ""  # when set, all that the variants follow from (the store's key and manifest, see pipeline/images.py)

    def __repr__(self) -> str:  # what page fingerprints hash for every article with a picture
        if self.token:
            return f"Picture({self.source!r}, {self.token!r})"
        return f"Picture({self.source!r}, {self.fallback!r}, {self.variants!r}, {self.crops!r}, {self.share!r})"

    @property
    def width(self) -> int:
        return max(v.width for v in self.variants if v.media_type == self.fallback.media_type)

    @property
    def height(self) -> int:
        return max(v.height for v in self.variants if v.media_type == self.fallback.media_type)

    def smallest(self) -> Variant:
        return min((v for v in self.variants if v.media_type == self.fallback.media_type), key=lambda v: v.width)


@dataclass(frozen=True, slots=True, eq=False)
class Article:
    """One published article as the templates see it: parsed, then assembled with the site."""

    source: str  # path relative to the site root, as shown in messages
    slug: str
    title: str
    date: datetime  # always time-zone aware
    has_time: bool  # False when the front matter gave only a day
    updated: datetime | None
    summary: str
    body_html: str = field(repr=False)  # repr=False: printed whole, an article shows only what listings may
    word_count: int = field(repr=False)
    reading_minutes: int
    tags: tuple[Label, ...] = ()
    category: Label | None = None
    authors: tuple[str, ...] = ()  # as written, in byline order
    draft: bool = False
    image: str = ""
    image_alt: str = ""  # written as "" (in key_lines): decorative, on purpose; not written: a warning
    image_caption: str = ""
    image_credit: str = ""
    summary_html: str = ""  # the summary with its inline Markdown, when it has any
    picture: Picture | None = None  # the lead image, processed (local images only)
    share: Variant | None = None  # the link-preview image: a crop of the lead image, or a card
    related: tuple[str, ...] = ()  # slugs pinned to the top of Keep Reading
    related_exclude: tuple[str, ...] = ()  # slugs never shown in Keep Reading
    publish_date: datetime | None = None  # goes live at this time; default: `date`
    expiry_date: datetime | None = None  # left out of builds from this time on
    aliases: tuple[str, ...] = ()  # old site paths that redirect here
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY)  # the editor's own front matter keys
    key_lines: Mapping[str, int] = field(default_factory=lambda: EMPTY, repr=False)  # front matter key -> line
    links: tuple[tuple[str, int], ...] = field(default=(), repr=False)  # local targets in the body, with lines

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first; ties by source path so the order never depends on the file system."""
        return (-self.date.timestamp(), self.source)

    @property
    def goes_live(self) -> datetime:
        """When the article may first be shown: ``publish_date`` if set, else its ``date``."""
        return self.publish_date or self.date

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)

    @property
    def author(self) -> str:
        """The first author (templates written for one author per article keep working)."""
        return self.authors[0] if self.authors else ""


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


@dataclass(frozen=True, slots=True, eq=False)
class Person:
    """An author with a page of their own: who they are and what they wrote, newest first."""

    slug: str
    name: str
    bio: str = ""
    url: str = ""  # their own site or profile elsewhere
    image: str = ""
    articles: tuple[Article, ...] = ()

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True, slots=True)
class Month:
    """The articles of one month, for the archive."""

    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def first_day(self) -> datetime:
        """The month's first day (in the articles' zone), for showing the month: its year and month
        are the month's own, whatever zone its first article's date is written in."""
        return self.articles[0].date.replace(year=self.year, month=self.month, day=1, hour=0, minute=0,
                                             second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class Change:
    """A moment at which a rebuild changes the site: an article goes live or expires."""

    at: datetime
    event: Literal["publish", "expire"]
    article: Article


@dataclass(frozen=True, slots=True, eq=False)
class Site:
    """The whole site model the pages are planned from: articles, terms, authors, Keep Reading."""

    config: SiteConfig
    articles: tuple[Article, ...]  # newest first
    tags: tuple[Term, ...]  # by name
    categories: tuple[Term, ...]  # by name
    related: Mapping[str, tuple[Article, ...]] = field(default_factory=lambda: EMPTY)  # source -> Keep Reading
    scheduled: tuple[Article, ...] = ()  # future-dated, left out of this build
    drafts: tuple[Article, ...] = ()  # drafts left out of this build
    authors: tuple[Person, ...] = ()  # by name
    authors_by_source: Mapping[str, tuple[Person, ...]] = field(default_factory=lambda: EMPTY)  # source -> byline
    expired: tuple[Article, ...] = ()  # past their expiry_date, left out of this build
    upcoming: tuple[Change, ...] = ()  # future publish and expiry times, soonest first

    @property
    def next_change(self) -> datetime | None:
        """The next time a rebuild would show a different site (for a cron job), or None."""
        return self.upcoming[0].at if self.upcoming else None

    def authors_of(self, article: Article) -> tuple[Person, ...]:
        """The article's authors, in byline order."""
        return self.authors_by_source.get(article.source, ())

    def author_of(self, article: Article) -> Person | None:
        """The article's first author."""
        found = self.authors_by_source.get(article.source)
        return found[0] if found else None

    def keep_reading(self, article: Article) -> tuple[Article, ...]:
        return self.related.get(article.source, ())

    @property
    def months(self) -> tuple[Month, ...]:
        """The archive: articles grouped by the month of their date in the site's zone, newest first."""
        groups: list[Month] = []
        zone = self.config.zone

        def month_of(article: Article) -> tuple[int, int]:
            local = local_day(article.date, zone)
            return local.year, local.month

        for (year, month), members in itertools.groupby(self.articles, month_of):
            groups.append(Month(year, month, tuple(members)))
        return tuple(groups)
