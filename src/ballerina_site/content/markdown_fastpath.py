"""Python-Markdown, made faster by skipping work that cannot change the result; the output is the same
byte for byte (tests/test_markdown_fastpath.py compares it with the stock converter).

Both speed-ups rest on the same fact: most tries Markdown makes are of a regex on a text that lacks a
character the regex needs, and a ``str.find`` in C says so far sooner than the regex search does. Each
relies on code read in markdown 3.11; what it relies on is checked on the installed Markdown, and a
processor or loop that differs (another release, another extension) is left exactly as it is.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import re
import textwrap
from functools import lru_cache
from typing import Any, Callable

import markdown
from markdown import blockprocessors, htmlparser, inlinepatterns, preprocessors, treeprocessors, util
from markdown.extensions import Extension, abbr, attr_list, def_list, fenced_code, footnotes, md_in_html, tables, toc

# Inline patterns
# ---------------
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


def _first(need: str | Need | None) -> str | None:
    """The substring every match needs first, when the need has one sequence: the loop looks for it
    inline (most texts lack a ``<`` or a ``&``) before calling :func:`_may_match` for the rest."""
    if isinstance(need, str):
        return need
    return need[0][0] if need is not None and len(need) == 1 else None


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

    _plan: list[tuple[object, str | Need | None, str | None]]  # set by run(), for the document it converts

    def run(self, tree, ancestors=None):  # type: ignore[no-untyped-def]
        self._plan = []
        for pattern in self.inlinePatterns:
            need = _need(pattern)
            self._plan.append((pattern, need, _first(need)))
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if not isinstance(data, util.AtomicString):
            startIndex = 0  # noqa: N806 - the stock names, to compare line by line
            plan = self._plan
            count = len(plan)
            apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
            while patternIndex < count:
                pattern, need, first = plan[patternIndex]
                if need is not None and ((first is not None and data.find(first, startIndex) < 0)
                                         or (type(need) is not str and not _may_match(data, startIndex, need))):
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


# Block processors
# ----------------
# For every block, the block parser asks each processor in turn whether it takes the block: its
# ``test``, often a regex search over the whole block (a header needs a ``#``, a quote a ``>``), and for
# footnote, abbreviation and link definitions a ``run`` that searches, finds nothing, puts the block
# back and returns False. A paragraph of prose goes through all of them. Each entry below names a
# stock processor, the attribute holding the regex its test or run uses, the methods read, a digest of
# what was read in markdown 3.11 (those methods and the regex with its flags), and strings of which the
# block must hold one for that regex to match; without any of them the test is answered False, as the
# stock test (or test, then run) answers. Another release that changes any of it gets no skip.
_BLOCK_NEEDS: dict[type, tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...]]] = {
    blockprocessors.HashHeaderProcessor: (("RE",), ("test",), "0339e9727218ca08", ("#",)),
    # matched at the start: a first line, then a line of = or -
    blockprocessors.SetextHeaderProcessor: (("RE",), ("test",), "bdc8bf1e3d91f5b0", ("\n=", "\n-")),
    # three -, _ or * in a row, with up to two spaces after each
    blockprocessors.HRProcessor: (("SEARCH_RE",), ("test",), "e2695318c698c66a",
                                  ("--", "- -", "-  -", "__", "_ _", "_  _", "**", "* *", "*  *")),
    # the header row must split into cells, or be bordered: either takes a pipe
    tables.TableProcessor: (("RE_END_BORDER", "RE_CODE_PIPES"), ("test", "_split_row", "_split"),
                            "db36c661df5f1456", ("|",)),
    def_list.DefListProcessor: (("RE",), ("test",), "7d732648917dfeec", (": ",)),  # ":" then 1-3 spaces
    blockprocessors.BlockQuoteProcessor: (("RE",), ("test",), "c1e56d398cb3258a", (">",)),
    footnotes.FootnoteBlockProcessor: (("RE",), ("run",), "19d93aec7aa462a8", ("[^",)),  # [^label]:
    abbr.AbbrBlockprocessor: (("RE",), ("run",), "147cb5c6375522b5", ("*[",)),  # *[ABBR]: title
    blockprocessors.ReferenceProcessor: (("RE",), ("run",), "44b9e852fbde5850", ("]:",)),  # [label]: url
}


def _digest(kind: type, attributes: tuple[str, ...], methods: tuple[str, ...]) -> str:
    hasher = hashlib.blake2b(digest_size=8)
    for name in attributes:
        regex = getattr(kind, name)
        hasher.update(f"{regex.pattern!r} {regex.flags};".encode())
    for read in (*(getattr(kind, name) for name in methods), *_ALSO_READ.get(kind, ())):
        source = textwrap.dedent(inspect.getsource(read))
        hasher.update(ast.dump(ast.parse(source)).encode())
    return hasher.hexdigest()


# Whole stages
# ------------
# Four stages leave a document alone unless its source holds a character of theirs: fenced code
# needs ``` or ~~~, attribute lists a "{" (every regex of theirs starts with one), the unescape
# step an escape, which only the backslash pattern makes (STX, digits, ETX: Markdown's placeholders
# hold letters, and STX and ETX are stripped from the source), and the raw HTML step a "<" (tags,
# comments, declarations) or a "&" (entities): without them its parser meets only text, which HTMLParser
# hands to ``handle_data`` and the extractor keeps in ``cleandoc`` as it is (the extractor classes are
# read too). The steps before them only remove or replace characters (control characters, CR, tabs,
# fenced code set aside), so a character missing from the source is missing there too. A first
# preprocessor notes which of these characters the source holds; each stage runs only when one of its
# own is there, and otherwise returns what the stock one returns for "nothing found": the lines joined
# and split again, or nothing.
_STAGE_NEEDS: dict[type, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    fenced_code.FencedBlockPreprocessor: (("FENCED_BLOCK_RE",), ("run",), "64e3083ca2700f82", "`~"),
    md_in_html.HtmlBlockPreprocessor: ((), ("run",), "03e8ac88e6e377ba", "<&"),
    attr_list.AttrListTreeprocessor: (("HEADER_RE", "BLOCK_RE", "INLINE_RE"), ("run",), "e5b62dd5d5a2c7df", "{"),
    treeprocessors.UnescapeTreeprocessor: (("RE",), ("run", "unescape"), "b8f24bf22dd2b0fe", "\\"),
}
_ALSO_READ: dict[type, tuple[type, ...]] = {  # what a stage's methods hand their work to, read whole
    md_in_html.HtmlBlockPreprocessor: (md_in_html.HTMLExtractorExtra, htmlparser.HTMLExtractor),
}
_WATCHED = "".join(sorted({character for *_, characters in _STAGE_NEEDS.values() for character in characters}))


# The table of contents
# ---------------------
# The toc step gives headings their ids, then walks the whole tree, joining the text of every element,
# for a paragraph that is just the marker (``[TOC]``) to put the table in its place. A paragraph's text
# is its source's with placeholders (letters, digits, STX, ETX) for what was set aside (escapes,
# entities, raw HTML), so it can be the marker only if the source, STX and ETX dropped as the first
# step drops them, holds the marker; without it the walk is skipped. Ids and the table are made as ever.
_MARKER_READ: dict[type, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    toc.TocTreeprocessor: ((), ("run", "replace_marker", "iterparent"), "480bb3e3f9666273", ""),
}


class _SourceCharacters(preprocessors.Preprocessor):
    """Notes which watched characters (and markers) the document's source holds, before anything else runs."""

    markers: tuple[str, ...] = ()
    present: frozenset[str] = frozenset(_WATCHED)  # until the first document: as if all were there

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        present = {character for character in _WATCHED if character in text}
        if self.markers:
            if util.STX in text or util.ETX in text:  # the first stock step drops them
                text = text.replace(util.STX, "").replace(util.ETX, "")
            present.update(marker for marker in self.markers if marker in text)
        self.present = frozenset(present)
        return lines


def stage_need(processor: object) -> str | None:
    """The characters one of which the source must hold for this stage to do anything; None: always run."""
    return _need_of(processor, _STAGE_NEEDS)


def _rejoined(lines: list[str]) -> list[str]:
    """A preprocessor's result when it found nothing: the stock ones join the lines and split them again."""
    return "\n".join(lines).split("\n")


def _skip_stages(md: markdown.Markdown) -> None:
    source = _SourceCharacters(md)

    def when_present(run: Callable[[Any], Any], need: str, nothing: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda value: run(value) if not source.present.isdisjoint(need) else nothing(value)

    wrapped = False
    for registry, nothing in ((md.preprocessors, _rejoined), (md.treeprocessors, lambda root: None)):
        for processor in registry:
            need = stage_need(processor)
            if need is not None:
                processor.run = when_present(processor.run, need, nothing)  # type: ignore[method-assign]
                wrapped = True
    wrapped = _skip_marker_walk(md, source) or wrapped
    if wrapped:
        md.preprocessors.register(source, "fastpath_source_characters", 1000)  # before every other step


def _skip_marker_walk(md: markdown.Markdown, source: _SourceCharacters) -> bool:
    """The toc step looks for its marker only in a document whose source holds it."""
    processor = md.treeprocessors["toc"] if "toc" in md.treeprocessors else None
    if type(processor) is not toc.TocTreeprocessor or not _as_read(toc.TocTreeprocessor) or not processor.marker:
        return False
    marker = processor.marker
    replace = processor.replace_marker
    processor.replace_marker = (  # type: ignore[method-assign]
        lambda root, element: replace(root, element) if marker in source.present else None)
    source.markers += (marker,)
    source.present |= {marker}
    return True


@lru_cache(maxsize=None)
def _as_read(kind: type) -> bool:
    """Whether the installed class is the one read (cached: one look per class)."""
    attributes, methods, digest, _ = _BLOCK_NEEDS.get(kind) or _STAGE_NEEDS.get(kind) or _MARKER_READ[kind]
    try:
        return _digest(kind, attributes, methods) == digest
    except (AttributeError, OSError, TypeError, SyntaxError):
        return False


def _need_of(processor: object, table: dict[type, Any]) -> Any:
    """The table's need for this processor when its class is one read there, unchanged, and it uses its
    class's regexes; else None (always run)."""
    kind = type(processor)
    entry = table.get(kind)
    if entry is None or not _as_read(kind):
        return None
    if any(getattr(processor, name, None) is not getattr(kind, name) for name in entry[0]):
        return None  # an instance with its own regex: not the one read
    return entry[3]


def block_need(processor: object) -> tuple[str, ...] | None:
    """The strings one of which a block must hold for this processor to take it; None: always asked."""
    return _need_of(processor, _BLOCK_NEEDS)


def _skipping(test: Callable[[Any, str], bool], need: tuple[str, ...]) -> Callable[[Any, str], bool]:
    if len(need) == 1:
        part = need[0]
        return lambda parent, block: part in block and test(parent, block)

    def skipping(parent: Any, block: str) -> bool:
        for part in need:
            if part in block:
                return test(parent, block)
        return False

    return skipping


def _skip_block_tests(md: markdown.Markdown) -> None:
    for processor in md.parser.blockprocessors:
        need = block_need(processor)
        if need is not None:
            processor.test = _skipping(processor.test, need)  # type: ignore[method-assign]


class FastPaths(Extension):
    """The speed-ups: the skipping ``inline`` treeprocessor in place of the stock one (same name, same
    priority) when the installed loop is the one copied, block tests that answer False at once, and
    stages that do not run on a source without their characters."""

    md: markdown.Markdown
    _wrapped = False

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        if _fast_inline_supported() and type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor:
            md.treeprocessors.register(_SkippingInlineProcessor(md), "inline", 20)
        md.registerExtension(self)
        self.md = md

    def reset(self) -> None:
        """Other extensions add block processors in their own ``extendMarkdown``, after or before this
        one: the tests are wrapped at the first reset, once every extension is in (the converter is
        reset before each use)."""
        if not self._wrapped:
            self._wrapped = True
            _skip_block_tests(self.md)
            _skip_stages(self.md)
