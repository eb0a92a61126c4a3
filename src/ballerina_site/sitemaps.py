"""``sitemap.xml`` (split behind an index past the per-file limit), ``news-sitemap.xml`` and
``robots.txt``: bytes in memory, built with ``xml.etree`` so no title can break the XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from .feeds import rfc3339, serialize_xml, sub_element
from .model import Article, Site
from .pages import Page
from .urls import Urls, output_file

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_KINDS = frozenset({"home", "article", "tag", "category", "tag_index", "category_index", "author",
                           "author_index", "archive"})
"""Pages a search engine should index; redirects, 404 and anything unknown stay out."""
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_URLS = 1000  # Google News reads at most this many per news sitemap


def urlset(entries: Iterable[tuple[str, datetime | None]]) -> bytes:
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for loc, lastmod in entries:
        url = sub_element(root, "url")
        sub_element(url, "loc", loc)
        if lastmod is not None:
            sub_element(url, "lastmod", rfc3339(lastmod))
    return serialize_xml(root)


def sitemap_index(parts: Iterable[tuple[str, datetime | None]]) -> bytes:
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NS})
    for loc, lastmod in parts:
        sitemap = sub_element(root, "sitemap")
        sub_element(sitemap, "loc", loc)
        if lastmod is not None:
            sub_element(sitemap, "lastmod", rfc3339(lastmod))
    return serialize_xml(root)


def news_language(site: Site) -> str:
    """ISO 639 code as Google News wants it: ``en-GB`` -> ``en``, but ``zh-cn`` and ``zh-tw`` stay."""
    language = (site.config.sitemap.news_language or site.config.language).lower().replace("_", "-")
    return language if language in ("zh-cn", "zh-tw") else language.split("-")[0]


def news_articles(site: Site, now: datetime) -> list[Article]:
    """Articles published in the 48 hours before ``now``, newest first."""
    return [a for a in site.articles if now - NEWS_WINDOW <= a.date <= now][:NEWS_MAX_URLS]


def news_sitemap(site: Site, urls: Urls, now: datetime) -> bytes:
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    name = site.config.sitemap.news_name or site.config.publisher_name
    for article in news_articles(site, now):
        url = sub_element(root, "url")
        sub_element(url, "loc", urls.absolute(article))
        news = sub_element(url, "news:news")
        publication = sub_element(news, "news:publication")
        sub_element(publication, "news:name", name)
        sub_element(publication, "news:language", news_language(site))
        sub_element(news, "news:publication_date", rfc3339(article.date))
        sub_element(news, "news:title", article.title)
    return serialize_xml(root)


def robots_txt(site: Site, urls: Urls) -> bytes:
    lines = ["User-agent: *", "Disallow:", "", f"Sitemap: {urls.absolute(urls.SITEMAP)}"]
    if site.config.sitemap.news:
        lines.append(f"Sitemap: {urls.absolute(urls.NEWS_SITEMAP)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_sitemaps(pages: Sequence[Page], site: Site, urls: Urls, now: datetime) -> dict[str, bytes]:
    """Output path -> bytes for the sitemap(s), the news sitemap when switched on, and robots.txt."""
    entries = [(urls.absolute(page.path), page.updated) for page in pages if page.kind in SITEMAP_KINDS]
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
    if site.config.sitemap.news:
        files[output_file(urls.NEWS_SITEMAP)] = news_sitemap(site, urls, now)
    files[output_file(urls.ROBOTS)] = robots_txt(site, urls)
    return files
