"""Markdown to HTML, and the plain text derived from it (summary, word count)."""

from __future__ import annotations

import ast
import html
import inspect
import re
import textwrap
from functools import lru_cache
from itertools import filterfalse

import markdown
from markdown import inlinepatterns, treeprocessors, util
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from .embeds import EmbedExtension, EmbedProblem

EXTENSIONS = ("extra", "sane_lists", "toc")
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


# Skipping inline patterns that cannot match
# ------------------------------------------
# Python-Markdown tries every inline pattern on every text node in a Python loop; most of those tries
# are patterns whose regex needs a character the text does not have (a news paragraph seldom holds a
# backtick, a ``<`` or an ``&``); skipping them takes a third off Markdown's time. The regexes below were read
# in markdown 3.11's inlinepatterns.py and extensions/footnotes.py; the entry of one is a necessary
# condition for a match starting at or after index i: one of the sequences occurs in ``data[i:]``,
# each part after the previous. A regex that is not here, verbatim and with the stock flags (another
# extension's, or a changed one in a later release), is always tried.
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": (("`",),),  # backtick (its first branch looks ahead for `)
    r"\\(.)": (("\\",),),  # escape
    r"\[\^([^\]]*)\]": (("[^", "]"),),  # footnote
    r"(?<!\!)\[": (("[",),),  # reference, link, short_reference
    r"\!\[": (("![",),),  # image_link, image_reference, short_image_ref
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": (("<", "://", ">"),),  # autolink
    r"<([^<> !]+@[^@<> ]+)>": (("<", "@", ">"),),  # automail
    r"  \n": (("  \n",),),  # linebreak
    (r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?|"""
     r"!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"):
        (("<", ">"),),  # html
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": (("&", ";"),),  # entity
    r"\*|_": (("*",), ("_",)),  # em_strong, with the stock delimiters * and _ only
}
_STOCK_FLAGS = re.DOTALL | re.UNICODE

Need = tuple[tuple[str, ...], ...]


def _need(pattern: object) -> str | Need | None:
    """What a pattern's regex needs to match, if it is one read above and Markdown asks it for that regex;
    a single substring comes as a plain string, the common case, checked inline by the loop."""
    if (not isinstance(pattern, inlinepatterns.InlineProcessor)
            or type(pattern).getCompiledRegExp is not inlinepatterns.Pattern.getCompiledRegExp):
        return None
    regex = pattern.compiled_re
    need = _NEEDS.get(regex.pattern) if regex.flags == _STOCK_FLAGS else None
    if need is not None and len(need) == 1 and len(need[0]) == 1:
        return need[0][0]
    return need


def _may_match(data: str, start: int, need: Need) -> bool:
    """False when the regex with this need cannot match at or after ``start``: no sequence occurs in order."""
    for sequence in need:
        index = start
        for part in sequence:
            index = data.find(part, index)
            if index < 0:
                break
            index += len(part)
        else:
            return True
    return False


class _SkippingInlineProcessor(treeprocessors.InlineProcessor):
    """The stock ``inline`` treeprocessor, with its pattern loop taught to skip a pattern that cannot match.

    Skipping is exact: for a regex with no match from ``startIndex``, ``__applyPattern`` returns
    ``(data, False, 0)`` and touches nothing, which is what the skip does. The loop below is the stock
    ``__handleInline`` (checked by :func:`_fast_inline_supported`) plus that skip, and reading the
    patterns from a list taken at the start of each document instead of the registry on every try."""

    _plan: list[tuple[object, str | Need | None]]  # set by run(), for the document it converts

    def run(self, tree, ancestors=None):  # type: ignore[no-untyped-def]
        self._plan = [(pattern, _need(pattern)) for pattern in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if not isinstance(data, util.AtomicString):
            startIndex = 0  # noqa: N806 - the stock names, to compare line by line
            plan = self._plan
            count = len(plan)
            apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
            while patternIndex < count:
                pattern, need = plan[patternIndex]
                if need is not None and (data.find(need, startIndex) < 0 if type(need) is str
                                         else not _may_match(data, startIndex, need)):
                    patternIndex += 1
                    startIndex = 0  # noqa: N806
                    continue
                data, matched, startIndex = apply(pattern, data, patternIndex, startIndex)
                if not matched:
                    patternIndex += 1
        return data


_STOCK_HANDLE_INLINE = """
if not isinstance(data, util.AtomicString):
    startIndex = 0
    count = len(self.inlinePatterns)
    while patternIndex < count:
        data, matched, startIndex = self.__applyPattern(
            self.inlinePatterns[patternIndex], data, patternIndex, startIndex
        )
        if not matched:
            patternIndex += 1
return data
"""
_NO_MATCH = "if not match:\n    return data, False, 0"


def _body(function: object) -> list[ast.stmt]:
    """A function's statements without its docstring."""
    body = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0].body  # type: ignore[attr-defined]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return body


@lru_cache(maxsize=1)
def _fast_inline_supported() -> bool:
    """Whether the installed Markdown has the private loop the fast processor copies, unchanged, and the
    no-match result it relies on; if not (another release), the stock processor is used."""
    stock = treeprocessors.InlineProcessor
    try:
        handle = stock._InlineProcessor__handleInline  # type: ignore[attr-defined]
        apply = stock._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        same_loop = ast.dump(ast.Module(_body(handle), [])) == ast.dump(ast.parse(_STOCK_HANDLE_INLINE))
        no_match = ast.dump(ast.parse(_NO_MATCH).body[0])
        return same_loop and any(ast.dump(node) == no_match for node in ast.walk(ast.Module(_body(apply), [])))
    except (AttributeError, OSError, TypeError, SyntaxError, IndexError):
        return False


class _FastInline(Extension):
    """Puts :class:`_SkippingInlineProcessor` in place of the stock ``inline`` treeprocessor (same name,
    same priority), when the installed Markdown is one it was checked against."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        if _fast_inline_supported() and type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor:
            md.treeprocessors.register(_SkippingInlineProcessor(md), "inline", 20)


def _build_converter(unsafe_html: bool, fast: bool = True) -> tuple[markdown.Markdown, EmbedExtension]:
    """A converter with the site's extensions; ``fast=False`` is the stock one the tests compare with."""
    embeds = EmbedExtension()
    extensions: list[object] = [*EXTENSIONS, embeds]
    if not unsafe_html:
        extensions.append(_EscapeHtml())
    if fast:
        extensions.append(_FastInline())
    converter = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS,
                                  output_format="html")
    return converter, embeds


@lru_cache(maxsize=2)
def _converter(unsafe_html: bool = True) -> tuple[markdown.Markdown, EmbedExtension]:
    return _build_converter(unsafe_html)


def render_markdown_checked(text: str, unsafe_html: bool = True) -> tuple[str, tuple[EmbedProblem, ...]]:
    """Convert one article body and say what was wrong in it (e.g. an unreadable video embed).

    The converter is built once per process and reset between uses. ``unsafe_html=False`` shows raw
    HTML as text. Raises :class:`MarkupTooDeep` for absurd nesting."""
    line = nesting_depth_problem(text)
    if line is not None:
        raise MarkupTooDeep(line)
    converter, embeds = _converter(unsafe_html)
    try:
        html_text = converter.reset().convert(text)
        return html_text, tuple(embeds.problems)
    except RecursionError:
        _converter.cache_clear()  # a converter that overflowed mid-way is not trusted again
        raise
    finally:
        converter.reset()


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
