"""Links written in article bodies: ``other.md`` becomes that article's URL, and a link or image to
a content file or a static file that does not exist is a warning (an error under ``--strict``).

Only what an editor wrote inside ``content/`` is checked here; links in the built pages as a whole
are a separate check of the output.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Collection, Iterable
from urllib.parse import unquote, urlsplit

from ..content.discover import ARTICLE_SUFFIXES, CONTENT_DIR
from ..core.errors import Problem
from ..core.model import Article
from ..core.paths import UnsafePath
from .urls import Urls

_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")')
_PAGE_SUFFIXES = ("", ".html", ".htm")


def _content_path(article: Article, path: str) -> str:
    """Where a link to a Markdown file points, as a source path like ``content/x.md``."""
    if path.startswith("/"):
        path = path.lstrip("/")
        return path if path.startswith(CONTENT_DIR + "/") else f"{CONTENT_DIR}/{path}"
    return posixpath.normpath(posixpath.join(posixpath.dirname(article.source), path))


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """What the links of every article are checked against, and the list problems join."""

    by_source: dict[str, Article]  # the articles of this build
    sources: Collection[str]
    static: Collection[str]
    root: Path
    urls: Urls
    unpublished: Collection[str]
    problems: list[Problem]

    def warn(self, article: Article, line: int, message: str, hint: str) -> None:
        self.problems.append(Problem(article.source, line, message, hint, "warning"))


def check_links(articles: Iterable[Article], sources: Collection[str], static: Collection[str], root: Path,
                urls: Urls, unpublished: Collection[str] = ()) -> tuple[list[Article], list[Problem]]:
    """Rewrite links to articles into their URLs and report links to files that do not exist.

    ``sources`` are every article file's source path (parsed or not); ``static`` the output paths of
    the static files (``static/img/x.png`` is ``img/x.png``); ``unpublished`` the sources of drafts
    and future articles this build leaves out (a link to one is rewritten, and warned about).
    """
    articles = list(articles)
    check = LinkCheck({article.source: article for article in articles}, sources, static, root, urls,
                      unpublished, [])
    result = []
    for article in articles:
        rewrites: dict[str, str] = {}
        for target, line in article.links:
            href = check_link(check, article, target, line)
            if href is not None:
                rewrites[target] = href
        if rewrites:
            article = replace(article, body_html=_rewrite(article.body_html, rewrites))
        result.append(article)
    return result, check.problems


def check_link(check: LinkCheck, article: Article, target: str, line: int) -> str | None:
    """The URL a link to an article becomes (None: the link stays as written), warning on the way."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    if not path:
        return None
    if path.lower().endswith(ARTICLE_SUFFIXES):
        return article_link(check, article, target, line, path, parts.fragment)
    if posixpath.splitext(path)[1].lower() in _PAGE_SUFFIXES or path.endswith("/"):
        return None  # a page of the site: checked in the built output, not here
    check_file_link(check, article, target, line, path)
    return None


def article_link(check: LinkCheck, article: Article, target: str, line: int, path: str,
                 fragment: str) -> str | None:
    """A link to ``other.md``: the URL of that article, or a warning when there is none (yet)."""
    source = _content_path(article, path)
    if source in check.by_source:
        if source in check.unpublished and article.source not in check.unpublished:
            check.warn(article, line, f"link to `{target}`: that article is a draft or dated in the future, so "
                                      "the link leads nowhere until it is published",
                       "publish it first, or remove the link")
        return check.urls.href(check.by_source[source]) + (f"#{fragment}" if fragment else "")
    if source not in check.sources:
        check.warn(article, line, f"link to `{target}`: there is no article {source}",
                   "check the file name; links to articles are relative to this file")
    return None


def check_file_link(check: LinkCheck, article: Article, target: str, line: int, path: str) -> None:
    """A link to a file must name one published from static/ (written as the site will serve it)."""
    urls = check.urls
    if path.startswith(urls.base_path):  # written with the deploy's sub-path in front
        published = posixpath.normpath(path[len(urls.base_path) - 1:]).lstrip("/")
    elif path.startswith("/"):
        published = posixpath.normpath(path).lstrip("/")
    else:
        try:
            page = urls.article(article)
        except UnsafePath:
            return
        published = posixpath.normpath(posixpath.join(page, path)).lstrip("/")
    if published in check.static:
        return
    if path.startswith("/static/") and path[len("/static"):].lstrip("/") in check.static:
        check.warn(article, line, f"link to `{target}`: files in static/ are published at the site root, not "
                                  "under /static/", f"write `{path[len('/static'):]}`")
    elif not path.startswith("/") and (check.root / posixpath.dirname(article.source) / path).is_file():
        check.warn(article, line, f"link to `{target}`: the file is in content/, which is not published",
                   f"move it into static/ and link it as `/{posixpath.basename(path)}`")
    else:
        check.warn(article, line, f"link to `{target}`: no such file in static/",
                   "files in static/ are published at the site root: static/img/x.png is /img/x.png")


def _rewrite(body_html: str, rewrites: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        target = html.unescape(match.group(2))
        if target not in rewrites:
            return match.group(0)
        return match.group(1) + html.escape(rewrites[target], quote=True) + match.group(3)

    return _HREF.sub(swap, body_html)
