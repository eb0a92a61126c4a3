"""The one place that turns the model into URLs and output file paths.

Site paths (``/tags/john-wick/``) are relative to the site root; ``href`` prefixes the path of
``base_url`` so the output works when served under a sub-path. Every output path is checked to stay
inside the output folder, whatever a slug or permalink says.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urljoin

from ..core.config import SiteConfig
from ..core.dates import local_day
from ..core.model import Article, Label, Person, Term
from ..core.paths import safe_site_path
from ..core.slugs import section_of


@lru_cache(maxsize=1 << 16)
def output_file(site_path: str) -> str:
    """``/a/b/`` -> ``a/b/index.html``; ``/404.html`` -> ``404.html``."""
    path = safe_site_path(site_path)
    if path.endswith("/"):
        path += "index.html"
    return path.lstrip("/")


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_MEMO_TYPES = frozenset({str, Article, Label, Term, Person})
"""Targets whose link is a pure function of the target itself: a plain string, or a model object that
is frozen (articles, terms and people hash by identity, labels by value). ``Markup`` and other str
subclasses are left out: ``posixpath.join`` keeps their type, which decides whether a template
escapes the result."""


def _remembered(memo: dict[Any, str], make: Any, target: Any, page: int) -> str:
    """``make(target, page)``, remembered in ``memo`` for the first page of a :data:`_MEMO_TYPES` target."""
    if page != 1 or type(target) not in _MEMO_TYPES:
        return make(target, page)
    found = memo.get(target)
    if found is None:
        found = memo[target] = make(target, page)
    return found


class Urls:
    """Site paths, links and absolute URLs for one build's config.

    A page links to the same few hundred targets (its tags, the site's sections) that every other
    page links to, so ``href`` and ``absolute`` remember each first-page link they work out: a build
    asks for the same link thousands of times, and one instance serves one build."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.base_path = config.base_path
        self.origin = config.origin
        self._hrefs: dict[Any, str] = {}
        self._absolutes: dict[Any, str] = {}
        self._articles: dict[Article, str] = {}

    # --- site paths -----------------------------------------------------------------------
    def article(self, article: Article) -> str:
        found = self._articles.get(article)  # articles are frozen and hash by identity
        if found is None:
            date = local_day(article.date, self.config.zone)  # the day a reader sees (core/dates.py)
            fields = {
                "year": f"{date.year:04d}", "month": f"{date.month:02d}", "day": f"{date.day:02d}",
                "slug": article.slug, "category": article.category.slug if article.category else "uncategorized",
                "section": section_of(article.source),
            }
            found = self._articles[article] = safe_site_path(self.config.permalink.format(**fields))
        return found

    @staticmethod
    def home(page: int = 1) -> str:
        return "/" if page <= 1 else f"/page/{page}/"

    @staticmethod
    def term(label: Label | Term, page: int = 1) -> str:
        label = label.label if isinstance(label, Term) else label
        base = f"/{'tags' if label.kind == 'tag' else 'categories'}/{label.slug}/"
        return base if page <= 1 else f"{base}page/{page}/"

    @staticmethod
    def term_index(kind: str) -> str:
        """``/tags/`` or ``/categories/``: the index of every tag or category."""
        return "/tags/" if kind == "tag" else "/categories/"

    @staticmethod
    def author(person: Person, page: int = 1) -> str:
        base = f"/authors/{person.slug}/"
        return base if page <= 1 else f"{base}page/{page}/"

    AUTHORS = "/authors/"
    SITEMAP = "/sitemap.xml"
    NEWS_SITEMAP = "/news-sitemap.xml"
    ROBOTS = "/robots.txt"

    @staticmethod
    def sitemap_part(number: int) -> str:
        """One file of a sitemap split because it has too many URLs; ``sitemap.xml`` is then the index."""
        return f"/sitemap-{number}.xml"

    def feed(self, target: Label | Term | Person | None = None, kind: Literal["atom", "rss"] = "atom") -> str:
        """``/feed.xml`` and ``/rss.xml`` for the site; the same names inside a tag, category or author."""
        base = "/" if target is None else self.site_path(target)
        return base + ("feed.xml" if kind == "atom" else "rss.xml")

    # --- links ----------------------------------------------------------------------------
    def site_path(self, target: Any, page: int = 1) -> str:
        if isinstance(target, Article):
            return self.article(target)
        if isinstance(target, (Label, Term)):
            return self.term(target, page)
        if isinstance(target, Person):
            return self.author(target, page)
        if isinstance(target, str):
            return target if target.startswith("/") else "/" + target
        raise TypeError(f"no URL for {type(target).__name__}")

    def href(self, target: Any, page: int = 1) -> str:
        """A link for a page or file of this site; full URLs and fragments pass through."""
        return _remembered(self._hrefs, self._href, target, page)

    def _href(self, target: Any, page: int) -> str:
        if isinstance(target, str) and (_SCHEME.match(target) or target.startswith(("#", "//"))):
            return target
        return posixpath.join(self.base_path, self.site_path(target, page).lstrip("/"))

    def absolute(self, target: Any, page: int = 1) -> str:
        """The full URL of a page or file of this site, for feeds, sitemaps and share links."""
        return _remembered(self._absolutes, self._absolute, target, page)

    def _absolute(self, target: Any, page: int) -> str:
        link = self.href(target, page)
        return link if "://" in link or link.startswith("//") else self.origin + link

    @staticmethod
    def resolve(base: str, reference: str) -> str:
        """A link found in a page at ``base`` (an absolute URL), made absolute as a browser would."""
        return urljoin(base, reference)
