"""Markdown to HTML, and the plain text derived from it (summary, word count)."""

from __future__ import annotations

import html
import re
from itertools import filterfalse

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .converters import ConverterPool
from .embeds import EmbedExtension, EmbedProblem

EXTENSIONS: tuple[tuple[str, type[Extension]], ...] = (
    # "extra" as Python-Markdown's own extra.py lists its parts, then "sane_lists" and "toc"; made from
    # the classes, as a name makes Markdown scan every installed package's entry points: the first
    # converter of a build process took 20-35 ms to make, and takes 2.5 ms
    ("fenced_code", FencedCodeExtension), ("footnotes", FootnoteExtension), ("attr_list", AttrListExtension),
    ("def_list", DefListExtension), ("tables", TableExtension), ("abbr", AbbrExtension),
    ("md_in_html", MarkdownInHtmlExtension), ("sane_lists", SaneListExtension), ("toc", TocExtension))
EXTENSION_CONFIGS = {"toc": {"slugify": slugify_unicode, "permalink": False}}

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|blockquote|pre|figure|figcaption|dd|dt)\b[^>]*>", re.I)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_WORD = re.compile(r"\w++(?:['’]\w++)*+")  # possessive: nothing follows, so the same words, found faster
SUMMARY_MAX_CHARS = 320


MAX_NESTING = 100
"""Deeper lists or quotes than this are refused: Python-Markdown's time grows steeply with depth
(2,000 levels take about a minute, then overflow the stack)."""

_PREFIX = re.compile(r"^[ \t>]*(?=[^ \t>\n])", re.M)
_LINK_ATTR = re.compile(r"<(?:a|img)\b[^>]*?\s(?:href|src)=\"([^\"]*)\"")
_DANGEROUS_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)


class MarkupTooDeep(ValueError):
    """The body nests lists or quotes deeper than :data:`MAX_NESTING`; ``line`` is body-relative."""

    def __init__(self, line: int):
        super().__init__(f"lists or quotes nested more than {MAX_NESTING} levels deep")
        self.line = line


def nesting_depth_problem(text: str) -> int | None:
    """The first body line (1-based) nested deeper than allowed, by a cheap look at its indentation
    and ``>`` markers (two columns of indentation count as one level, the smallest list indent)."""
    for match in _PREFIX.finditer(text):
        prefix = match.group(0)
        if len(prefix) <= MAX_NESTING:
            continue
        columns = len(prefix.replace("\t", "    ").replace(">", ""))
        if columns // 2 + prefix.count(">") > MAX_NESTING:
            return text.count("\n", 0, match.start()) + 1
    return None


class _DropDangerousUrls(Treeprocessor):
    """With raw HTML off, ``[x](javascript:...)`` must not become a live script link either."""

    def run(self, root):  # type: ignore[no-untyped-def]
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and _DANGEROUS_SCHEME.match(value):
                    element.set(attribute, "#")


class _EscapeHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DropDangerousUrls(md), "drop_dangerous_urls", 0)


def build_converter(unsafe_html: bool, configs: dict[str, dict[str, object]] | None = None,
                    ) -> tuple[markdown.Markdown, EmbedExtension]:
    """A stock converter with the site's extensions (``configs`` added to theirs), and its embed extension
    (which holds the last conversion's problems)."""
    embeds = EmbedExtension()
    merged = {name: {**EXTENSION_CONFIGS.get(name, {}), **configs.get(name, {})}
              for name in {*EXTENSION_CONFIGS, *(configs or {})}} if configs else EXTENSION_CONFIGS
    extensions: list[Extension] = [kind(**merged.get(name, {})) for name, kind in EXTENSIONS]
    extensions.append(embeds)
    if not unsafe_html:
        extensions.append(_EscapeHtml())
    converter = markdown.Markdown(extensions=extensions, output_format="html")
    return converter, embeds


class Converters:
    """The converters one process uses, chosen by the syntax each source holds (see converters.py),
    for sites that show raw HTML and for those that show it as text."""

    def __init__(self) -> None:
        self.pools = {unsafe: ConverterPool(lambda configs, unsafe=unsafe: build_converter(unsafe, configs))
                      for unsafe in (True, False)}

    def convert(self, text: str, unsafe_html: bool = True) -> tuple[str, tuple[EmbedProblem, ...]]:
        """One body's HTML and its embed problems; raises :class:`MarkupTooDeep` for absurd nesting."""
        line = nesting_depth_problem(text)
        if line is not None:
            raise MarkupTooDeep(line)
        pool = self.pools[unsafe_html]
        converter, embeds = pool.get(text)
        try:
            return converter.convert(text), tuple(embeds.problems)
        except RecursionError:
            pool.discard(text)  # a converter that overflowed mid-way is not trusted again
            raise
        finally:
            converter.reset()


CONVERTERS = Converters()
"""This process's converters: built on first use and reused, like the Markdown instance they replace."""


def render_markdown_checked(text: str, unsafe_html: bool = True) -> tuple[str, tuple[EmbedProblem, ...]]:
    """Convert one article body and say what was wrong in it (e.g. an unreadable video embed).

    ``unsafe_html=False`` shows raw HTML as text. Raises :class:`MarkupTooDeep` for absurd nesting."""
    return CONVERTERS.convert(text, unsafe_html)


def render_markdown(text: str, unsafe_html: bool = True) -> str:
    return render_markdown_checked(text, unsafe_html)[0]


def local_links(body_html: str) -> list[str]:
    """Targets of links and images in rendered HTML, as written (entities decoded)."""
    return [html.unescape(target) for target in _LINK_ATTR.findall(body_html)]


def _without_tags(fragment: str) -> str:
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", fragment)))


def plain_text(fragment: str) -> str:
    return " ".join(_without_tags(fragment).split())  # split() and regex \s agree on every code point


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
    """Matches of :data:`_WORD` in the plain text, counted a third faster: no word spans whitespace (no
    space is a word character or an apostrophe), so the count is the sum over whitespace-split tokens, and
    a token of letters and digits only (``isalnum``: exactly ``\\w`` without ``_``) is one word; the
    regex reads only the other tokens, a fifth of a news text."""
    tokens = _without_tags(body_html).split()
    others = list(filterfalse(str.isalnum, tokens))
    return len(tokens) - len(others) + len(_WORD.findall(" ".join(others)))
