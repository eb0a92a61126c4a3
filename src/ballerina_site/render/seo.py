"""What search engines and link previews read on every page: title, description, canonical URL,
rel=prev/next, Open Graph, Twitter card and JSON-LD — computed here, only printed by the templates.

JSON-LD goes inside ``<script>``, where HTML escaping does not apply; :func:`json_script` escapes
``<``, ``>`` and ``&`` as ``\\u003c`` etc. so no field can close the script element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from markupsafe import Markup

from ..core.errors import Problem
from ..core.escaping import escape_text
from ..content.markup import shorten
from ..core.model import Article, Person, Site, Term
from ..site.feedlinks import FeedLink, feed_links
from ..site.pages import Page
from ..site.urls import Urls
from .xmlwriter import rfc3339

HEADLINE_MAX = 110  # Google's limit for an article headline in structured data
LISTING_KINDS = {"home", "tag", "category", "author", "tag_index", "category_index", "author_index", "archive"}
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # json.dumps with these, made once
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


@dataclass(frozen=True, slots=True)
class Meta:
    title: str
    description: str
    canonical: str | None
    prev: str | None
    next: str | None
    robots: str | None
    feeds: tuple[FeedLink, ...]
    og: tuple[tuple[str, str], ...]  # (property, content), in order
    twitter: tuple[tuple[str, str], ...]  # (name, content)
    json_ld: tuple[str, ...]  # each safe to print inside <script type="application/ld+json">


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


def _title(page: Page, site: Site) -> str:
    config = site.config
    pager = page.context.get("pager")
    if page.kind == "home" and (pager is None or pager.number == 1):
        return config.title + (f" – {config.tagline}" if config.tagline else "")
    return f"{page.title} | {config.title}"


def _description(page: Page, site: Site) -> str:
    config = site.config
    default = config.description or config.tagline or config.title
    context = page.context
    if page.kind == "article":
        text = context["article"].summary or default
    elif page.kind in ("tag", "category"):
        term: Term = context["term"]
        text = term.description or (f"Articles tagged {term.name} on {config.title}" if page.kind == "tag"
                                    else f"Articles in {term.name} on {config.title}")
    elif page.kind == "author":
        person: Person = context["person"]
        text = person.bio or f"Articles by {person.name} on {config.title}"
    else:
        text = default
    pager = context.get("pager")
    if pager is not None and pager.number > 1:
        text += f" (page {pager.number} of {pager.count})"
    return text


def _image(page: Page, site: Site) -> tuple[str, str]:
    """(path or URL, alt text) of the page's share image: the article's hero, else the site default."""
    article: Article | None = page.context.get("article") if page.kind == "article" else None
    if article is not None and article.image:
        return article.image, article.image_alt or article.title
    person: Person | None = page.context.get("person") if page.kind == "author" else None
    if person is not None and person.image:
        return person.image, person.name
    return site.config.image, site.config.image_alt or site.config.title


def _og_locale(language: str) -> str | None:
    parts = language.replace("-", "_").split("_")
    return f"{parts[0].lower()}_{parts[1].upper()}" if len(parts) == 2 and len(parts[1]) == 2 else None


def page_meta(page: Page, site: Site, urls: Urls) -> Meta:
    config = site.config
    title = _title(page, site)
    description = _description(page, site)
    is_404 = page.kind == "404"
    canonical = None if is_404 else urls.absolute(page.path)
    pager = page.context.get("pager")
    prev = urls.absolute(pager.prev_path) if pager is not None and pager.prev_path else None
    next_ = urls.absolute(pager.next_path) if pager is not None and pager.next_path else None
    article: Article | None = page.context.get("article") if page.kind == "article" else None
    share_title = article.title if article else (config.title if page.kind == "home" else page.title)
    image, image_alt = _image(page, site)

    og: list[tuple[str, str]] = [("og:site_name", config.title), ("og:type", "article" if article else "website"),
                                 ("og:title", share_title), ("og:description", description)]
    if canonical:
        og.append(("og:url", canonical))
    locale = _og_locale(config.language)
    if locale:
        og.append(("og:locale", locale))
    if image:
        og += [("og:image", urls.absolute(image)), ("og:image:alt", image_alt)]
    if article is not None:
        published, modified = rfc3339(article.date), rfc3339(article.updated or article.date)
        og += [("article:published_time", published), ("article:modified_time", modified)]
        person = site.author_of(article)
        if person is not None:
            og.append(("article:author", urls.absolute(person)))
        if article.category:
            og.append(("article:section", article.category.name))
        og += [("article:tag", tag.name) for tag in article.tags]

    twitter = [("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", share_title),
               ("twitter:description", description)]
    if image:
        twitter += [("twitter:image", urls.absolute(image)), ("twitter:image:alt", image_alt)]
    if config.twitter:
        twitter.append(("twitter:site", config.twitter if config.twitter.startswith("@") else "@" + config.twitter))

    if article is not None:
        blocks = [news_article(article, site, urls, published, modified), breadcrumbs(page, site, urls)]
    elif page.kind == "home":
        blocks = [website(site, urls), collection_page(page, site, urls, description)]
    elif page.kind in LISTING_KINDS:
        blocks = [collection_page(page, site, urls, description), breadcrumbs(page, site, urls)]
    else:
        blocks = []
    feeds = page.feeds or feed_links(site, urls)
    return Meta(title, description, canonical, prev, next_, "noindex" if is_404 else None, feeds,
                tuple(og), tuple(twitter), tuple(json_script(block) for block in blocks))


def meta_tags(meta: Meta, href: Callable[[str], str]) -> Markup:
    """The feed links, Open Graph and Twitter tags and JSON-LD scripts of ``meta``, one a line, exactly
    as ``partials/meta.html`` printed them with a loop each: some twenty tags on every page, whose
    loops took a fifteenth of the time to render an article. Each value is escaped as autoescape does."""
    lines = [f'<link rel="alternate" type="{escape_text(feed.media_type)}" title="{escape_text(feed.title)}" '
             f'href="{escape_text(href(feed.path))}">\n' for feed in meta.feeds]
    lines += [f'<meta property="{escape_text(name)}" content="{escape_text(content)}">\n' for name, content in meta.og]
    lines += [f'<meta name="{escape_text(name)}" content="{escape_text(content)}">\n' for name, content in meta.twitter]
    lines += [f'<script type="application/ld+json">{block}</script>\n'  # safe there already: see json_script
              for block in meta.json_ld]
    return Markup("".join(lines))


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
    person = site.author_of(article)
    if person is not None:
        author: dict[str, Any] = {"@type": "Person", "name": person.name, "url": urls.absolute(person)}
        if person.url:
            author["sameAs"] = [urls.absolute(person.url)]
        data["author"] = [author]
    image = article.image or config.image
    if image:
        data["image"] = [urls.absolute(image)]
    if article.tags:
        data["keywords"] = [tag.name for tag in article.tags]
    if article.category:
        data["articleSection"] = article.category.name
    return data


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


GUIDELINE_WARNINGS_LISTED = 10
"""Past this many articles, the rest are counted in one line: a thousand copies of one warning on
every build would bury every other message."""


def guideline_warnings(site: Site) -> list[Problem]:
    """One warning per article missing what Google's article guidelines ask for (the first ten)."""
    problems = []
    rest = 0  # articles with a gap past the ones listed: counted, not spelled out
    for article in site.articles:
        if len(problems) == GUIDELINE_WARNINGS_LISTED:
            if not (article.image or site.config.image) or site.author_of(article) is None \
                    or len(article.title) > HEADLINE_MAX:
                rest += 1
            continue
        missing, hints = [], []
        if not (article.image or site.config.image):
            missing.append("no image")
            hints.append("add `image:` to the front matter or a default `image` to site.yaml")
        if site.author_of(article) is None:
            missing.append("no author")
            hints.append("add `author:` or a default `author.name` to site.yaml")
        if len(article.title) > HEADLINE_MAX:
            missing.append(f"headline over {HEADLINE_MAX} characters (shortened in structured data)")
            hints.append("shorten `title`")
        if missing:
            problems.append(Problem(article.source, article.line_of("title") or 1,
                                    f"article rich results: {', '.join(missing)}", "; ".join(hints),
                                    level="warning"))
    if rest:
        problems.append(Problem(
            "content", None, f"article rich results: {rest} more article{'s' * (rest != 1)} with the same kind of gap",
            "a default `image` and `author.name` in site.yaml cover most of them", level="warning"))
    return problems
