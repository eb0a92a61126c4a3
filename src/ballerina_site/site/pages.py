"""Which pages the site has, at which paths, with which template and data — no rendering here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence

from ..core.errors import Problem
from ..core.model import Article, Site
from .feedlinks import FeedLink, feed_links
from .redirects import Redirect
from ..core.paths import UnsafePath
from .urls import Urls, output_file


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated listing."""

    number: int
    count: int  # how many pages the listing has
    items: tuple[Article, ...]
    paths: tuple[str, ...]  # site path of every page, 1-based via path_of()

    def path_of(self, number: int) -> str:
        return self.paths[number - 1]

    @property
    def prev_path(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next_path(self) -> str | None:
        return self.paths[self.number] if self.number < self.count else None


@dataclass(frozen=True, slots=True)
class Page:
    """One page to render: where, with which template and data."""

    path: str  # site path, e.g. /tags/john-wick/
    template: str
    kind: str  # home, article, tag, category, tag_index, category_index, author, author_index, archive, 404
    title: str
    context: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None  # the content file it comes from, for messages
    updated: datetime | None = None  # when its content last changed (sitemap lastmod)
    feeds: tuple[FeedLink, ...] = ()  # feeds advertised with <link rel="alternate">
    output: str = field(init=False, repr=False, compare=False)  # the file it is written to, from ``path``

    def __post_init__(self) -> None:
        """The output file worked out once: a build asks for it five times a page, and past the
        memo of ``output_file`` (65,536 paths) each time costs 10 µs (2.5 s of an edit at 100,000
        articles)."""
        try:
            output = output_file(self.path)
        except UnsafePath:
            output = ""  # refused by check_paths, which says why
        object.__setattr__(self, "output", output)


def paginate(items: Sequence[Article], size: int, path_for: Callable[[int], str]) -> list[Pager]:
    count = max(1, math.ceil(len(items) / size))
    paths = tuple(path_for(n) for n in range(1, count + 1))
    return [Pager(n, count, tuple(items[(n - 1) * size:n * size]), paths) for n in range(1, count + 1)]


def last_change(articles: Sequence[Article]) -> datetime | None:
    return max((a.updated or a.date for a in articles), default=None)


class LastChange:
    """:func:`last_change` of lists of the site's articles. Their dates carry the UTC offsets they were
    written with, and comparing dates of different offsets is slow (75,000 comparisons for the terms,
    authors and months of 10,000 articles: 50 ms); their timestamps, taken once, compare fast."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._at = {id(a): (a.updated or a.date).timestamp() for a in articles}

    def __call__(self, articles: Sequence[Article]) -> datetime | None:
        at = self._at
        try:
            newest = max(map(at.__getitem__, map(id, articles)), default=None)
        except KeyError:  # not one of the site's
            return last_change(articles)
        return next((a.updated or a.date for a in articles if at[id(a)] == newest), None)


def _listing(pagers: list[Pager], template: str, kind: str, title: str, updated: datetime | None,
             feeds: tuple[FeedLink, ...], **context: Any) -> list[Page]:
    pages = []
    for pager in pagers:
        shown = title if pager.number == 1 else f"{title} – page {pager.number}"
        pages.append(Page(pager.paths[pager.number - 1], template, kind, shown, {"pager": pager, **context},
                          updated=updated, feeds=feeds))
    return pages


def plan_pages(site: Site, urls: Urls) -> list[Page]:
    size = site.config.page_size
    latest = LastChange(site.articles)
    newest = latest(site.articles)
    advertised: dict[tuple[int, ...], tuple[FeedLink, ...]] = {}  # a few hundred pairs for 10,000 articles

    def feeds(*subjects: Any) -> tuple[FeedLink, ...]:
        """The feeds a page links to: the site's, then its subjects' (see :func:`feed_links`)."""
        key = tuple(map(id, subjects))  # the subjects live as long as the site: their ids are theirs
        found = advertised.get(key)
        if found is None:
            found = advertised[key] = feed_links(site, urls, *subjects)
        return found

    pages: list[Page] = []
    pages += _listing(paginate(site.articles, size, urls.home), "index.html", "home", "All News", newest, feeds())
    categories = {term.slug: term for term in site.categories}
    for article in site.articles:
        authors = site.authors_of(article)
        pages.append(Page(urls.article(article), "article.html", "article", article.title,
                          {"article": article, "keep_reading": site.keep_reading(article),
                           "author": authors[0] if authors else None, "authors": authors},
                          article.source, article.updated or article.date,
                          feeds(categories.get(article.category.slug) if article.category else None, *authors)))
    for terms, kind, index_title, index_path in ((site.tags, "tag", "Tags", "/tags/"),
                                                 (site.categories, "category", "Categories", "/categories/")):
        for term in terms:
            pages += _listing(paginate(term.articles, size, lambda n, t=term: urls.term(t, n)),
                              f"{kind}.html", kind, term.name, latest(term.articles), feeds(term), term=term)
        pages.append(Page(index_path, f"{kind}_index.html", f"{kind}_index", index_title, {"terms": terms},
                          updated=newest, feeds=feeds()))
    for person in site.authors:
        pages += _listing(paginate(person.articles, size, lambda n, p=person: urls.author(p, n)),
                          "author.html", "author", person.name, latest(person.articles), feeds(person),
                          person=person)
    if site.authors:
        pages.append(Page(urls.AUTHORS, "author_index.html", "author_index", "Authors",
                          {"authors": site.authors}, updated=newest, feeds=feeds()))
    pages += archive_pages(site, newest, feeds(), latest)
    pages.append(Page("/404.html", "404.html", "404", "Page not found", {"latest": site.articles[:5]},
                      feeds=feeds()))
    if site.config.search:
        pages.append(Page("/search/", "search.html", "search", "Search", feeds=feeds()))
    return pages


@dataclass(frozen=True, slots=True)
class MonthLink:
    """A month of the archive as its index shows it: plain values, so a month page depends only on its own
    articles and on how many each month holds."""

    year: int
    month: int
    count: int
    path: str
    first_day: datetime


def archive_pages(site: Site, updated: datetime | None, feeds: tuple[FeedLink, ...],
                  latest: Callable[[Sequence[Article]], datetime | None] = last_change) -> list[Page]:
    """``/archive/``: every month with its count, and the newest month's articles; ``/archive/YYYY/MM/``:
    one month each. A month's URL never changes as articles are added, unlike pages of a fixed size."""
    months = site.months
    links = tuple(MonthLink(m.year, m.month, len(m.articles), f"/archive/{m.year:04d}/{m.month:02d}/", m.first_day)
                  for m in months)
    pages = [Page("/archive/", "archive.html", "archive", "Archive",
                  {"months": months[:1], "index": links, "month": None, "total": len(site.articles)},
                  updated=updated, feeds=feeds)]
    for number, (month, link) in enumerate(zip(months, links)):
        around = {"newer": links[number - 1] if number > 0 else None,
                  "older": links[number + 1] if number + 1 < len(links) else None}
        pages.append(Page(link.path, "archive.html", "archive", f"Archive: {month.first_day.strftime('%B %Y')}",
                          {"months": (month,), "index": links, "month": link, "total": len(site.articles), **around},
                          updated=latest(month.articles), feeds=feeds))
    return pages


def redirect_pages(redirects: Sequence[Redirect]) -> list[Page]:
    """One small page per old URL: meta refresh, canonical and a link to where the article lives now."""
    return [Page(r.path, "redirect.html", "redirect", r.article.title, {"article": r.article},
                 r.article.source) for r in redirects]


def check_paths(pages: Sequence[Page]) -> list[Problem]:
    """Two pages at one URL, or a URL that would leave the output folder, are errors before rendering."""
    problems: list[Problem] = []
    owner: dict[str, Page] = {}
    for page in pages:
        try:
            output = page.output or output_file(page.path)  # none: a path output_file refuses, saying why
        except UnsafePath as exc:
            problems.append(Problem(page.source or "site.yaml", None, str(exc), "check `slug` and `permalink`"))
            continue
        if output in owner:
            first = owner[output]
            problems.append(Problem(page.source or first.source or "site.yaml", None,
                                    f"two pages would be written to {page.path}: "
                                    f"{first.source or first.kind} and {page.source or page.kind}",
                                    "give one of them a different `slug`"))
        else:
            owner[output] = page
    return problems

