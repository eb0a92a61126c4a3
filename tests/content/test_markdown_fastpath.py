"""The fast inline loop, the block skips and the fast word count change no output byte: each is compared with the stock
way on generated Markdown, on every string in this test suite, the repo's content and benchmark articles."""

from __future__ import annotations

import ast
import re
import sys
import xml.etree.ElementTree as etree
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown import inlinepatterns, treeprocessors
from markdown.extensions import md_in_html, toc

from conftest import REPO

from ballerina_site.content import markdown_fastpath as fastpath

from ballerina_site.content import markup
from ballerina_site.content.frontmatter import split_front_matter

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import article_text  # noqa: E402

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "word", "Ballerina", "Amélie", "Östlund", "日本語", "’s", "it's", "Joon-ho", "$812.9", " ", "  ", "\t",
    "\n", "\n\n", "  \n", "   \n", "*", "**", "***", "_", "__", "___", "`", "``", "```", "\\", "\\\\",
    "\\*", "\\_", "\\`", "\\[", "\\<", "\\&", "\\\n", "[", "]", "(", ")", "!", "^", "{", "}", "<", ">",
    "&", ";", "@", ":", "//", "://", "'", '"',
    "[Ballerina](https://example.com/a_b?c=1&d=2)", '[x](/local "a *title*")', "[x](<with space> 'T')",
    "[nested [brackets]](/n)", "![alt *em*](/i.jpg)", '![Eve](/eve.jpg "Caption, *Markdown*")',
    "[x][ref]", "[ref]", "[ref][]", "![x][ref]", "![ref]", "[]", "[ref]: https://ref.example/p_q \"Ref title\"\n",
    "[Ref]: <https://ref.example/> 'T'\n", "<https://example.com/a_b*c>", "<http://x.y/?a=1&b=2>",
    "<me@example.com>", "<mailto:me_you@example.com>", "<desk@localhost>", "<b>", "</b>", "<em>", '<span class="x_y">',
    "<br/>", "<img src='/a.png'>", "<!-- note * -->", "<?php echo 1 ?>", "<![CDATA[x]]>", "<div>\n",
    "</div>\n", '<div markdown="1">\n*in*\n</div>\n', "&amp;", "&#123;", "&#x41;", "&copy;", "&nosuch;",
    "&#;", "AT&T", "- ", "* ", "+ ", "1. ", "2) ", "> ", ">> ", "    ", "# ", "## ", "### Head *it* {: .x #id}\n",
    "{: .cls }", "{ #anchor }", "| a | b |\n|---|:-:|\n| `c` | *d* |\n", "```\ncode *not em*\n```\n",
    "~~~python\nx = 1 < 2\n~~~\n", "[^1]", "[^1]: The *note*.\n", "[^n]", "[^]", "*[HTML]: Hyper Text\n",
    "HTML", "Term\n: Definition\n", "---\n", "***\n", "javascript:alert(1)", "[x](javascript:alert(1))",
    "!youtube[Trailer](0FSwsrFpkbw)\n", "!video[](x)\n", "\x02", "\x03", "klzzwxh:0001", "\u2028", "\u00a0",
    "*[AT&amp;T]: Telephone & Telegraph\n", "AT&amp;T", "*[a_b]: under\n", "a_b", "*[<x>]: angle\n", "<x>",
    "Title\n===", "Title\n---", "Title\n=  \n", "Title\n-\nmore", "- - -\n", "-  -  -", "_ _ _\n", "__ _",
    "*  *  *\n", "* * *", "-- -", "_  _  _\n", "a | b\n--- | ---\n", "| a |\n| --- |\n", "a \\| b\n--|--\n", "`a|b` | c\n-|-",
    "Term\n:   Def\n", "Term\n:\tTab\n", "[^note]: Text\n    more\n", "*[HTML]:Hyper\n", "[id]:\n  /url\n",
    "    [x]: /y\n", "> > quote\n", "   > indented\n", "#no space\n", "####### seven\n", "\\# escaped\n",
    "[TOC]", "\n[TOC]\n", "[TO\x02C]", "\\[TOC\\]", "[TOC] {: .x}",
]
SPECIALS = "*_`\\[]()!^<>&;#:/@{}.'\"|-+=~ \n\taé’"
TEMPLATES = ["{}", "word {} word", "a{}b\nc", "*{}*", "__{}__", "`{}`", "[{}](/u)", "[x]({} 'T')", "![{}](/i.png)",
             "<{}>", "&{};", "# {}", "- {}\n- b", "1. {}\n\n    2. {}", "> {}\n> {}", "| {} | b |\n|---|---|\n| c | {} |",
             "{}\n\n*[HTML]: Hyper {}\n\nHTML {} HTML", "{}[^1]\n\n[^1]: {}", "[r]\n\n[r]: /{}", "Term {}\n: {}\n",
             "{}\n\n[ref]: /defined 'T'\n[x]: /x", "AT&amp;T {}\n\n*[AT&amp;T]: Telco"]

inline = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=SPECIALS, max_size=6), st.text(max_size=4)),
                  max_size=12).map("".join)
line = st.builds("".join, st.tuples(st.sampled_from(["", "", "- ", "* ", "1. ", "> ", "    ", "# ", "| ", ": ", "  "]),
                                    inline, st.sampled_from(["", "", "", "  ", "   ", " {: .x}", "\\", "|"])))
lines = st.lists(st.tuples(line, st.sampled_from(["\n", "\n", "\n\n"])), max_size=8).map(
    lambda parts: "".join(text + end for text, end in parts))
markdown_text = st.one_of(lines, st.lists(inline, max_size=4).map("".join))


@lru_cache(maxsize=None)
def converters(unsafe_html: bool):  # type: ignore[no-untyped-def]
    """The site's converter (fast inline loop) and a stock one with identical extensions."""
    fast = markup._build_converter(unsafe_html)[0]
    stock = markup._build_converter(unsafe_html, fast=False)[0]
    assert type(stock.treeprocessors["inline"]) is treeprocessors.InlineProcessor
    return fast, stock


def convert(converter, text: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return converter.reset().convert(text)
    except RecursionError:
        return "<RecursionError>"


def assert_same(text: str) -> None:
    for unsafe_html in (True, False):
        fast, stock = converters(unsafe_html)
        assert convert(fast, text) == convert(stock, text), (unsafe_html, text)


def names(registry) -> list[str]:  # type: ignore[no-untyped-def]
    """A Markdown registry's names in the order it runs them."""
    return sorted(registry._data, key=registry.get_index_for_name)


def test_the_fast_inline_loop_is_in_use() -> None:
    """Else the speed-up silently went away: a Markdown release changed the copied loop or its regexes."""
    assert fastpath._fast_inline_supported(), "Python-Markdown's InlineProcessor loop changed: re-read it"
    for unsafe_html in (True, False):
        fast, stock = converters(unsafe_html)
        assert type(fast.treeprocessors["inline"]) is fastpath._SkippingInlineProcessor
        assert names(fast.treeprocessors) == names(stock.treeprocessors)  # same place in the order
        untried = [type(p).__name__ for p in fast.inlinePatterns if fastpath._need(p) is None]
        assert untried == [], f"no trigger for {untried}: their regexes changed, check them"


@SETTINGS
@given(markdown_text)
def test_generated_markdown_converts_to_the_same_bytes(text: str) -> None:
    assert_same(text)


def test_every_fragment_in_every_template_converts_to_the_same_bytes() -> None:
    for fragment in FRAGMENTS:
        for template in TEMPLATES:
            assert_same(template.replace("{}", fragment))


def _strings_in_tests() -> list[str]:
    found = set()
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return sorted(found)


def test_every_string_in_the_tests_converts_to_the_same_bytes() -> None:
    strings = _strings_in_tests()
    assert len(strings) > 1000
    for text in strings:
        assert_same(text)


def test_the_repo_content_and_benchmark_articles_convert_to_the_same_bytes() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "content").rglob("*.md"))]
    texts += [article_text(index, seed)[1] for seed in (1, 2) for index in range(60)]
    assert len(texts) > 100
    for text in texts:
        split = split_front_matter(text)
        assert_same(getattr(split, "body", text))
        assert_same(text)


def test_an_unknown_or_changed_pattern_is_always_tried() -> None:
    """Only regexes read in Markdown's source, with its flags and its getCompiledRegExp, get a trigger."""
    assert fastpath._need(inlinepatterns.InlineProcessor(inlinepatterns.LINK_RE)) == "["
    assert fastpath._need(inlinepatterns.InlineProcessor(r"\[")) is None  # not a regex read there
    other_flags = inlinepatterns.InlineProcessor(inlinepatterns.LINK_RE)
    other_flags.compiled_re = re.compile(inlinepatterns.LINK_RE, re.IGNORECASE)
    assert fastpath._need(other_flags) is None

    class OwnRegex(inlinepatterns.InlineProcessor):
        def getCompiledRegExp(self) -> re.Pattern[str]:  # noqa: N802
            return re.compile("x")

    assert fastpath._need(OwnRegex(inlinepatterns.LINK_RE)) is None

    class Wiki(inlinepatterns.InlineProcessor):  # another extension's pattern: tried on every text
        def handleMatch(self, m, data):  # type: ignore[no-untyped-def]
            element = etree.Element("b")
            element.text = m.group(1)
            return element, m.start(0), m.end(0)

    fast, stock = markup._build_converter(True)[0], markup._build_converter(True, fast=False)[0]
    for converter in (fast, stock):
        converter.inlinePatterns.register(Wiki(r"%%(\w+)%%"), "wiki", 85)
    text = "a %%b%% *c* [d](/e) %%f%%"
    assert convert(fast, text) == convert(stock, text) == \
        '<p>a <b>b</b> <em>c</em> <a href="/e">d</a> <b>f</b></p>'


def test_a_changed_markdown_loop_falls_back_to_the_stock_processor(monkeypatch) -> None:
    def changed(self, data, patternIndex=0):  # type: ignore[no-untyped-def]  # noqa: N803
        return data

    monkeypatch.setattr(treeprocessors.InlineProcessor, "_InlineProcessor__handleInline", changed)
    fastpath._fast_inline_supported.cache_clear()
    try:
        assert not fastpath._fast_inline_supported()
        converter = markup._build_converter(True)[0]
        assert type(converter.treeprocessors["inline"]) is treeprocessors.InlineProcessor
    finally:
        monkeypatch.undo()
        fastpath._fast_inline_supported.cache_clear()
    assert fastpath._fast_inline_supported()


def slow_count_words(body_html: str) -> int:
    return len(markup._WORD.findall(markup._without_tags(body_html)))


def test_no_whitespace_is_part_of_a_word_and_isalnum_is_word_characters() -> None:
    """What the fast word count relies on, for every code point."""
    word = re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isspace():
            assert not word.match(char) and char not in "'’", hex(code)
        if char.isalnum():
            assert word.match(char), hex(code)


@SETTINGS
@given(st.one_of(markdown_text, st.text(), st.text(alphabet="ab_1'’ \n\t.,<>/p&;é\u00a0\u3000", max_size=60)))
def test_the_word_count_is_the_regex_count(text: str) -> None:
    assert markup.count_words(text) == slow_count_words(text)
    body_html = convert(converters(True)[0], text)
    assert markup.count_words(body_html) == slow_count_words(body_html)


@pytest.mark.parametrize("text", ["", "   ", "a", "rock'n'roll it’s", "a_b c__d", "x'", "'x", "a''b",
                                  "<p>one</p><p>two</p>", "Joon-ho: $812.9, 3½ ²", "é\u00a0e\u3000f"])
def test_the_word_count_on_edge_cases(text: str) -> None:
    assert markup.count_words(text) == slow_count_words(text)


def test_the_block_skips_are_in_use() -> None:
    """Else the speed-up silently went away: a Markdown release changed a processor that was read."""
    for kind in fastpath._BLOCK_NEEDS:
        assert fastpath._as_read(kind), f"{kind.__name__} changed in this Markdown release: re-read it"
    for unsafe_html in (True, False):
        fast, stock = converters(unsafe_html)
        fast.reset()
        wrapped = {type(p) for p in fast.parser.blockprocessors if "test" in vars(p)}
        assert wrapped == set(fastpath._BLOCK_NEEDS)
        assert not any("test" in vars(p) for p in stock.parser.blockprocessors)
        assert names(fast.parser.blockprocessors) == names(stock.parser.blockprocessors)


def test_a_block_processor_not_as_read_is_always_asked(monkeypatch) -> None:
    from markdown import blockprocessors

    parser = markup._build_converter(True, fast=False)[0].parser
    assert fastpath.block_need(blockprocessors.HashHeaderProcessor(parser)) == ("#",)

    class Subclass(blockprocessors.HashHeaderProcessor):
        pass

    assert fastpath.block_need(Subclass(parser)) is None  # not the class read
    own = blockprocessors.HashHeaderProcessor(parser)
    own.RE = re.compile(r"(?:^|\n)(?P<level>=)(?P<header>.*)")  # type: ignore[misc]
    assert fastpath.block_need(own) is None  # its own regex
    monkeypatch.setattr(blockprocessors.HashHeaderProcessor, "RE", re.compile(r"(?:^|\n)(?P<level>%)(?P<header>.*)"))
    fastpath._as_read.cache_clear()
    try:
        assert fastpath.block_need(blockprocessors.HashHeaderProcessor(parser)) is None  # a changed release
    finally:
        monkeypatch.undo()
        fastpath._as_read.cache_clear()
    assert fastpath.block_need(blockprocessors.HashHeaderProcessor(parser)) == ("#",)


def test_the_stage_skips_are_in_use() -> None:
    """Fenced code, raw HTML, attribute lists and unescaping run only on a source holding one of their
    characters (raw HTML is not a stage at all when it is shown as text)."""
    for kind in fastpath._STAGE_NEEDS:
        assert fastpath._as_read(kind), f"{kind.__name__} changed in this Markdown release: re-read it"
    for unsafe_html in (True, False):
        fast, stock = converters(unsafe_html)
        wrapped = {type(p) for registry in (fast.preprocessors, fast.treeprocessors) for p in registry
                   if "run" in vars(p)}
        assert wrapped == set(fastpath._STAGE_NEEDS) - (set() if unsafe_html else {md_in_html.HtmlBlockPreprocessor})
        assert names(fast.preprocessors)[0] == "fastpath_source_characters"
        assert "fastpath_source_characters" not in names(stock.preprocessors)
    fast = converters(True)[0]
    for text, html in (("a\n\n```\nx\n```\n", "<pre><code>x\n</code></pre>"),
                       ("a\n\n~~~\nx\n~~~\n", "<pre><code>x\n</code></pre>"),
                       ("# T {: #here }\n", '<h1 id="here">T</h1>'), ("a \\*b\\*", "<p>a *b*</p>"),
                       ("``\x02`\nx\n``\x03`\n", "<pre><code>x\n</code></pre>"),  # a fence once STX is dropped
                       ("a\n\n<div>\n*b*\n</div>\n", "<div>\n*b*\n</div>"),
                       ("a &#65 b", "<p>a &#65; b</p>")):  # the raw HTML step closes a reference without "<"
        assert html in convert(fast, text), text


def test_the_table_of_contents_marker_is_looked_for_only_where_the_source_holds_it() -> None:
    assert fastpath._as_read(toc.TocTreeprocessor), "TocTreeprocessor changed in this Markdown release: re-read it"
    for unsafe_html in (True, False):
        fast, stock = converters(unsafe_html)
        assert "replace_marker" in vars(fast.treeprocessors["toc"])
        assert "replace_marker" not in vars(stock.treeprocessors["toc"])
        for text in ("# A\n\n[TOC]\n\n## B\n", "# A\n\n[TO\x02C]\n", "# A\n\n*[TOC]*\n"):
            html = convert(fast, text)
            assert '<div class="toc">' in html.split("</h1>", 1)[1], text  # the marker's paragraph replaced
            assert html == convert(stock, text)
        assert convert(fast, "# A\n\nNo marker here.\n") == '<h1 id="a">A</h1>\n<p>No marker here.</p>'
