"""``sitemap.xml`` (split behind an index past the per-file limit), ``news-sitemap.xml`` and
``robots.txt``: bytes in memory, written by :mod:`.xmlwriter`, which escapes every value so no title
can break the XML."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, MutableMapping, Sequence

from ..core.dates import NEWS_WINDOW
from ..core.model import Article, Site
from ..site.pages import Page
from ..site.urls import Urls, output_file
from .xmlwriter import attributes, branch, leaf, rfc3339, xml_content, xml_document

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_KINDS = frozenset({"home", "article", "tag", "category", "tag_index", "category_index", "author",
                           "author_index", "archive"})
"""Pages a search engine should index; redirects, 404 and anything unknown stay out."""
NEWS_MAX_URLS = 1000  # Google News reads at most this many per news sitemap


def _located(tag: str, loc: str, lastmod: datetime | None) -> str:
    """A ``<url>`` or ``<sitemap>``: where, and when it last changed if known."""
    parts = [leaf("loc", loc)]
    if lastmod is not None:
        parts.append(leaf("lastmod", rfc3339(lastmod)))
    return branch(tag, parts, 1)


def _url(loc: str, lastmod: datetime | None) -> str:
    """``_located("url", ...)`` for a URL and a date, written out at once: a sitemap holds one per page
    (17,600 at 10,000 articles), and the general writer took 0.11 s for them every build (the layout
    is the same, checked by the golden sites)."""
    if lastmod is None or not loc:
        return _located("url", loc, lastmod)
    return f"<url>\n    <loc>{xml_content(loc)}</loc>\n    <lastmod>{rfc3339(lastmod)}</lastmod>\n  </url>"


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    items = [_url(loc, lastmod) for loc, lastmod in entries]
    return xml_document(branch("urlset", items, 0, attributes({"xmlns": SITEMAP_NS}, clean=False)))


def sitemap_index(parts: Iterable[tuple[str, datetime | None]]) -> bytes:
    items = [_located("sitemap", loc, lastmod) for loc, lastmod in parts]
    return xml_document(branch("sitemapindex", items, 0, attributes({"xmlns": SITEMAP_NS}, clean=False)))


def news_language(site: Site) -> str:
    """ISO 639 code as Google News wants it: ``en-GB`` -> ``en``, but ``zh-cn`` and ``zh-tw`` stay."""
    language = (site.config.sitemap.news_language or site.config.language).lower().replace("_", "-")
    return language if language in ("zh-cn", "zh-tw") else language.split("-")[0]


def news_articles(site: Site, now: datetime) -> list[Article]:
    """Articles published in the 48 hours before ``now``, newest first."""
    return [a for a in site.articles if now - NEWS_WINDOW <= a.date <= now][:NEWS_MAX_URLS]


def news_sitemap(site: Site, urls: Urls, now: datetime) -> bytes:
    name = site.config.sitemap.news_name or site.config.publisher_name
    language = news_language(site)
    items = []
    for article in news_articles(site, now):
        publication = branch("news:publication", [leaf("news:name", name), leaf("news:language", language)], 3)
        news = branch("news:news", [publication, leaf("news:publication_date", rfc3339(article.date)),
                                    leaf("news:title", article.title)], 2)
        items.append(branch("url", [leaf("loc", urls.absolute(article)), news], 1))
    root = attributes({"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS}, clean=False)
    return xml_document(branch("urlset", items, 0, root))


def robots_txt(site: Site, urls: Urls) -> bytes:
    lines = ["User-agent: *", "Disallow:", "", f"Sitemap: {urls.absolute(urls.SITEMAP)}"]
    if site.config.sitemap.news:
        lines.append(f"Sitemap: {urls.absolute(urls.NEWS_SITEMAP)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_outputs(pages: Sequence[Page], site: Site, urls: Urls) -> list[str]:
    """The output paths of the sitemap files :func:`render_sitemaps` makes for these pages."""
    count, limit = sum(1 for page in pages if page.kind in SITEMAP_KINDS), site.config.sitemap.max_urls
    parts = 0 if count <= limit else -(-count // limit)
    return [output_file(urls.SITEMAP)] + [output_file(urls.sitemap_part(number)) for number in range(1, parts + 1)]


def sitemap_key(pages: Sequence[Page]) -> bytes:
    """What the sitemap files' bytes follow from besides the config and the code: each URL's path
    and date, its zone included (a fingerprint's part, see pipeline/plan.py: 20 ms at 10,000
    articles, where making the files takes 0.23 s)."""
    return "\n".join([f"{page.path} {page.updated.isoformat() if page.updated is not None else ''}"
                      for page in pages if page.kind in SITEMAP_KINDS]).encode()


def render_sitemaps(pages: Sequence[Page], site: Site, urls: Urls, now: datetime,
                    memo: MutableMapping[str, object] | None = None, kept: bool = False) -> dict[str, bytes]:
    """Output path -> bytes for the sitemap(s), the news sitemap when switched on, and robots.txt;
    with ``kept``, not the sitemaps: the previous output's are reused (see :func:`sitemap_outputs`).

    ``memo``: a dict a long-lived caller (the preview) keeps between builds; the sitemap files are
    reused from it when every URL and date is as last time (17,600 URLs at 10,000 articles: about
    0.15 s a rebuild saved)."""
    files: dict[str, bytes] = {}
    if not kept:
        entries = [(urls.absolute(page.path), page.updated) for page in pages if page.kind in SITEMAP_KINDS]
        files = remembered_sitemap_files(entries, site, urls, memo) if memo is not None else \
            sitemap_files(entries, site, urls)
    if site.config.sitemap.news:
        files[output_file(urls.NEWS_SITEMAP)] = news_sitemap(site, urls, now)
    files[output_file(urls.ROBOTS)] = robots_txt(site, urls)
    return files


def remembered_sitemap_files(entries: list[tuple[str, datetime | None]], site: Site, urls: Urls,
                             memo: MutableMapping[str, object]) -> dict[str, bytes]:
    """:func:`sitemap_files`, or the files in ``memo`` when they were made from the same entries."""
    # a date's offset too: equal datetimes in other zones are written differently
    key = (site.config.sitemap.max_urls, [(loc, when, when and when.utcoffset()) for loc, when in entries])
    if memo.get("key") == key and isinstance(memo.get("files"), dict):
        return dict(memo["files"])  # type: ignore[call-overload]
    files = sitemap_files(entries, site, urls)
    memo["key"], memo["files"] = key, dict(files)
    return files


def sitemap_files(entries: list[tuple[str, datetime | None]], site: Site, urls: Urls) -> dict[str, bytes]:
    """``sitemap.xml``, and its parts when there are more URLs than one file may hold."""
    limit = site.config.sitemap.max_urls
    files: dict[str, bytes] = {}
    if len(entries) <= limit:
        files[output_file(urls.SITEMAP)] = urlset(entries)
    else:
        parts = []
        for number, start in enumerate(range(0, len(entries), limit), 1):
            chunk = entries[start:start + limit]
            path = urls.sitemap_part(number)
            files[output_file(path)] = urlset(chunk)
            parts.append((urls.absolute(path), max((m for _, m in chunk if m is not None), default=None)))
        files[output_file(urls.SITEMAP)] = sitemap_index(parts)
    return files
