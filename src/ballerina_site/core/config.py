"""The site configuration (``site.yaml``): one typed schema, written once.

Every key is a field of the frozen dataclasses below, declared with :func:`option`: its default, the
YAML types it accepts and a line of documentation. The known keys, the type checks and the defaults
all come from these fields (see :mod:`.configload`), and :func:`config_keys` lists every key with its
documentation for the reference in docs/.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields, is_dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

CONFIG_FILE = "site.yaml"
PERMALINK_FIELDS = ("year", "month", "day", "slug", "category", "section")
SITEMAP_LIMIT = 50_000
"""Search engines read at most this many URLs from one sitemap file."""

Kinds = type | tuple[type, ...]


def option(default: Any, doc: str, accepts: Kinds | None = None, *, section: type | None = None,
           strip: bool = True) -> Any:
    """A config key: its default, its documentation, and the YAML types it accepts (by default the
    type of its default). ``section`` is the dataclass of a mapping's own keys (by default that of a
    dataclass default); ``strip=False`` keeps the spaces around a text (the footer's layout)."""
    metadata = {"doc": doc, "accepts": accepts or type(default), "strip": strip,
                "section": section or (type(default) if is_dataclass(default) else None)}
    return field(default=default, metadata=metadata)


def is_key(spec: Field[Any]) -> bool:
    """Whether a dataclass field is a key an editor writes (fields made by :func:`option`)."""
    return "doc" in spec.metadata


def section_keys(section: type) -> dict[str, Kinds]:
    """A section's keys, in the order they are declared, with the YAML types each accepts."""
    return {spec.name: spec.metadata["accepts"] for spec in fields(section) if is_key(spec)}


@dataclass(frozen=True, slots=True)
class Author:
    """The byline of articles that name no author."""

    name: str = option("", "The default author's name, for articles without an `author:`.")
    url: str = option("", "The default author's own site or profile page.")
    bio: str = option("", "A line about the default author.")


@dataclass(frozen=True, slots=True)
class Promo:
    """The sponsor block beside articles and listings."""

    label: str = option("", "Small print above the block, e.g. `Sponsored`.")
    title: str = option("", "The block's headline.")
    subtitle: str = option("", "A line under the headline.")
    text: str = option("", "The block's text.")
    link_text: str = option("", "The words of the block's link.")
    link_url: str = option("", "Where the block's link leads.")
    url: str = option("", "Where the whole block leads (the title becomes the link); a site path or a full URL.")


@dataclass(frozen=True, slots=True)
class MenuItem:
    """A link in the header menu."""

    title: str = option("", "The link's words in the header.")
    url: str = option("", "Where it leads: a site path or a full URL.")


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """How article bodies are converted."""

    unsafe_html: bool = option(True, "Keep raw HTML written in articles; false shows it as text and "
                                     "disables `javascript:` links.")


@dataclass(frozen=True, slots=True)
class Profile:
    """An author's details as the editor wrote them; ``key`` is the slug or name it is filed under."""

    key: str
    name: str = option("", "The author's name as shown (default: the key).")
    bio: str = option("", "A line or two about the author.")
    url: str = option("", "The author's own site or profile elsewhere.")
    image: str = option("", "The author's picture (path or URL).")
    line: int | None = None  # where it is written, for messages


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """What the Atom and RSS feeds hold."""

    entries: int = option(20, "How many newest articles each feed holds.")
    full_content: bool = option(True, "Whole articles in feeds; false puts only the summary.")
    id_authority: str = option("", "The authority of entry ids (`tag:` URIs), e.g. `example.org`; "
                                   "default: the title as a slug. Set it once and never change it.")


@dataclass(frozen=True, slots=True)
class SitemapOptions:
    """How the sitemaps are split, and whether Google News gets its own."""

    max_urls: int = option(SITEMAP_LIMIT, "URLs per sitemap file (at most 50000); more make `sitemap.xml` "
                                          "an index of parts.")
    news: bool = option(False, "Write `news-sitemap.xml` for Google News.")
    news_name: str = option("", "The publication's name in the news sitemap (default: `publisher`).")
    news_language: str = option("", "The publication's language in the news sitemap (default: `language`).")


IMAGE_FORMATS = ("avif", "webp")
"""The modern formats offered beside an image's own (JPEG, PNG ...), best first."""


@dataclass(frozen=True, slots=True)
class ImageOptions:
    """How pictures are made responsive, and how social cards look."""

    widths: tuple[int, ...] = option((480, 800, 1200, 1600), "Widths in pixels made of each local article "
                                     "image (never wider than the image itself).", list)
    formats: tuple[str, ...] = option(IMAGE_FORMATS, "Modern formats offered beside the image's own: `avif`, "
                                      "`webp`, both (default) or none (`[]`).", list)
    quality: int = option(80, "JPEG quality (1-100) of the resized images.")
    webp_quality: int = option(78, "WebP quality (1-100).")
    avif_quality: int = option(55, "AVIF quality (1-100).")
    sizes: str = option("(min-width: 48rem) 42rem, 100vw", "The `sizes` attribute of article images: how "
                        "wide they are shown (the theme's text column).")
    card_sizes: str = option("(min-width: 48rem) 20rem, 100vw", "The `sizes` attribute of listing cards' images.")
    lead_min_width: int = option(600, "A lead image (`image:`) narrower than this is an error.")
    cards: bool = option(True, "Draw a social card for each article without an image; false: they share the "
                         "site's default image (a card costs some 20 ms once, then it is kept).")
    card_background: str = option("#100d0d", "Social cards: the background colour (`#rrggbb`).")
    card_text: str = option("#f4efe9", "Social cards: the headline's colour.")
    card_accent: str = option("#e0314b", "Social cards: the colour of the stripe and the site's name.")
    card_font: str = option("", "Social cards: a TrueType font file inside the site folder (default: DejaVu "
                            "Sans Bold from the system, else Pillow's own font).")


@dataclass(frozen=True, slots=True)
class Redirects:
    """How moved article URLs are kept alive."""

    strict: bool = option(False, "A changed article URL fails the build unless the old one is in `aliases`.")
    lock_file: str = option("urls.lock", "The record of published URLs, a file inside the site folder.")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """site.yaml, checked: every option with its default and its help (the config reference)."""

    title: str = option("News", "Site name, shown in the header and page titles.")
    tagline: str = option("", "Short line under the site name.")
    description: str = option("", "One or two sentences about the site (meta description of listings).")
    base_url: str = option("/", "Where the site is published, e.g. `https://example.org/ballerina/`. "
                                "Its path is the prefix of every link.")
    language: str = option("en", "Language of the content, as an HTML `lang` value.")
    timezone: str = option("UTC", "IANA zone for dates written without one, e.g. `America/New_York`.")
    page_size: int = option(10, "Articles per listing page (home, tags, categories).")
    permalink: str = option("/{year}/{month}/{day}/{slug}/",
                            "Article URL pattern; fields: {year} {month} {day} {slug} {category} {section}.")
    keep_reading: int = option(3, "How many related articles end each article (0 hides Keep Reading).")
    related_window: int = option(200, "For a tag on more articles than this, only this many nearest in "
                                      "time are scored (keeps Keep Reading fast on large archives).")
    date_format: str = option("%B %-d, %Y", "strftime pattern for dates shown to readers.")
    time_format: str = option("%-I:%M %p %Z", "strftime pattern for times shown to readers.")
    words_per_minute: int = option(230, "Reading speed used for the reading time.")
    max_article_mb: int = option(16, "Largest article file, in MB; a bigger one is an error (Python-Markdown "
                                     "converts a 4 MB article in about a second).")
    author: Author = option(Author(), "Default author: `name`, `url`, `bio`.", dict)
    promo: Promo | None = option(None, "Sponsor block beside articles: `label`, `title`, `subtitle`, `text`, "
                                       "`link_text`, `link_url`, `url`; false hides it.", (dict, type(None), bool),
                                 section=Promo)
    menu: tuple[MenuItem, ...] = option((), "Extra header links: a list of `{title, url}`.", list,
                                        section=MenuItem)
    footer: str = option("", "Text shown in the footer.", strip=False)
    tags_file: str = option("tags.yaml", "Optional data file with tag names, aliases and descriptions "
                                         "(a path inside the site folder).")
    markdown: MarkdownOptions = option(MarkdownOptions(), "Markdown options: `unsafe_html` (default true) keeps "
                                                          "raw HTML written in articles; false shows it as text "
                                                          "and disables `javascript:` links.", dict)
    authors: tuple[Profile, ...] = option((), "Author profiles by slug: `name`, `bio`, `url`, `image` "
                                              "(see Authors).", dict, section=Profile)
    authors_file: str = option("authors.yaml", "Optional data file with more author profiles, same shape "
                                               "as `authors`.")
    image: str = option("", "Default share image (path or URL) for pages without their own; 1200×630 PNG or "
                            "JPEG works everywhere. Default: a card made of the site's name and tagline.")
    image_alt: str = option("", "Text alternative of the default share image.")
    logo: str = option("", "Publisher logo (path or URL) named in structured data.")
    publisher: str = option("", "Publisher name in structured data and Google News (default: `title`).")
    twitter: str = option("", "The site's X/Twitter handle for `twitter:site`, e.g. `@ballerinanews`.")
    feeds: FeedOptions = option(FeedOptions(), "Feeds: `entries` (newest N, default 20), `full_content` "
                                               "(default true; false puts only the summary in feeds), "
                                               "`id_authority` (tag: URI authority, default: the title "
                                               "as a slug).", dict)
    sitemap: SitemapOptions = option(SitemapOptions(), "Sitemaps: `max_urls` per file (default and maximum "
                                                       "50000; more URLs make `sitemap.xml` an index), `news` "
                                                       "(true writes `news-sitemap.xml`), `news_name` (default: "
                                                       "`publisher`), `news_language` (default: `language`).",
                                     dict)
    search: bool = option(True, "Full-text search (Pagefind index, `/search/` page, header search box); "
                                "false leaves all of it out.")
    search_shard_size: int = option(3000, "Articles per search index shard, on average at most: an edit "
                                          "indexes one shard again; fewer, bigger shards make a reader's first "
                                          "search download less.")
    images: ImageOptions = option(ImageOptions(), "Responsive images and social cards: `widths`, `formats`, "
                                                  "`quality`, `webp_quality`, `avif_quality`, `sizes`, "
                                                  "`card_sizes`, `lead_min_width`, `cards`, `card_background`, "
                                                  "`card_text`, `card_accent`, `card_font`.", dict)
    redirects: Redirects = option(Redirects(), "`strict` (true: a changed article URL fails the build unless "
                                               "the old one is in `aliases`) and `lock_file` (the record of "
                                               "published URLs, default `urls.lock`).", dict)
    precompress: bool = option(True, "Write a Brotli (`.br`) and a gzip (`.gz`) copy beside every HTML, CSS, JS, "
                                     "XML, JSON, SVG and text file of 512 bytes or more, for hosts that serve "
                                     "them as they are (see docs/deploy.md); false writes none.")
    publish_build_info: bool = option(False, "Also publish `build-info.json` (build time, next scheduled change) "
                                             "at the site root; by default it is kept in `.ballerina-cache/` only.")

    @property
    def publisher_name(self) -> str:
        return self.publisher or self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, always starting and ending with ``/``."""
        path = urlsplit(self.base_url).path or "/"
        if not path.startswith("/"):
            path = "/" + path
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        """``scheme://host`` of ``base_url``, or empty when it is only a path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@dataclass(frozen=True, slots=True)
class Option:
    """A top-level key as the reference shows it: the YAML types, the default as written in YAML, the doc."""

    type: Kinds
    default: Any
    doc: str


def _written_default(spec: Field[Any]) -> Any:
    """A default as an editor would write it: a section is ``{}``, an empty list ``[]``."""
    default = spec.default
    if is_dataclass(default):
        return {}
    return spec.metadata["accepts"]() if default == () else default


SCHEMA: dict[str, Option] = {spec.name: Option(spec.metadata["accepts"], _written_default(spec), spec.metadata["doc"])
                             for spec in fields(SiteConfig)}
"""Every top-level key of ``site.yaml``, in the order of :class:`SiteConfig`."""

SECTIONS: dict[str, type] = {spec.name: spec.metadata["section"] for spec in fields(SiteConfig)
                             if spec.metadata["section"] is not None}
"""The dataclass of each mapping-valued key's own keys (for ``menu`` each item's, for ``authors`` each
profile's)."""


def config_keys(nested: bool = False) -> list[tuple[str, str]]:
    """``(key, doc)`` for every top-level key of ``site.yaml``; with ``nested``, each section's own keys
    follow it as ``section.key`` (``feeds.entries``)."""
    keys = []
    for name, spec in SCHEMA.items():
        keys.append((name, spec.doc))
        if nested and name in SECTIONS:
            keys += [(f"{name}.{sub.name}", sub.metadata["doc"]) for sub in fields(SECTIONS[name]) if is_key(sub)]
    return keys

