"""The quick paths of the feeds write exactly what the slow, obviously right ones did: the XML writer
what ElementTree wrote after ``ET.indent``, and the plain-HTML path of ``absolute_html`` what the
HTMLParser-based rewrite gives, for any input."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Union

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballerina_site.render.absolute import absolute_html, absolute_parsed, absolute_plain
from ballerina_site.render.xmlwriter import NOT_XML, attributes, branch, leaf, xml_document, xml_text

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
    """What the feeds did before they had their own writer."""
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


def test_printable_text_holds_nothing_xml_text_drops() -> None:
    """xml_text skips its search for printable text: sound only while every character it drops is
    unprintable."""
    dropped = [chr(code) for code in range(0x110000) if NOT_XML.fullmatch(chr(code))]
    assert len(dropped) == 29 + 2048 + 2 and not any(character.isprintable() for character in dropped)


# --- absolute_html against the parser ----------------------------------------------------------------
BASE = "https://news.example/sub/2025/06/01/story/"

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
    assert absolute_html(fragment, BASE) == absolute_parsed(fragment, BASE)


def test_markdown_output_takes_the_plain_path() -> None:
    body = ('<p>Read <a href="../other/">this</a> &amp; <em>that</em>.</p>\n'
            '<p><img alt="A &quot;still&quot;" src="/img/still.jpg" /></p>\n<pre><code>a &lt; b\n</code></pre>')
    plain = absolute_plain(body, BASE)
    assert plain is not None and 'href="https://news.example/sub/2025/06/01/other/"' in plain
    assert 'src="https://news.example/img/still.jpg"' in plain
