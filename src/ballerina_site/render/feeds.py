"""Atom and RSS 2.0 feeds for the site, each tag, category and author: bytes in memory, never files.

XML is written by :mod:`.xmlwriter`, which escapes every text and attribute, so no title or body can
break the markup; an article's entry is written once and reused in every feed it appears in. Bodies
have their links made absolute by :mod:`.absolute`.

Entry ids are ``tag:`` URIs (RFC 4151) made of the feed authority, the article's publication date and
its slug: they survive rebuilds, a new ``base_url`` and a new ``permalink`` pattern alike, so feed
readers never show an article twice.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Callable, Iterable

from ..core.model import Article, Person, Site, Variant
from ..core.slugs import slugify
from ..site.feedlinks import MEDIA_TYPES, Subject, feed_title
from ..site.urls import Urls, output_file
from .absolute import absolute_html
from .xmlwriter import attributes, branch, escaped_leaf, leaf, rfc3339, rfc822, xml_content, xml_document

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID_DATE = "2000"  # the tagging date of feed-level ids: fixed, so a feed's id never changes


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed (the site's, a term's, an author's), in both formats."""

    title: str
    subtitle: str
    key: str  # stable name inside the feed id: "site", "tags/john-wick", "authors/jane-doe"
    home: str  # site path of the HTML page the feed follows
    atom: str  # site paths of the two formats
    rss: str
    articles: tuple[Article, ...]  # newest first, already cut to the configured number


def _key(subject: Subject) -> str:
    if subject is None:
        return "site"
    if isinstance(subject, Person):
        return f"authors/{subject.slug}"
    return f"{Urls.term_index(subject.kind).strip('/')}/{subject.slug}"


def plan_feeds(site: Site, urls: Urls) -> list[Feed]:
    limit = site.config.feeds.entries
    feeds = []
    subjects: list[Subject] = [None, *site.tags, *site.categories, *site.authors]
    for subject in subjects:
        if subject is None:
            articles, home, subtitle = site.articles, urls.home(), site.config.description or site.config.tagline
        elif isinstance(subject, Person):
            articles, home, subtitle = subject.articles, urls.author(subject), subject.bio
        else:
            articles, home, subtitle = subject.articles, urls.term(subject), subject.description
        feeds.append(Feed(feed_title(site, subject), subtitle, _key(subject), home,
                          urls.feed(subject, "atom"), urls.feed(subject, "rss"), tuple(articles[:limit])))
    return feeds


def id_authority(site: Site) -> str:
    return _authority(site.config.feeds.id_authority, site.config.title)


@lru_cache(maxsize=16)
def _authority(configured: str, title: str) -> str:
    """Asked for by every entry of every feed: slugifying the title each time would cost more than
    writing the entry."""
    return configured or slugify(title) or "site"


def entry_id(site: Site, article: Article) -> str:
    """``tag:ballerina,2025-06-01:inside-the-making``: independent of host, path and permalink."""
    return f"tag:{id_authority(site)},{article.date.date().isoformat()}:{article.slug}"


def feed_id(site: Site, feed: Feed) -> str:
    return f"tag:{id_authority(site)},{FEED_ID_DATE}:{feed.key}"


def lead_file(article: Article) -> Variant | None:
    """The lead image a feed carries: the image's own format, at the width pages fall back to."""
    return article.picture.fallback if article.picture is not None else None


def entry_html(site: Site, urls: Urls, article: Article) -> str:
    page = urls.absolute(article)
    hero = ""
    lead = lead_file(article)
    if lead is not None:
        hero = (f'<p><img src="{html.escape(urls.absolute("/" + lead.path), quote=True)}" width="{lead.width}" '
                f'height="{lead.height}" alt="{html.escape(article.image_alt, quote=True)}"></p>\n')
    elif article.image:
        hero = (f'<p><img src="{html.escape(urls.absolute(article.image), quote=True)}" '
                f'alt="{html.escape(article.image_alt, quote=True)}"></p>\n')
    return hero + absolute_html(article.body_html, page)


Memo = dict[tuple[str, str], str]
"""Per article source: its absolute-URL body as XML text, and its Atom entry and RSS item as written.
An article sits in up to a dozen feeds (the site's, its tags', its category's, its author's), each
entry the same."""


def _remembered(memo: Memo | None, kind: str, article: Article, make: Callable[[], str]) -> str:
    if memo is None:
        return make()
    key = (kind, article.source)
    text = memo.get(key)
    if text is None:
        text = memo[key] = make()
    return text


def _body(site: Site, urls: Urls, article: Article, memo: Memo | None) -> str:
    """The article's body for a feed, made absolute and escaped once for its entry and its item."""
    return _remembered(memo, "body", article, lambda: xml_content(entry_html(site, urls, article)))


def _last_change(articles: tuple[Article, ...], fallback: datetime) -> datetime:
    return max((a.updated or a.date for a in articles), default=fallback)


def atom_entry(site: Site, urls: Urls, article: Article, memo: Memo | None = None) -> str:
    """One ``<entry>``, as a child of ``<feed>``."""
    parts = [leaf("id", entry_id(site, article)),
             leaf("title", article.title, type="text"),
             leaf("link", rel="alternate", type="text/html", href=urls.absolute(article)),
             leaf("published", rfc3339(article.date)),
             leaf("updated", rfc3339(article.updated or article.date))]
    for person in site.authors_of(article):
        parts.append(branch("author", [leaf("name", person.name), leaf("uri", urls.absolute(person))], 2))
    if article.category:
        parts.append(leaf("category", term=article.category.slug, label=article.category.name,
                          scheme=urls.absolute(urls.term_index("category"))))
    for tag in article.tags:
        parts.append(leaf("category", term=tag.slug, label=tag.name, scheme=urls.absolute(urls.term_index("tag"))))
    lead = lead_file(article)
    if lead is not None:
        parts.append(leaf("link", rel="enclosure", type=lead.media_type, length=str(lead.size),
                          href=urls.absolute("/" + lead.path)))
    if article.summary:
        parts.append(leaf("summary", article.summary, type="text"))
    if site.config.feeds.full_content:
        parts.append(escaped_leaf("content", _body(site, urls, article, memo), type="html"))
    return branch("entry", parts, 1)


def atom_feed(site: Site, urls: Urls, feed: Feed, now: datetime, memo: Memo | None = None) -> bytes:
    config = site.config
    parts = [leaf("id", feed_id(site, feed)), leaf("title", feed.title, type="text")]
    if feed.subtitle:
        parts.append(leaf("subtitle", feed.subtitle, type="text"))
    parts += [leaf("updated", rfc3339(_last_change(feed.articles, now))),
              leaf("link", rel="self", type=MEDIA_TYPES["atom"], href=urls.absolute(feed.atom)),
              leaf("link", rel="alternate", type="text/html", href=urls.absolute(feed.home)),
              branch("author", [leaf("name", config.publisher_name), leaf("uri", urls.absolute("/"))], 1),
              leaf("generator", "ballerina-site")]
    if config.logo:
        parts.append(leaf("logo", urls.absolute(config.logo)))
    parts += [_remembered(memo, "atom", article, lambda article=article: atom_entry(site, urls, article, memo))
              for article in feed.articles]
    root = attributes({"xmlns": ATOM_NS, "xml:lang": config.language}, clean=False)
    return xml_document(branch("feed", parts, 0, root))


def rss_item(site: Site, urls: Urls, article: Article, memo: Memo | None = None) -> str:
    """One ``<item>``, as a child of ``<channel>``."""
    parts = [leaf("title", article.title),
             leaf("link", urls.absolute(article)),
             leaf("guid", entry_id(site, article), isPermaLink="false"),
             leaf("pubDate", rfc822(article.date))]
    for person in site.authors_of(article):
        parts.append(leaf("dc:creator", person.name))
    if article.category:
        parts.append(leaf("category", article.category.name))
    for tag in article.tags:
        parts.append(leaf("category", tag.name))
    parts.append(leaf("description", article.summary or article.title))
    lead = lead_file(article)
    if lead is not None:
        address = urls.absolute("/" + lead.path)
        parts.append(leaf("enclosure", url=address, length=str(lead.size), type=lead.media_type))
        parts.append(leaf("media:content", url=address, type=lead.media_type, medium="image",
                          width=str(lead.width), height=str(lead.height)))
    if site.config.feeds.full_content:
        parts.append(escaped_leaf("content:encoded", _body(site, urls, article, memo)))
    return branch("item", parts, 2)


def rss_feed(site: Site, urls: Urls, feed: Feed, now: datetime, memo: Memo | None = None) -> bytes:
    config = site.config
    parts = [leaf("title", feed.title),
             leaf("link", urls.absolute(feed.home)),
             leaf("description", feed.subtitle or feed.title),
             leaf("language", config.language),
             leaf("lastBuildDate", rfc822(_last_change(feed.articles, now))),
             leaf("generator", "ballerina-site"),
             leaf("atom:link", rel="self", type=MEDIA_TYPES["rss"], href=urls.absolute(feed.rss))]
    parts += [_remembered(memo, "rss", article, lambda article=article: rss_item(site, urls, article, memo))
              for article in feed.articles]
    root = attributes({"version": "2.0", "xmlns:atom": ATOM_NS,
                       "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
                       "xmlns:dc": "http://purl.org/dc/elements/1.1/",
                       "xmlns:media": "http://search.yahoo.com/mrss/"}, clean=False)
    return xml_document(branch("rss", [branch("channel", parts, 1)], 0, root))


FORMATS = {"atom": atom_feed, "rss": rss_feed}


def feed_files(feeds: Iterable[Feed]) -> list[tuple[str, Feed, str]]:
    """(output path, feed, format) of every feed file."""
    return [(output_file(getattr(feed, kind)), feed, kind) for feed in feeds for kind in FORMATS]


def render_feeds(site: Site, urls: Urls, now: datetime,
                 files: Iterable[tuple[str, Feed, str]] | None = None) -> dict[str, bytes]:
    """The feed ``files`` (default: every feed of the site) as output path -> bytes; ``now`` dates
    only an empty feed."""
    rendered: dict[str, bytes] = {}
    memo: Memo = {}
    for path, feed, kind in feed_files(plan_feeds(site, urls)) if files is None else files:
        rendered[path] = FORMATS[kind](site, urls, feed, now, memo)
    return rendered
