"""The converters chosen by the syntax a source holds give the stock converter's HTML, byte for byte:
compared on generated Markdown, on every string in this test suite, the repo's content and benchmark
articles. Also: the fast word count is the regex count."""

from __future__ import annotations

import ast
import re
import sys
from functools import lru_cache

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO

from ballerina_site.content import markup
from ballerina_site.content.converters import NEEDS, unused_steps
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
# Sources where a step's mark is made only once Markdown has tidied the source, or where one step
# changes what a later one sees.
EDGES = [
    "``\x02`\nx\n``\x03`\n", "a [\x02^1]\n\n[\x02^1]: note\n", "*\x02[HTML]: Hyper\n\nHTML", "[r]\n\n[r]\x02: /u\n",
    "Term\n:\tDefinition\n", "Term\n:\x02 Definition\n", "a  ", "a \t\nb", "a\t\nb", "a  \r\nb", "a \rb",
    "# A\n\n[TOC]\n\n## B\n", "# A\n\n[TO\x02C]\n", "# A\n\n*[TOC]*\n", "# A\n\nNo marker here.\n",
    "\\[TOC\\]", "&#91;TOC]", "a &#65 b", "AT&T", "a\n\n<div>\n*b*\n</div>\n", "<https://x.example/HTML>\n\n*[HTML]: H\n",
    "\\*HTML\\* <b>HTML</b>\n\n*[HTML]: Hyper\n", "x[^1] HTML\n\n[^1]: HTML & *y*\n\n*[HTML]: Hyper\n",
    "| a |\n|---|\n| b |\n", "> - a\n> - b\n", "- > q\n", "a\n===\n", "a\n---\n", "***\n", "1. a\n\n    > b\n",
    "`code` and ~~~\n", "~~~\ncode\n~~~\n", "# H {: #id }\n", "a {: .c}\n", "!youtube[T](0FSwsrFpkbw)\n",
    "![a](/i.png \"Cap *it*\")\n", "[x](javascript:alert(1)) <script>x</script>\n",
]


@lru_cache(maxsize=None)
def stock(unsafe_html: bool) -> markdown.Markdown:
    """A converter with every step, as Python-Markdown ships them with the site's extensions."""
    return markup.build_converter(unsafe_html)[0]


CONVERTERS = markup.Converters()


def convert_stock(text: str, unsafe_html: bool) -> str:
    try:
        return stock(unsafe_html).reset().convert(text)
    except RecursionError:
        return "<RecursionError>"


def convert_chosen(text: str, unsafe_html: bool) -> str:
    try:
        return CONVERTERS.convert(text, unsafe_html)[0]
    except RecursionError:
        return "<RecursionError>"


def assert_same(text: str) -> None:
    if markup.nesting_depth_problem(text) is not None:
        return  # refused before any converter runs
    for unsafe_html in (True, False):
        assert convert_chosen(text, unsafe_html) == convert_stock(text, unsafe_html), (unsafe_html, text)


def test_every_step_named_is_one_of_the_stock_converter() -> None:
    """Else a Markdown release renamed a step: it is then never left out (slower, still correct)."""
    converter = stock(True)
    for registry_name, steps in NEEDS.items():
        registry = converter.parser.blockprocessors if registry_name == "blockprocessors" else getattr(
            converter, registry_name)
        missing = [step for step in steps if step not in registry]
        assert missing == [], registry_name


def test_prose_gets_a_converter_without_the_steps_it_cannot_use() -> None:
    text = "Plain *news* with a [link](/x/).\n\n- one\n- two\n"
    converter, _ = markup.Converters().pools[True].get(text)
    assert "table" not in converter.parser.blockprocessors and "paragraph" in converter.parser.blockprocessors
    assert [pattern for pattern in ("backtick", "html", "entity", "link", "em_strong")
            if pattern in converter.inlinePatterns] == ["link", "em_strong"]
    assert ("toc", "marker") in unused_steps(text) and ("toc", "marker") not in unused_steps("[TOC]")


@pytest.mark.parametrize("text", EDGES)
def test_edge_cases_convert_to_the_same_bytes(text: str) -> None:
    assert_same(text)


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
    texts += [article_text(index, seed)[1] for seed in (1, 2) for index in range(150)]
    assert len(texts) > 300
    for text in texts:
        split = split_front_matter(text)
        assert_same(getattr(split, "body", text))
        assert_same(text)


def test_the_converter_gives_what_python_markdowns_named_extensions_give() -> None:
    """The converter is made from the extension classes (a name makes Markdown scan every installed
    package); it must convert as "extra", "sane_lists" and "toc" named, the embeds added."""
    from ballerina_site.content.embeds import EmbedExtension

    named = markdown.Markdown(extensions=["extra", "sane_lists", "toc", EmbedExtension()],
                              extension_configs=markup.EXTENSION_CONFIGS, output_format="html")
    texts = [*EDGES, *_strings_in_tests(), *(path.read_text(encoding="utf-8")
                                             for path in sorted((REPO / "content").rglob("*.md")))]
    texts += [article_text(index, 3)[1] for index in range(100)]
    assert len(texts) > 1000
    for text in texts:
        if markup.nesting_depth_problem(text) is None:
            assert stock(True).reset().convert(text) == named.reset().convert(text), text


# --- the word count ----------------------------------------------------------------------------------

WORD = re.compile(r"\w++(?:['’]\w++)*+")
TAG = re.compile(r"<[^>]+>")
BLOCK_TAG = re.compile(r"</?(?:p|div|li|ul|ol|h[1-6]|br|hr|tr|td|th|blockquote|pre|figure|figcaption|dd|dt)\b[^>]*>",
                       re.I)


def slow_count_words(body_html: str) -> int:
    """The count as the regex over the whole plain text gives it."""
    import html

    return len(WORD.findall(html.unescape(TAG.sub("", BLOCK_TAG.sub(" ", body_html)))))


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
    body_html = convert_stock(text, True)
    assert markup.count_words(body_html) == slow_count_words(body_html)


@pytest.mark.parametrize("text", ["", "   ", "a", "rock'n'roll it’s", "a_b c__d", "x'", "'x", "a''b",
                                  "<p>one</p><p>two</p>", "Joon-ho: $812.9, 3½ ²", "é\u00a0e\u3000f"])
def test_the_word_count_on_edge_cases(text: str) -> None:
    assert markup.count_words(text) == slow_count_words(text)
