"""Atom and RSS 2.0 feeds for the site, each tag, category and author: bytes in memory, never files.

XML is built with ``xml.etree`` so no title or body can break the markup, whatever it contains.
Entry ids are ``tag:`` URIs (RFC 4151) made of the feed authority, the article's publication date and
its slug: they survive rebuilds, a new ``base_url`` and a new ``permalink`` pattern alike, so feed
readers never show an article twice.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html.parser import HTMLParser
from typing import Iterable, Union

from .model import Article, Person, Site, Term
from .urls import Urls, output_file, slugify

Subject = Union[Term, Person, None]  # whose feed: a tag, a category, an author, or the whole site

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FEED_ID_DATE = "2000"  # the tagging date of feed-level ids: fixed, so a feed's id never changes
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed as a page advertises it in ``<link rel="alternate">``."""

    title: str
    path: str  # site path
    media_type: str


@dataclass(frozen=True, slots=True)
class Feed:
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
    return site.config.feeds.id_authority or slugify(site.config.title) or "site"


def entry_id(site: Site, article: Article) -> str:
    """``tag:ballerina,2025-06-01:inside-the-making``: independent of host, path and permalink."""
    return f"tag:{id_authority(site)},{article.date.date().isoformat()}:{article.slug}"


def feed_id(site: Site, feed: Feed) -> str:
    return f"tag:{id_authority(site)},{FEED_ID_DATE}:{feed.key}"


def rfc3339(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def rfc822(value: datetime) -> str:
    return format_datetime(value.replace(microsecond=0))


def xml_text(text: str) -> str:
    """Characters XML 1.0 cannot hold at all (control characters, lone surrogates) are dropped."""
    return _NOT_XML.sub("", text)


class _Absolutizer(HTMLParser):
    """Re-emit an HTML fragment unchanged except that every link and source URL is absolute."""

    URL_ATTRS = {"href", "src", "poster", "cite", "action", "data", "longdesc", "background"}

    def __init__(self, base: str):
        super().__init__(convert_charrefs=False)
        self.base = base
        self.out: list[str] = []

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if not any(name in self.URL_ATTRS or name == "srcset" for name, _ in attrs):
            self.out.append(self.get_starttag_text() or "")
            return
        parts = [tag]
        for name, value in attrs:
            if value is None:
                parts.append(name)
                continue
            if name in self.URL_ATTRS:
                value = Urls.resolve(self.base, value.strip())
            elif name == "srcset":
                value = ", ".join(self._srcset_item(item) for item in value.split(",") if item.strip())
            parts.append(f'{name}="{html.escape(value, quote=True)}"')
        self.out.append("<" + " ".join(parts) + (" />" if closed else ">"))

    def _srcset_item(self, item: str) -> str:
        url, _, descriptor = item.strip().partition(" ")
        return (Urls.resolve(self.base, url) + (" " + descriptor.strip() if descriptor.strip() else ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def absolute_html(fragment: str, base: str) -> str:
    """Feed readers show entries away from the site: relative links would point nowhere."""
    parser = _Absolutizer(base)
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


def entry_html(site: Site, urls: Urls, article: Article) -> str:
    page = urls.absolute(article)
    hero = ""
    if article.image:
        hero = (f'<p><img src="{html.escape(urls.absolute(article.image), quote=True)}" '
                f'alt="{html.escape(article.image_alt, quote=True)}"></p>\n')
    return hero + absolute_html(article.body_html, page)


def _body(site: Site, urls: Urls, article: Article, bodies: dict[str, str] | None) -> str:
    """An article sits in up to a dozen feeds; its absolute-URL body is worked out once."""
    if bodies is None:
        return entry_html(site, urls, article)
    if article.source not in bodies:
        bodies[article.source] = entry_html(site, urls, article)
    return bodies[article.source]


def sub_element(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element whose text and attributes hold only what XML can (``news__x`` names ``news:x``)."""
    element = ET.SubElement(parent, tag, {k.replace("__", ":"): xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def serialize_xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _last_change(articles: tuple[Article, ...], fallback: datetime) -> datetime:
    return max((a.updated or a.date for a in articles), default=fallback)


def atom_feed(site: Site, urls: Urls, feed: Feed, now: datetime, bodies: dict[str, str] | None = None) -> bytes:
    config = site.config
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language})
    sub_element(root, "id", feed_id(site, feed))
    sub_element(root, "title", feed.title, type="text")
    if feed.subtitle:
        sub_element(root, "subtitle", feed.subtitle, type="text")
    sub_element(root, "updated", rfc3339(_last_change(feed.articles, now)))
    sub_element(root, "link", rel="self", type=MEDIA_TYPES["atom"], href=urls.absolute(feed.atom))
    sub_element(root, "link", rel="alternate", type="text/html", href=urls.absolute(feed.home))
    author = sub_element(root, "author")
    sub_element(author, "name", config.publisher_name)
    sub_element(author, "uri", urls.absolute("/"))
    sub_element(root, "generator", "ballerina-site")
    if config.logo:
        sub_element(root, "logo", urls.absolute(config.logo))
    for article in feed.articles:
        entry = sub_element(root, "entry")
        sub_element(entry, "id", entry_id(site, article))
        sub_element(entry, "title", article.title, type="text")
        sub_element(entry, "link", rel="alternate", type="text/html", href=urls.absolute(article))
        sub_element(entry, "published", rfc3339(article.date))
        sub_element(entry, "updated", rfc3339(article.updated or article.date))
        person = site.author_of(article)
        if person is not None:
            who = sub_element(entry, "author")
            sub_element(who, "name", person.name)
            sub_element(who, "uri", urls.absolute(person))
        if article.category:
            sub_element(entry, "category", term=article.category.slug, label=article.category.name,
                 scheme=urls.absolute(urls.term_index("category")))
        for tag in article.tags:
            sub_element(entry, "category", term=tag.slug, label=tag.name, scheme=urls.absolute(urls.term_index("tag")))
        if article.summary:
            sub_element(entry, "summary", article.summary, type="text")
        if config.feeds.full_content:
            sub_element(entry, "content", _body(site, urls, article, bodies), type="html")
    return serialize_xml(root)


def rss_feed(site: Site, urls: Urls, feed: Feed, now: datetime, bodies: dict[str, str] | None = None) -> bytes:
    config = site.config
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS,
                              "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
                              "xmlns:dc": "http://purl.org/dc/elements/1.1/"})
    channel = sub_element(root, "channel")
    sub_element(channel, "title", feed.title)
    sub_element(channel, "link", urls.absolute(feed.home))
    sub_element(channel, "description", feed.subtitle or feed.title)
    sub_element(channel, "language", config.language)
    sub_element(channel, "lastBuildDate", rfc822(_last_change(feed.articles, now)))
    sub_element(channel, "generator", "ballerina-site")
    sub_element(channel, "atom:link", rel="self", type=MEDIA_TYPES["rss"], href=urls.absolute(feed.rss))
    for article in feed.articles:
        item = sub_element(channel, "item")
        sub_element(item, "title", article.title)
        sub_element(item, "link", urls.absolute(article))
        sub_element(item, "guid", entry_id(site, article), isPermaLink="false")
        sub_element(item, "pubDate", rfc822(article.date))
        person = site.author_of(article)
        if person is not None:
            sub_element(item, "dc:creator", person.name)
        if article.category:
            sub_element(item, "category", article.category.name)
        for tag in article.tags:
            sub_element(item, "category", tag.name)
        sub_element(item, "description", article.summary or article.title)
        if config.feeds.full_content:
            sub_element(item, "content:encoded", _body(site, urls, article, bodies))
    return serialize_xml(root)


FORMATS = {"atom": atom_feed, "rss": rss_feed}


def feed_files(feeds: Iterable[Feed]) -> list[tuple[str, Feed, str]]:
    """(output path, feed, format) of every feed file."""
    return [(output_file(getattr(feed, kind)), feed, kind) for feed in feeds for kind in FORMATS]


def render_feeds(site: Site, urls: Urls, now: datetime,
                 files: Iterable[tuple[str, Feed, str]] | None = None) -> dict[str, bytes]:
    """The feed ``files`` (default: every feed of the site) as output path -> bytes; ``now`` dates
    only an empty feed."""
    rendered: dict[str, bytes] = {}
    bodies: dict[str, str] = {}
    for path, feed, kind in feed_files(plan_feeds(site, urls)) if files is None else files:
        rendered[path] = FORMATS[kind](site, urls, feed, now, bodies)
    return rendered

