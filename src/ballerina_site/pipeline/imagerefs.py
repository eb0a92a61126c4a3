"""Which local images the articles show: each lead ``image:`` and each ``<img>`` of a body, as the
static file it names, with the line it is written on (for messages) and whether it has alt text.

A missing file is an error here (the picture would be broken); an image without alt text a warning
(``image_alt: ""`` or ``alt=""`` marks a decorative one, on purpose). Remote images are left alone.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import unquote, urlsplit

from ..core.errors import Problem
from ..core.model import Article
from ..core.paths import UnsafePath
from ..render.images import PROCESSED_SUFFIXES
from ..render.pictures import body_images
from ..site.urls import Urls

_REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
_PLAIN = re.compile(r"[^%?#\s\x00-\x1f]+")  # a path that urlsplit and unquote leave as it is


@dataclass(frozen=True, slots=True)
class Ref:
    """One use of a local image by an article."""

    article: str  # the article's source path
    line: int | None
    written: str  # as the editor wrote it
    output: str  # the static file's output path, e.g. ``images/eve.jpg``
    file: Path
    lead: bool

    def problem(self, message: str, hint: str | None = None, level: str = "error") -> Problem:
        kind = "lead image" if self.lead else "image"
        return Problem(self.article, self.line, f"{kind} `{self.written}`: {message}", hint, level)  # type: ignore[arg-type]


def output_path(article: Article, target: str, urls: Urls) -> str | None:
    """The output path a local image reference names (as site/links.py reads it); None for a remote one."""
    if not target or _REMOTE.match(target):
        return None
    path = target if _PLAIN.fullmatch(target) else unquote(urlsplit(target).path)
    if not path:
        return None
    base = urls.base_path
    if path.startswith(base) and base != "/":
        return posixpath.normpath(path[len(base) - 1:]).lstrip("/")
    if path.startswith("/"):
        return posixpath.normpath(path).lstrip("/")
    try:
        page = urls.article(article)
    except UnsafePath:
        return None
    return posixpath.normpath(posixpath.join(page, path)).lstrip("/")


def _line_of(article: Article, target: str) -> int | None:
    return next((line for written, line in article.links if written == target), article.line_of("title"))


def find_refs(articles: Sequence[Article], static: Mapping[str, Path], skip: frozenset[str], urls: Urls,
              bodies: dict[str, list[tuple[str, str | None]]] | None = None
              ) -> tuple[list[Ref], list[Problem], list[Ref]]:
    """Every local image use of the articles not in ``skip`` (drafts, future ones), the problems, and the
    body images whose file is missing (site/links.py has a message for them, with a hint: see
    :func:`missing_images`). ``bodies``: filled with each article's body images, by source, for the
    caller to take rather than read each body again (50 MB at 10,000 articles)."""
    refs: list[Ref] = []
    problems: list[Problem] = []
    missing: list[Ref] = []
    for article in articles:
        if article.source in skip:
            continue
        wanted: list[tuple[str, int | None, bool, str | None]] = []
        if article.image:
            alt = article.image_alt if "image_alt" in article.key_lines else None
            wanted.append((article.image, article.line_of("image"), True, alt))
        found = body_images(article.body_html)
        if bodies is not None:
            bodies[article.source] = found
        wanted += [(src, _line_of(article, src), False, alt) for src, alt in found]
        for written, line, lead, alt in wanted:
            output = output_path(article, written, urls)
            if output is None or not output.lower().endswith(PROCESSED_SUFFIXES):
                continue
            file = static.get(output)
            ref = Ref(article.source, line, written, output, file or Path(), lead)
            if file is None:
                if lead:
                    problems.append(ref.problem("no such file in static/", MISSING_HINT))
                else:
                    missing.append(ref)
                continue
            refs.append(ref)
            if alt is None:
                hint = "add `image_alt: ...` (or `image_alt: \"\"` if it is decorative)" if lead else \
                    "write what it shows in the brackets: ![what it shows](...), or alt=\"\" if it is decorative"
                problems.append(ref.problem("no alt text", hint, "warning"))
    return refs, problems, missing


MISSING_HINT = "files in static/ are published at the site root: static/images/x.jpg is /images/x.jpg"


def missing_images(link_problems: list[Problem], missing: Sequence[Ref]) -> list[Problem]:
    """The links' problems, those about a missing body image made errors (a broken picture is not a
    broken link: it shows on the page); a missing image the links did not name gets a message here."""
    out = list(link_problems)
    for ref in missing:
        said = next((index for index, p in enumerate(out) if p.path == ref.article and p.line == ref.line
                     and f"`{ref.written}`" in p.message), None)
        if said is None:
            out.append(ref.problem("no such file in static/", MISSING_HINT))
        else:
            out[said] = replace(out[said], level="error")
    return out
