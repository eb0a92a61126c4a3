"""Fragments of article HTML with every link and source URL made absolute, for feed readers, which
show entries away from the site where a relative link would point nowhere.

Markdown writes plain HTML, which a few regular expressions rewrite exactly as the HTML parser
would (:func:`absolute_plain`); anything else goes through the parser (:func:`absolute_parsed`).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..site.urls import Urls

URL_ATTRS = frozenset({"href", "src", "poster", "cite", "action", "data", "longdesc", "background"})


def _has_urls(attrs: list[tuple[str, str | None]]) -> bool:
    return any(name in URL_ATTRS or name == "srcset" for name, _ in attrs)


def _absolute_tag(tag: str, attrs: list[tuple[str, str | None]], closed: bool, base: str) -> str:
    """A start tag written anew from its parsed attributes, its URLs resolved against ``base``."""
    parts = [tag]
    for name, value in attrs:
        if value is None:
            parts.append(name)
            continue
        if name in URL_ATTRS:
            value = Urls.resolve(base, value.strip())
        elif name == "srcset":
            value = ", ".join(_srcset_item(item, base) for item in value.split(",") if item.strip())
        parts.append(f'{name}="{html.escape(value, quote=True)}"')
    return "<" + " ".join(parts) + (" />" if closed else ">")


def _srcset_item(item: str, base: str) -> str:
    url, _, descriptor = item.strip().partition(" ")
    return (Urls.resolve(base, url) + (" " + descriptor.strip() if descriptor.strip() else ""))


class _Absolutizer(HTMLParser):
    """Re-emit an HTML fragment unchanged except that every link and source URL is absolute."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=False)
        self.base = base
        self.out: list[str] = []

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        if not _has_urls(attrs):
            self.out.append(self.get_starttag_text() or "")
            return
        self.out.append(_absolute_tag(tag, attrs, closed, self.base))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


# The plain HTML Markdown writes, which HTMLParser re-emits byte for byte but for the URLs: lower-case
# tags, double-quoted attribute values, references that end in ``;``. A fragment with anything else
# (comments, unquoted values, a bare ``&`` or ``<``, elements whose content is raw text) goes to the
# parser. In a plain fragment every ``<`` starts a tag and no tag holds a ``<``, so the start tags
# ``_START_TAG`` finds are exactly those the parser sees.
_WHITESPACE = "[ \t\n\r\f]"
_ATTRIBUTES = rf'(?:{_WHITESPACE}+[a-z_:][-a-z0-9_:.]*(?:="[^"<>]*")?)'
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
             "plaintext")  # HTMLParser's raw-text elements, in any Python version
_NOT_PLAIN = re.compile(
    r"&(?!(?:[a-zA-Z][-.a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);)"  # not an entity or character reference
    rf"|<(?!/[a-z][a-z0-9]*>|[a-z][a-z0-9]*{_ATTRIBUTES}*{_WHITESPACE}*/?>)"  # not an end or start tag
    rf"|<(?:{'|'.join(_RAW_TEXT)})(?![a-z0-9])")
_START_TAG = re.compile(rf"<([a-z][a-z0-9]*)({_ATTRIBUTES}+){_WHITESPACE}*(/?)>")  # with attributes
_ATTRIBUTE = re.compile(rf'{_WHITESPACE}+([a-z_:][-a-z0-9_:.]*)(?:="([^"<>]*)")?')


def absolute_plain(fragment: str, base: str) -> str | None:
    """:func:`absolute_html` without the parser for a fragment of plain HTML; None for any other."""
    if _NOT_PLAIN.search(fragment):
        return None

    def tag(found: re.Match[str]) -> str:
        attrs = [(attribute[1], attribute[2] and html.unescape(attribute[2]))  # as HTMLParser unescapes
                 for attribute in _ATTRIBUTE.finditer(found[2])]
        return _absolute_tag(found[1], attrs, found[3] == "/", base) if _has_urls(attrs) else found[0]

    return _START_TAG.sub(tag, fragment)


def absolute_html(fragment: str, base: str) -> str:
    """Feed readers show entries away from the site: relative links would point nowhere."""
    plain = absolute_plain(fragment, base)
    return plain if plain is not None else absolute_parsed(fragment, base)


def absolute_parsed(fragment: str, base: str) -> str:
    """:func:`absolute_html` through the HTML parser, for any fragment (the slow, sure way)."""
    parser = _Absolutizer(base)
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)
