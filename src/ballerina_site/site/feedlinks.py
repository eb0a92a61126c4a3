"""Which feeds a page advertises (``<link rel="alternate">``): the site's, then those of its tag,
category or author. Planning pages needs the list; writing the feeds is :mod:`..render.feeds`' job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ..core.model import Person, Site, Term
from .urls import Urls

Subject = Union[Term, Person, None]  # whose feed: a tag, a category, an author, or the whole site

MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed as a page advertises it in ``<link rel="alternate">``."""

    title: str
    path: str  # site path
    media_type: str


def feed_title(site: Site, subject: Subject) -> str:
    if subject is None:
        return site.config.title
    if isinstance(subject, Person):
        return f"{site.config.title}: articles by {subject.name}"
    kind = "tag" if subject.kind == "tag" else "category"
    return f"{site.config.title}: {kind} {subject.name}"


def feed_links(site: Site, urls: Urls, *subjects: Subject) -> tuple[FeedLink, ...]:
    """The site's feeds, then those of each tag, category or author given (``None`` skipped)."""
    links = []
    for subject in (None, *(s for s in subjects if s is not None)):
        title = feed_title(site, subject)
        links.append(FeedLink(f"{title} (Atom)", urls.feed(subject, "atom"), MEDIA_TYPES["atom"]))
        links.append(FeedLink(f"{title} (RSS)", urls.feed(subject, "rss"), MEDIA_TYPES["rss"]))
    return tuple(links)
