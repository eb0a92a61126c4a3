"""Atom and RSS 2.0 feeds for the site, each tag, category and author: bytes in memory, never files.

XML is written by the small writer below, which escapes every text and attribute and drops what XML
cannot hold, so no title or body can break the markup, whatever it contains. It writes what
``xml.etree`` (indented with ``ET.indent``) wrote before, byte for byte, at a fraction of the cost,
and lets an article's entry be written once and reused in every feed it appears in.

Entry ids are ``tag:`` URIs (RFC 4151) made of the feed authority, the article's publication date and
its slug: they survive rebuilds, a new ``base_url`` and a new ``permalink`` pattern alike, so feed
readers never show an article twice.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from functools import lru_cache
from html.parser import HTMLParser
from typing import Callable, Iterable, Mapping, Union

from ..core.model import Article, Person, Site, Term
from ..core.slugs import slugify
from ..site.urls import Urls, output_file

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


def rfc3339(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def rfc822(value: datetime) -> str:
    return format_datetime(value.replace(microsecond=0))


def xml_text(text: str) -> str:
    """Characters XML 1.0 cannot hold at all (control characters, lone surrogates) are dropped.
    (Printable text has none of them, and ``isprintable`` is far quicker than the search.)"""
    return text if text.isprintable() else _NOT_XML.sub("", text)


# --- a small XML writer: ElementTree's escaping and ET.indent's layout, without building a tree ----
_INDENTS = tuple("\n" + "  " * level for level in range(8))
_ATTRIBUTE_ESCAPES = (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def escape_text(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (``str.replace`` per character: far quicker than
    ``str.translate`` on a long article body)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(value: str) -> str:
    """As :func:`escape_text`, and quotes and line breaks and tabs as character references."""
    value = escape_text(value)
    for character, reference in _ATTRIBUTE_ESCAPES:
        if character in value:
            value = value.replace(character, reference)
    return value


def attributes(values: Mapping[str, str], clean: bool = True) -> str:
    """`` name="value"`` pairs in the given order; ``clean`` drops what XML cannot hold from the values
    (a root element's fixed attributes are written as they are)."""
    return "".join([f' {name}="{escape_attribute(xml_text(value) if clean else value)}"'
                    for name, value in values.items()])


def leaf(tag: str, text: str | None = None, **attrs: str) -> str:
    """An element with only text; with no text, the empty-element form ``<tag />``."""
    return escaped_leaf(tag, xml_content(text) if text else "", **attrs)


def escaped_leaf(tag: str, content: str, **attrs: str) -> str:
    """:func:`leaf` for text already made XML text (see :func:`xml_content`)."""
    start = "<" + tag + attributes(attrs) if attrs else "<" + tag
    return f"{start}>{content}</{tag}>" if content else start + " />"


def xml_content(text: str) -> str:
    """Text as it goes between tags: without what XML cannot hold, ``&``, ``<`` and ``>`` escaped."""
    return escape_text(xml_text(text))


def branch(tag: str, children: Iterable[str], level: int, attrs: str = "") -> str:
    """An element at depth ``level`` holding ``children`` (written for depth ``level + 1``), one per
    line, indented two spaces a level."""
    children = list(children)
    if not children:
        return f"<{tag}{attrs} />"
    inner = _INDENTS[level + 1]
    return f"<{tag}{attrs}>{inner}{inner.join(children)}{_INDENTS[level]}</{tag}>"


def xml_document(root: str) -> bytes:
    """The declaration, the root element and a final newline, UTF-8 encoded."""
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + root + "\n").encode("utf-8", "xmlcharrefreplace")


URL_ATTRS = frozenset({"href", "src", "poster", "cite", "action", "data", "longdesc", "background"})


def _has_urls(attrs: list[tuple[str, str | None]]) -> bool:
    return any(name in URL_ATTRS or name == "srcset" for name, _ in attrs)


def _absolute_tag(tag: str, attrs: list[tuple[str, str | None]], closed: bool, base: str) -> str:
    """A start tag written anew from its parsed attributes, its URLs resolved against ``base``."""
    parts = [tag]
    for name, value in attrs:
        if value is None:
            parts.append(name)
            continue
        if name in URL_ATTRS:
            value = Urls.resolve(base, value.strip())
        elif name == "srcset":
            value = ", ".join(_srcset_item(item, base) for item in value.split(",") if item.strip())
        parts.append(f'{name}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if closed else ">")


def _srcset_item(item: str, base: str) -> str:
    url, _, descriptor = item.strip().partition(" ")
    return (Urls.resolve(base, url) + (" " + descriptor.strip() if descriptor.strip() else ""))


class _Absolutizer(HTMLParser):
    """Re-emit an HTML fragment unchanged except that every link and source URL is absolute."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=False)
        self.base = base
        self.out: list[str] = []

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if not _has_urls(attrs):
            self.out.append(self.get_starttag_text() or "")
            return
        self.out.append(_absolute_tag(tag, attrs, closed, self.base))

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


# The plain HTML Markdown writes, which HTMLParser re-emits byte for byte but for the URLs: lower-case
# tags, double-quoted attribute values, references that end in ``;``. A fragment with anything else
# (comments, unquoted values, a bare ``&`` or ``<``, elements whose content is raw text) goes to the
# parser. In a plain fragment every ``<`` starts a tag and no tag holds a ``<``, so the start tags
# ``_START_TAG`` finds are exactly those the parser sees.
_WHITESPACE = "[ \t\n\r\f]"
_ATTRIBUTES = rf'(?:{_WHITESPACE}+[a-z_:][-a-z0-9_:.]*(?:="[^"<>]*")?)'
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
             "plaintext")  # HTMLParser's raw-text elements, in any Python version
_NOT_PLAIN = re.compile(
    r"&(?!(?:[a-zA-Z][-.a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);)"  # not an entity or character reference
    rf"|<(?!/[a-z][a-z0-9]*>|[a-z][a-z0-9]*{_ATTRIBUTES}*{_WHITESPACE}*/?>)"  # not an end or start tag
    rf"|<(?:{'|'.join(_RAW_TEXT)})(?![a-z0-9])")
_START_TAG = re.compile(rf"<([a-z][a-z0-9]*)({_ATTRIBUTES}+){_WHITESPACE}*(/?)>")  # with attributes
_ATTRIBUTE = re.compile(rf'{_WHITESPACE}+([a-z_:][-a-z0-9_:.]*)(?:="([^"<>]*)")?')


def _absolute_plain(fragment: str, base: str) -> str | None:
    """:func:`absolute_html` without the parser for a fragment of plain HTML; None for any other."""
    if _NOT_PLAIN.search(fragment):
        return None

    def tag(found: re.Match[str]) -> str:
        attrs = [(attribute[1], attribute[2] and html.unescape(attribute[2]))  # as HTMLParser unescapes
                 for attribute in _ATTRIBUTE.finditer(found[2])]
        return _absolute_tag(found[1], attrs, found[3] == "/", base) if _has_urls(attrs) else found[0]

    return _START_TAG.sub(tag, fragment)


def absolute_html(fragment: str, base: str) -> str:
    """Feed readers show entries away from the site: relative links would point nowhere."""
    plain = _absolute_plain(fragment, base)
    if plain is not None:
        return plain
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
    person = site.author_of(article)
    if person is not None:
        parts.append(branch("author", [leaf("name", person.name), leaf("uri", urls.absolute(person))], 2))
    if article.category:
        parts.append(leaf("category", term=article.category.slug, label=article.category.name,
                          scheme=urls.absolute(urls.term_index("category"))))
    for tag in article.tags:
        parts.append(leaf("category", term=tag.slug, label=tag.name, scheme=urls.absolute(urls.term_index("tag"))))
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
    person = site.author_of(article)
    if person is not None:
        parts.append(leaf("dc:creator", person.name))
    if article.category:
        parts.append(leaf("category", article.category.name))
    for tag in article.tags:
        parts.append(leaf("category", tag.name))
    parts.append(leaf("description", article.summary or article.title))
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
                       "xmlns:dc": "http://purl.org/dc/elements/1.1/"}, clean=False)
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
