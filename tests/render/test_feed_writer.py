"""Feeds' XML and HTML, for any input: the XML writer writes what ElementTree wrote after
``ET.indent``, ``xml_text`` keeps exactly the characters XML 1.0 allows, and ``absolute_html`` gives
the same bytes for Markdown's plain HTML as for HTML only a parser can read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Union

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballerina_site.render.feeds import absolute_html, attributes, branch, leaf, xml_document, xml_text

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the XML writer against ElementTree --------------------------------------------------------------
Tree = tuple[str, Union[str, None], dict[str, str], list["Tree"]]  # tag, text, attributes, children

awkward_text = st.text(st.sampled_from(list("aZ <>&\"'\r\n\t\x00\x01\x0b\x1f\ufffe\ud800é東 ;#")), max_size=12)
tags = st.sampled_from(["entry", "title", "news:title", "link", "dc:creator", "url"])
names = st.sampled_from(["href", "type", "rel", "term", "isPermaLink"])
leaves = st.tuples(tags, st.none() | awkward_text, st.dictionaries(names, awkward_text, max_size=3), st.just([]))
trees = st.recursive(leaves, lambda inner: st.tuples(tags, st.none(), st.dictionaries(names, awkward_text, max_size=2),
                                                     st.lists(inner, max_size=4)), max_leaves=12)


def with_etree(root_attrs: dict[str, str], children: list[Tree]) -> bytes:
    """What feeds.py did before it had its own writer."""
    def add(parent: ET.Element, tree: Tree) -> None:
        tag, text, attrs, kids = tree
        element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            element.text = xml_text(text)
        for kid in kids:
            add(element, kid)

    root = ET.Element("feed", root_attrs)
    for child in children:
        add(root, child)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def with_writer(root_attrs: dict[str, str], children: list[Tree]) -> bytes:
    def write(tree: Tree, level: int) -> str:
        tag, text, attrs, kids = tree
        if kids:
            return branch(tag, [write(kid, level + 1) for kid in kids], level, attributes(attrs))
        return leaf(tag, text, **attrs)

    return xml_document(branch("feed", [write(child, 1) for child in children], 0,
                               attributes(root_attrs, clean=False)))


@FAST
@given(st.lists(trees, max_size=5), st.sampled_from(["en", "fr-CA", 'a"b&c<d>\te\n', "x\ud800\x01y"]))
def test_the_xml_writer_writes_what_elementtree_wrote(children: list[Tree], language: str) -> None:
    root_attrs = {"xmlns": "http://www.w3.org/2005/Atom", "xml:lang": language}
    assert with_writer(root_attrs, children) == with_etree(root_attrs, children)


def is_xml_char(character: str) -> bool:
    """XML 1.0's ``Char`` production: what a document may hold."""
    code = ord(character)
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def test_xml_text_keeps_exactly_the_characters_xml_allows() -> None:
    for code in range(0x110000):
        character = chr(code)
        assert xml_text(character) == (character if is_xml_char(character) else ""), hex(code)
    assert xml_text("a\x00b\ud800c\ufffed\te") == "abcd\te"


# --- absolute_html: plain HTML and HTML only a parser can read --------------------------------------
# A fragment that starts with a comment is never plain: it is read by the parser, which re-emits the
# comment as it was. So ``absolute_html(COMMENT + x)`` is the parser's reading of ``x``, whatever way
# ``absolute_html(x)`` took.
COMMENT = "<!---->"
BASE = "https://news.example/sub/2025/06/01/story/"


def by_the_parser(fragment: str) -> str:
    made = absolute_html(COMMENT + fragment, BASE)
    assert made.startswith(COMMENT)
    return made[len(COMMENT):]


plain = st.sampled_from([  # HTML as Markdown writes it
    "text ", "x > y ", "&amp;", "&copy;", "&#169;", "&#xA9;", "&#X41;", "&a-b.c;", "\n", "é東", "<p>", "</p>",
    "<br>", "<br/>", "<br />", "<hr  />", '<h2 id="x">', '<a href="../other/">', '<a href="#frag">',
    '<a href="/abs/" title="T &amp; &quot;q&quot; &#39;">', '<a href="https://x.example/?a=1&amp;b=2">',
    '<a href="">', '<a href=" spaced ">', "</a>", "<a name>", '<a\thref="tab"\n>', '<a data-x="1" href="y" data-z>',
    '<img src="i.png" alt="">', '<img src="i.png" srcset="a.png 1x, b.png 2x,  /c.png" />',
    '<img srcset=",, x.png  2x ,">', '<video poster="p.jpg" src=" v.mp4 " controls>', "</video>",
    '<input disabled value="a">', '<div data-embed-src="https://www.youtube.com/embed/x" cite="c">',
    '<blockquote cite="q.html">', '<a href="a&lt;b&gt;c">', '<a href="x" href="y">', '<form action="/f">',
])
odd = st.sampled_from([  # everything else: the parser's business
    "AT&T ", "a < b ", "&copy ", "&#12a;", "&;", "&#;", "</P>", "</p >", '<a HREF="up">', "<A href='single'>",
    "<a href=bare>", '<a href = "spaced">', '<a title="x>y" href="z">', "<!-- c -->", "<!-- a -- >",
    "<!DOCTYPE html>", "<?pi?>", "<![CDATA[x]]>", '<script>var a = "<a href=\'x\'>";</script>',
    "<style>a{}</style>", '<script><a href="x"></a></script>', '<style><img src="s.png"></style>',
    '<textarea><a href="t"></textarea>', '<iframe src="f.html"></iframe>',
    "<title>t</title>", '<a href="x"\x0b>', "<ab:c>", "<", "&", "</", "<a", '<a href="',
    '<a href="?a=1&b=2">', '<a title="x & y" href="z">',
])


def mixed(parts: list[str], extra: list[str], at: int) -> str:
    return "".join(parts[:at] + extra + parts[at:])


fragments = st.builds(mixed, st.lists(plain, max_size=16), st.lists(odd, max_size=1), st.integers(0, 16))


@FAST
@given(fragments)
def test_plain_html_is_made_absolute_as_the_parser_does_it(fragment: str) -> None:
    assert absolute_html(fragment, BASE) == by_the_parser(fragment)


def test_markdown_output_is_made_absolute() -> None:
    body = ('<p>Read <a href="../other/">this</a> &amp; <em>that</em>.</p>\n'
            '<p><img alt="A &quot;still&quot;" src="/img/still.jpg" /></p>\n<pre><code>a &lt; b\n</code></pre>')
    made = absolute_html(body, BASE)
    assert made == by_the_parser(body)
    assert 'href="https://news.example/sub/2025/06/01/other/"' in made
    assert 'src="https://news.example/img/still.jpg"' in made
    assert made.replace('https://news.example/sub/2025/06/01/other/', '../other/').replace(
        'https://news.example/img/still.jpg', '/img/still.jpg') == body
