"""What search engines and link previews read on every page: title, description, canonical URL,
rel=prev/next, Open Graph, Twitter card and JSON-LD (:mod:`.structured`) — computed here, only
printed by the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup

from ..core.errors import Problem
from ..core.escaping import escape_text
from ..core.model import Article, Person, Site, Term
from ..site.feedlinks import FeedLink, feed_links
from ..site.pages import Page
from ..site.urls import Urls
from .structured import HEADLINE_MAX, json_script, structured_data
from .xmlwriter import rfc3339


@dataclass(frozen=True, slots=True)
class Meta:
    """What a page's head says about it to search engines and link previews."""

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
    if article is not None and article.share is not None:  # a 1200x630 crop of its image, or its card
        return "/" + article.share.path, (article.image_alt or article.title) if article.image else article.title
    if article is not None and article.image:  # a remote image: linked as it is
        return article.image, article.image_alt or article.title
    person: Person | None = page.context.get("person") if page.kind == "author" else None
    if person is not None and person.image:
        return person.image, person.name
    return site.config.image, site.config.image_alt or site.config.title


def _og_locale(language: str) -> str | None:
    parts = language.replace("-", "_").split("_")
    return f"{parts[0].lower()}_{parts[1].upper()}" if len(parts) == 2 and len(parts[1]) == 2 else None


def page_meta(page: Page, site: Site, urls: Urls) -> Meta:
    """Everything the ``<head>`` of ``page`` says about it to search engines and link previews."""
    title = _title(page, site)
    description = _description(page, site)
    is_404 = page.kind == "404"
    canonical = None if is_404 else urls.absolute(page.path)
    pager = page.context.get("pager")
    prev = urls.absolute(pager.prev_path) if pager is not None and pager.prev_path else None
    next_ = urls.absolute(pager.next_path) if pager is not None and pager.next_path else None
    article: Article | None = page.context.get("article") if page.kind == "article" else None
    share_title = article.title if article else (site.config.title if page.kind == "home" else page.title)
    image = _image(page, site)
    og = open_graph(site, urls, article, share_title, description, canonical, image)
    twitter = twitter_card(site, urls, share_title, description, image)
    blocks = structured_data(page, site, urls, article, description)
    feeds = page.feeds or feed_links(site, urls)
    return Meta(title, description, canonical, prev, next_, "noindex" if is_404 else None, feeds,
                tuple(og), tuple(twitter), tuple(json_script(block) for block in blocks))


def open_graph(site: Site, urls: Urls, article: Article | None, share_title: str, description: str,
               canonical: str | None, image: tuple[str, str]) -> list[tuple[str, str]]:
    """Open Graph properties, in the order they are printed; an article's own after the page's."""
    config = site.config
    og: list[tuple[str, str]] = [("og:site_name", config.title), ("og:type", "article" if article else "website"),
                                 ("og:title", share_title), ("og:description", description)]
    if canonical:
        og.append(("og:url", canonical))
    locale = _og_locale(config.language)
    if locale:
        og.append(("og:locale", locale))
    if image[0]:
        og += [("og:image", urls.absolute(image[0])), ("og:image:alt", image[1])]
    if article is not None:
        og += [("article:published_time", rfc3339(article.date)),
               ("article:modified_time", rfc3339(article.updated or article.date))]
        og += [("article:author", urls.absolute(person)) for person in site.authors_of(article)]
        if article.category:
            og.append(("article:section", article.category.name))
        og += [("article:tag", tag.name) for tag in article.tags]
    return og


def twitter_card(site: Site, urls: Urls, share_title: str, description: str,
                 image: tuple[str, str]) -> list[tuple[str, str]]:
    """The X/Twitter card: a large image when there is one."""
    twitter = [("twitter:card", "summary_large_image" if image[0] else "summary"), ("twitter:title", share_title),
               ("twitter:description", description)]
    if image[0]:
        twitter += [("twitter:image", urls.absolute(image[0])), ("twitter:image:alt", image[1])]
    handle = site.config.twitter
    if handle:
        twitter.append(("twitter:site", handle if handle.startswith("@") else "@" + handle))
    return twitter


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


GUIDELINE_WARNINGS_LISTED = 10
"""Past this many articles, the rest are counted in one line: a thousand copies of one warning on
every build would bury every other message."""


def guideline_warnings(site: Site) -> list[Problem]:
    """One warning per article missing what Google's article guidelines ask for (the first ten)."""
    problems = []
    rest = 0  # articles with a gap past the ones listed: counted, not spelled out
    for article in site.articles:
        if len(problems) == GUIDELINE_WARNINGS_LISTED:
            if not (article.image or article.share or site.config.image) or site.author_of(article) is None \
                    or len(article.title) > HEADLINE_MAX:
                rest += 1
            continue
        missing, hints = [], []
        if not (article.image or article.share or site.config.image):
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
