"""Processed images as HTML: ``<picture>`` with a ``<source>`` per modern format, ``srcset`` and
``sizes``, and an ``<img>`` with its intrinsic ``width`` and ``height`` (no layout shift).

The lead image loads at once (``fetchpriority="high"``, never lazy: it is the page's largest paint);
every other image is ``loading="lazy" decoding="async"``. Images in article bodies are rewritten here
from the ``<img>`` Markdown made, keeping their alt text, title and class.
"""

from __future__ import annotations

import html
import re
from typing import Callable, Iterable, Mapping

from markupsafe import Markup

from ..core.model import Picture, Variant

Href = Callable[[str], str]
IMG_TAG = re.compile(r"<img\b([^>]*?)\s*/?>", re.I)
ATTRIBUTE = re.compile(r"""([^\s=/"'>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def attributes(text: str) -> dict[str, str | None]:
    """An ``<img>``'s attributes by lower-case name, values unescaped (None: written without a value)."""
    found: dict[str, str | None] = {}
    for match in ATTRIBUTE.finditer(text):
        value = next((v for v in match.group(2, 3, 4) if v is not None), None)
        found.setdefault(match.group(1).lower(), html.unescape(value) if value is not None else None)
    return found


def srcset(variants: Iterable[Variant], href: Href) -> str:
    return ", ".join(f"{href('/' + v.path)} {v.width}w" for v in variants)


def picture_html(picture: Picture, href: Href, alt: str, sizes: str, *, lead: bool = False,
                 attrs: Mapping[str, str | None] | None = None) -> str:
    """The ``<picture>`` element; ``attrs``: more attributes of the ``<img>`` (title, class ...)."""
    esc = html.escape
    parts = ["<picture>"]
    by_type: dict[str, list[Variant]] = {}
    for variant in picture.variants:
        by_type.setdefault(variant.media_type, []).append(variant)
    for media_type, variants in by_type.items():
        if media_type != picture.fallback.media_type:
            parts.append(f'<source type="{media_type}" srcset="{esc(srcset(variants, href))}" sizes="{esc(sizes)}">')
    fallback = by_type.get(picture.fallback.media_type, [picture.fallback])
    img = [f'<img src="{esc(href("/" + picture.fallback.path))}"']
    if len(fallback) > 1:
        img.append(f'srcset="{esc(srcset(fallback, href))}" sizes="{esc(sizes)}"')
    img.append(f'width="{picture.width}" height="{picture.height}" alt="{esc(alt)}"')
    for name, value in (attrs or {}).items():
        img.append(esc(name) if value is None else f'{esc(name)}="{esc(value)}"')
    img.append('fetchpriority="high"' if lead else 'loading="lazy" decoding="async"')
    parts.append(" ".join(img) + ">")
    parts.append("</picture>")
    return "".join(parts)


_REPLACED = frozenset({"src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding", "fetchpriority"})


def rewrite_body(body_html: str, pictures: Mapping[str, Picture], href: Href, sizes: str) -> str:
    """Each ``<img>`` whose ``src`` is a processed image becomes its ``<picture>``; the rest stay."""
    def swap(match: re.Match[str]) -> str:
        found = attributes(match.group(1))
        picture = pictures.get(found.get("src") or "")
        if picture is None:
            return match.group(0)
        kept = {name: value for name, value in found.items() if name not in _REPLACED}
        return picture_html(picture, href, found.get("alt") or "", sizes, attrs=kept)

    return IMG_TAG.sub(swap, body_html) if "<img" in body_html else body_html


def body_images(body_html: str) -> list[tuple[str, str | None]]:
    """``(src, alt)`` of every ``<img>`` in a body; alt is None when the attribute is not written."""
    if "<img" not in body_html:
        return []
    found = []
    for match in IMG_TAG.finditer(body_html):
        attrs = attributes(match.group(1))
        if attrs.get("src"):
            found.append((attrs["src"] or "", attrs.get("alt")))
    return found


def template_picture(href: Href, sizes: str, card_sizes: str) -> Callable[..., Markup]:
    """The templates' ``picture(pic, alt, lead=False, card=False)``: markup for a processed image."""
    def picture(pic: Picture | None, alt: str = "", lead: bool = False, card: bool = False,
                css: str = "") -> Markup:
        if pic is None:
            return Markup("")
        attrs = {"class": css} if css else None
        return Markup(picture_html(pic, href, alt, card_sizes if card else sizes, lead=lead, attrs=attrs))
    return picture
