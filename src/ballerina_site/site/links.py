"""Links written in article bodies: ``other.md`` becomes that article's URL, and a link or image to
a content file or a static file that does not exist is a warning (an error under ``--strict``).

Only what an editor wrote inside ``content/`` is checked here; links in the built pages as a whole
are a separate check of the output.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import replace
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


def check_links(articles: Iterable[Article], sources: Collection[str], static: Collection[str], root: Path,
                urls: Urls, unpublished: Collection[str] = ()) -> tuple[list[Article], list[Problem]]:
    """Rewrite links to articles into their URLs and report links to files that do not exist.

    ``sources`` are every article file's source path (parsed or not); ``static`` the output paths of
    the static files (``static/img/x.png`` is ``img/x.png``); ``unpublished`` the sources of drafts
    and future articles this build leaves out (a link to one is rewritten, and warned about).
    """
    articles = list(articles)
    by_source = {article.source: article for article in articles}
    problems: list[Problem] = []
    result = []
    for article in articles:
        rewrites: dict[str, str] = {}
        for target, line in article.links:
            parts = urlsplit(target)
            path = unquote(parts.path)
            if not path:
                continue

            def warn(message: str, hint: str) -> None:
                problems.append(Problem(article.source, line, message, hint, "warning"))

            if path.lower().endswith(ARTICLE_SUFFIXES):
                source = _content_path(article, path)
                if source in by_source:
                    href = urls.href(by_source[source])
                    rewrites[target] = href + (f"#{parts.fragment}" if parts.fragment else "")
                    if source in unpublished and article.source not in unpublished:
                        warn(f"link to `{target}`: that article is a draft or dated in the future, so the "
                             "link leads nowhere until it is published", "publish it first, or remove the link")
                elif source not in sources:
                    warn(f"link to `{target}`: there is no article {source}",
                         "check the file name; links to articles are relative to this file")
                continue
            if posixpath.splitext(path)[1].lower() in _PAGE_SUFFIXES or path.endswith("/"):
                continue  # a page of the site: checked in the built output, not here
            if path.startswith(urls.base_path):  # written with the deploy's sub-path in front
                published = posixpath.normpath(path[len(urls.base_path) - 1:]).lstrip("/")
            elif path.startswith("/"):
                published = posixpath.normpath(path).lstrip("/")
            else:
                try:
                    page = urls.article(article)
                except UnsafePath:
                    continue
                published = posixpath.normpath(posixpath.join(page, path)).lstrip("/")
            if published in static:
                continue
            if path.startswith("/static/") and path[len("/static"):].lstrip("/") in static:
                warn(f"link to `{target}`: files in static/ are published at the site root, not under /static/",
                     f"write `{path[len('/static'):]}`")
            elif not path.startswith("/") and (root / posixpath.dirname(article.source) / path).is_file():
                warn(f"link to `{target}`: the file is in content/, which is not published",
                     f"move it into static/ and link it as `/{posixpath.basename(path)}`")
            else:
                warn(f"link to `{target}`: no such file in static/",
                     "files in static/ are published at the site root: static/img/x.png is /img/x.png")
        if rewrites:
            article = replace(article, body_html=_rewrite(article.body_html, rewrites))
        result.append(article)
    return result, problems


def _rewrite(body_html: str, rewrites: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        target = html.unescape(match.group(2))
        if target not in rewrites:
            return match.group(0)
        return match.group(1) + html.escape(rewrites[target], quote=True) + match.group(3)

    return _HREF.sub(swap, body_html)
