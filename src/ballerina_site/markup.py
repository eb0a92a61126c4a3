"""Markdown to HTML, and the plain text derived from it (summary, word count)."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
from markdown.extensions.toc import slugify_unicode

EXTENSIONS = ("extra", "sane_lists", "toc")
EXTENSION_CONFIGS = {"toc": {"slugify": slugify_unicode, "permalink": False}}

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|blockquote|pre|figure|figcaption|dd|dt)\b[^>]*>", re.I)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_SPACE = re.compile(r"\s+")
SUMMARY_MAX_CHARS = 320


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS,
                             output_format="html")


def render_markdown(text: str) -> str:
    """Convert one article body; the converter is built once per process and reset between uses."""
    converter = _converter()
    try:
        return converter.reset().convert(text)
    finally:
        converter.reset()


def plain_text(fragment: str) -> str:
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", fragment))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def first_paragraph(body_html: str) -> str:
    """The summary an editor did not write: the first paragraph, as plain text, kept short."""
    for match in _PARAGRAPH.finditer(body_html):
        text = plain_text(match.group(1))
        if text:
            return shorten(text, SUMMARY_MAX_CHARS)
    return ""


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"


def count_words(body_html: str) -> int:
    return len(_WORD.findall(plain_text(body_html)))
