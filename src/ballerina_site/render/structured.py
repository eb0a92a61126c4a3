"""Structured data (JSON-LD) for search engines: a news article with its author and publisher, the
site, a listing page, the breadcrumb trail.

JSON-LD goes inside ``<script>``, where HTML escaping does not apply; :func:`json_script` escapes
``<``, ``>`` and ``&`` as ``\\u003c`` etc. so no field can close the script element.
"""

from __future__ import annotations

import json
from typing import Any

from ..content.markup import shorten
from ..core.model import Article, Site
from ..site.pages import Page
from ..site.urls import Urls
from .xmlwriter import rfc3339

HEADLINE_MAX = 110  # Google's limit for an article headline in structured data
LISTING_KINDS = {"home", "tag", "category", "author", "tag_index", "category_index", "author_index", "archive"}
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps with these, made once
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_script(data: Any) -> str:
    """JSON that cannot end the ``<script>`` element it sits in, whatever its strings hold.

    One ``str.replace`` per character found: ``str.translate`` with these replacements takes longer
    than all the rest of the page's meta."""
    text = _JSON.encode(data)
    for character, replacement in _SCRIPT_SAFE:
        if character in text:
            text = text.replace(character, replacement)
    return text


def headline(title: str) -> str:
    return shorten(title, HEADLINE_MAX - 1) if len(title) > HEADLINE_MAX else title


def structured_data(page: Page, site: Site, urls: Urls, article: Article | None,
                    description: str) -> list[dict[str, Any]]:
    """The JSON-LD blocks of a page: an article and its breadcrumbs, the site, or a listing."""
    if article is not None:
        published, modified = rfc3339(article.date), rfc3339(article.updated or article.date)
        return [news_article(article, site, urls, published, modified), breadcrumbs(page, site, urls)]
    if page.kind == "home":
        return [website(site, urls), collection_page(page, site, urls, description)]
    if page.kind in LISTING_KINDS:
        return [collection_page(page, site, urls, description), breadcrumbs(page, site, urls)]
    return []


def _publisher(site: Site, urls: Urls) -> dict[str, Any]:
    publisher: dict[str, Any] = {"@type": "Organization", "name": site.config.publisher_name,
                                 "url": urls.absolute("/")}
    if site.config.logo:
        publisher["logo"] = {"@type": "ImageObject", "url": urls.absolute(site.config.logo)}
    return publisher


def news_article(article: Article, site: Site, urls: Urls, published: str, modified: str) -> dict[str, Any]:
    """``published``, ``modified``: the article's dates as :func:`rfc3339` gives them (the page's Open
    Graph tags show them too)."""
    config = site.config
    url = urls.absolute(article)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": headline(article.title),
        "description": article.summary,
        "datePublished": published,
        "dateModified": modified,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": config.language,
        "wordCount": article.word_count,
        "publisher": _publisher(site, urls),
    }
    authors = []
    for person in site.authors_of(article):
        author: dict[str, Any] = {"@type": "Person", "name": person.name, "url": urls.absolute(person)}
        if person.url:
            author["sameAs"] = [urls.absolute(person.url)]
        authors.append(author)
    if authors:
        data["author"] = authors
    images = article_images(article, urls)
    if images:
        data["image"] = images
    elif article.image or config.image:
        data["image"] = [urls.absolute(article.image or config.image)]
    if article.tags:
        data["keywords"] = [tag.name for tag in article.tags]
    if article.category:
        data["articleSection"] = article.category.name
    return data


def article_images(article: Article, urls: Urls) -> list[dict[str, Any]]:
    """The lead image as Google asks for news: 16:9, 4:3 and 1:1 crops (1200 px wide when the image is
    that large), with its caption and credit; else the article's card."""
    picture = article.picture
    chosen = picture.crops if picture is not None and picture.crops else \
        ((article.share,) if article.share is not None else ())
    found = []
    for variant in chosen:
        item: dict[str, Any] = {"@type": "ImageObject", "url": urls.absolute("/" + variant.path),
                                "width": variant.width, "height": variant.height}
        if picture is not None and article.image_caption:
            item["caption"] = article.image_caption
        if picture is not None and article.image_credit:
            item["creditText"] = article.image_credit
        found.append(item)
    return found


def website(site: Site, urls: Urls) -> dict[str, Any]:
    data = {"@context": "https://schema.org", "@type": "WebSite", "name": site.config.title,
            "url": urls.absolute("/"), "inLanguage": site.config.language, "publisher": _publisher(site, urls)}
    if site.config.description:
        data["description"] = site.config.description
    return data


def collection_page(page: Page, site: Site, urls: Urls, description: str) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "CollectionPage", "name": page.title,
                            "description": description, "url": urls.absolute(page.path),
                            "inLanguage": site.config.language,
                            "isPartOf": {"@type": "WebSite", "name": site.config.title, "url": urls.absolute("/")}}
    pager = page.context.get("pager")
    if pager is not None and pager.items:
        data["mainEntity"] = {"@type": "ItemList", "itemListElement": [
            {"@type": "ListItem", "position": (pager.number - 1) * site.config.page_size + index,
             "url": urls.absolute(item)} for index, item in enumerate(pager.items, 1)]}
    return data


def breadcrumbs(page: Page, site: Site, urls: Urls) -> dict[str, Any]:
    """Home › section › this page, as the page's own breadcrumb trail shows it."""
    trail: list[tuple[str, str]] = [("All News", "/")]
    context = page.context
    if page.kind == "article":
        article: Article = context["article"]
        if article.category:
            trail.append((article.category.name, urls.term(article.category)))
        trail.append((headline(article.title), page.path))
    elif page.kind in ("tag", "category"):
        section = ("Tags" if page.kind == "tag" else "Categories", urls.term_index(page.kind))
        trail += [section, (page.title, page.path)]
    elif page.kind == "author":
        trail += [("Authors", urls.AUTHORS), (page.title, page.path)]
    else:
        trail.append((page.title, page.path))
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": position, "name": name, "item": urls.absolute(path)}
        for position, (name, path) in enumerate(trail, 1)]}
