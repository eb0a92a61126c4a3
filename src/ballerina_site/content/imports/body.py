"""Bodies of other generators' posts made ours: Liquid (Jekyll) and shortcodes (Hugo) that have an
equivalent become Markdown, the rest is left as written and noted for a human, each at its line.

Both run line by line, so every note names the line of the old file it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .common import Converted
from .liquid import assign, output as liquid_output

Resolve = Callable[[str, str], "str | None"]
"""(how it was named: "post_url", "link", "ref"; the name) -> our article's path (``/x.md``), or None."""

LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}")
LIQUID_OUT = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
BASE_URL = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
URL_FILTER = re.compile(r"""\{\{-?\s*(["'])([^"']*)\1\s*\|\s*(?:relative_url|absolute_url|prepend:\s*site\.baseurl)\s*-?\}\}""")
SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)(.*?)\s*[>%]\}\}")
ARGUMENT = re.compile(r"""(?:([\w-]+)=)?("[^"]*"|'[^']*'|`[^`]*`|[^\s"'`]+)""")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
MORE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.I)


@dataclass
class Body:
    """The state of one body's conversion."""

    post: Converted
    first_line: int  # the old file's line of the body's first line
    resolve: Resolve
    out: list[str]
    fence: str | None = None  # the open code fence, if any (ours or a converted highlight)
    context: dict[str, Any] = field(default_factory=dict)  # ``site``, ``page`` and assigned names, for Liquid

    def line(self, index: int) -> int:
        return self.first_line + index


def arguments(text: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's positional and named arguments, quotes removed."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for key, value in ARGUMENT.findall(text):
        value = value[1:-1] if value[:1] in "\"'`" and len(value) > 1 else value
        if key:
            named[key] = value
        else:
            positional.append(value)
    return positional, named


def link_to(state: Body, index: int, kind: str, name: str) -> str:
    fragment = ""
    if "#" in name:
        name, fragment = name.split("#", 1)
        fragment = "#" + fragment
    found = state.resolve(kind, name.strip()) if name.strip() else ""
    if found is None:
        state.post.note("human", state.line(index), f"`{kind}` to `{name}`: no imported post has that name; "
                                                    f"the link is left pointing nowhere")
        return "#" + name.strip() if not fragment else fragment
    return found + fragment


# --- Jekyll ----------------------------------------------------------------------------------

RAW = re.compile(r"\{%-?\s*(raw|endraw)\s*-?%\}")


def jekyll_body(post: Converted, body: str, first_line: int, resolve: Resolve,
                context: dict[str, Any] | None = None) -> str:
    """``context``: ``site`` (the config, with ``data``) and ``page`` (the front matter), for the
    Liquid that only shows data (:mod:`.liquid`)."""
    state = Body(post, first_line, resolve, [], context=dict(context or {}))
    commented = raw = False
    for index, line in joined_tags(body.split("\n")):
        if commented:
            if re.search(r"\{%-?\s*endcomment\s*-?%\}", line):
                commented = False
                state.out.append("-->")
            else:
                state.out.append(line.replace("--", "- -"))
            continue
        tag = LIQUID_TAG.fullmatch(line.strip()) if not raw else None
        if tag and tag.group(1) == "highlight":
            language = tag.group(2).split()[0] if tag.group(2).split() else ""
            state.out.append(f"```{language}")
            state.fence = "```"
            post.note("adjusted", state.line(index), f"`{{% highlight {language} %}}` made a fenced code block")
        elif tag and tag.group(1) == "endhighlight":
            state.out.append("```")
            state.fence = None
        elif tag and tag.group(1) == "comment":
            state.out.append("<!--")
            commented = True
            post.note("adjusted", state.line(index), "`{% comment %}` made an HTML comment")
        else:
            if FENCE.match(line) and not raw:
                state.fence = None if state.fence else FENCE.match(line).group(1)  # type: ignore[union-attr]
            line, raw = jekyll_line(state, index, line, raw)
            state.out.append(line)
    return "\n".join(state.out)


def joined_tags(lines: list[str]) -> list[tuple[int, str]]:
    """Lines with each Liquid tag or output written over several lines joined into its first (up to
    5 lines), each with its index in ``lines``."""
    joined: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        line, start = lines[index], index
        while unclosed(line) and index + 1 < len(lines) and index - start < 4:
            index += 1
            line += " " + lines[index].strip()
        joined.append((start, line))
        index += 1
    return joined


def unclosed(line: str) -> bool:
    """True when the line's last ``{%`` or ``{{`` is not closed on it."""
    tag, out = line.rfind("{%"), line.rfind("{{")
    return (tag >= 0 and "%}" not in line[tag:]) or (out >= 0 and "}}" not in line[out:])


def jekyll_line(state: Body, index: int, line: str, raw: bool) -> tuple[str, bool]:
    """The line converted outside ``{% raw %}`` spans (which may start or end on it); whether a raw
    span is still open at its end."""
    if "{" not in line:
        return line, raw
    pieces, last = [], 0
    for marker in RAW.finditer(line):
        pieces.append((line[last:marker.start()], raw))
        raw = marker.group(1) == "raw"
        last = marker.end()
    pieces.append((line[last:], raw))
    if len(pieces) > 1:
        state.post.note("adjusted", state.line(index), "`{% raw %}` markers removed; what they held is kept as written")
    converted = ""
    for text, is_raw in pieces:
        if not is_raw:
            converted += liquid(state, index, text)
        elif state.fence is None and converted.count("`") % 2 == 0:
            converted += literal(text)  # prose: shown as written, not taken for leftover Liquid
        else:
            converted += text
    if len(pieces) > 1 and not converted.strip():
        converted = ""
    return converted, raw


def literal(text: str) -> str:
    """Template syntax in prose as character references: Markdown shows it, nothing reads it as Liquid."""
    for mark, written in (("{{", "&#123;&#123;"), ("{%", "&#123;%"), ("}}", "&#125;&#125;"), ("%}", "%&#125;")):
        text = text.replace(mark, written)
    return text


def liquid(state: Body, index: int, text: str) -> str:
    if "{" not in text:
        return text
    text = URL_FILTER.sub(lambda m: m.group(2), text)
    text = BASE_URL.sub("", text)

    def tag(match: re.Match[str]) -> str:
        name, rest = match.group(1), match.group(2).strip()
        if name in ("post_url", "link"):
            return link_to(state, index, name, rest)
        if name == "assign" and assign(state.context, rest):
            state.post.note("adjusted", state.line(index), f"`{match.group(0)}` worked out; its values are written in")
            return ""
        state.post.note("human", state.line(index), f"Liquid `{match.group(0)}` has no equivalent; left as written")
        return match.group(0)

    text = LIQUID_TAG.sub(tag, text)

    def value(match: re.Match[str]) -> str:
        found = liquid_output(state.context, match.group(1))
        if found is None:
            return match.group(0)
        if not match.group(1).split(".")[0] in ("site", "page"):
            return found  # an assigned name: its `assign` is noted
        state.post.note("adjusted", state.line(index), f"`{match.group(0)}` replaced by its value")
        return found

    text = LIQUID_OUT.sub(value, text)
    output = LIQUID_OUT.search(text)
    if output and state.fence is None:
        state.post.note("human", state.line(index), f"Liquid `{output.group(0)}` has no equivalent; left as written")
    return text


# --- Hugo ------------------------------------------------------------------------------------

def hugo_body(post: Converted, body: str, first_line: int, resolve: Resolve,
              resource: Callable[[str], str]) -> str:
    """``resource``: a path written in the post (a page bundle's image) -> the site path it is copied to."""
    state = Body(post, first_line, resolve, [])
    for index, line in enumerate(body.split("\n")):
        if MORE.match(line):
            post.note("adjusted", state.line(index), "`<!--more-->` removed (the summary is the first paragraph, "
                                                     "or `summary:`)")
            continue
        opening = FENCE.match(line)
        if state.fence is not None or opening:
            if opening and (state.fence is None or opening.group(1)[0] == state.fence[0]):
                state.fence = None if state.fence is not None else opening.group(1)
            state.out.append(line)
            continue
        state.out.append(SHORTCODE.sub(lambda m: shortcode(state, index, m, resource), line)
                         if "{{" in line else line)
    return "\n".join(state.out)


def shortcode(state: Body, index: int, match: re.Match[str], resource: Callable[[str], str]) -> str:
    closing, name = match.group(2), match.group(3)
    positional, named = arguments(match.group(4))
    first = named.get("id") or (positional[0] if positional else "")
    line = state.line(index)
    if name == "highlight":
        if closing:
            return "```"
        state.post.note("adjusted", line, f"`highlight {first}` made a fenced code block")
        return f"```{first}"
    if closing:
        return match.group(0)
    if name in ("ref", "relref"):
        return link_to(state, index, name, first)
    if name == "figure":
        src = named.get("src") or first
        caption = named.get("caption") or named.get("title") or ""
        alt = named.get("alt") or caption or ""
        state.post.note("adjusted", line, "`figure` made a Markdown image" + (" with its caption" if caption else ""))
        title = f' "{caption.replace(chr(34), chr(39))}"' if caption else ""
        return f"![{alt}]({resource(src)}{title})"
    if name in ("youtube", "vimeo"):
        title = named.get("title") or ("YouTube video" if name == "youtube" else "Vimeo video")
        if "title" not in named:
            state.post.note("human", line, f"`{name} {first}` has no title; called it \"{title}\" (name the video)")
        else:
            state.post.note("adjusted", line, f"`{name}` made our !{name} embed")
        return f"\n!{name}[{title}]({first})\n"
    if name in ("tweet", "x"):
        user, number = named.get("user", ""), named.get("id") or first
        state.post.note("adjusted", line, "`tweet` made a link to the post (nothing is loaded from X/Twitter)")
        return f"[Post by @{user}](https://x.com/{user}/status/{number})" if user else \
            f"[Post on X](https://x.com/i/status/{number})"
    state.post.note("human", line, f"Hugo shortcode `{match.group(0)}` has no equivalent; left as written")
    return match.group(0)
