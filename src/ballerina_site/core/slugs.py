"""Slugs and term keys: how a name becomes a URL segment, and when two names are one."""

from __future__ import annotations

from functools import lru_cache

from slugify import slugify as _slugify

from .paths import WINDOWS_RESERVED


@lru_cache(maxsize=1 << 14)
def slugify(text: str) -> str:
    """Slugs are ASCII path segments: ``Amélie`` -> ``amelie``, ``Léon: The Professional`` ->
    ``leon-the-professional``; an empty result means the text has nothing to make a URL from.
    (Remembered: every article names its tags, and most tags are on many articles.)"""
    slug = _slugify(text, max_length=120, word_boundary=True)
    if slug in WINDOWS_RESERVED:
        slug += "-"
    return slug


def section_of(source: str) -> str:
    """The ``{section}`` of an article: the folder under ``content/`` it is in, as a slug (empty for a
    file, or a page bundle, right in ``content/``)."""
    parts = source.split("/")[1:-1]  # the folders between content/ and the file
    if parts and source.rsplit("/", 1)[-1].rsplit(".", 1)[0].casefold() == "index":
        parts = parts[:-1]  # a page bundle: its own folder is the article, not a section
    return slugify(parts[0]) if parts else ""


def term_key(name: str) -> str:
    """Tags that differ only in case or spacing are one tag: ``john wick`` = ``JOHN  WICK``."""
    return " ".join(name.split()).casefold()
