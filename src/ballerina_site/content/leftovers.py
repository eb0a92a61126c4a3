"""Template syntax of another generator left in a body: Liquid (``{% tag %}``, ``{{ value }}``) from
Jekyll, shortcodes (``{{< name >}}``, ``{{% name %}}``) from Hugo.

We do not run them. Left alone, Markdown would mangle some of them (``{% endhighlight %}`` after a
paragraph reads as an attribute list and became ``<p _ endhighlight>``), so each one outside code is
shown as written, its braces as HTML character references, and reported with its line so an editor
can convert it (``ballerina-site import`` does it for a whole archive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SYNTAX = re.compile(r"\{\{[<%].*?[>%]\}\}|\{%.*?%\}|\{\{.*?\}\}")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Leftover:
    """Template syntax of another generator left in an imported body, to point out."""

    line: int  # 0-based line of the body
    text: str  # the first piece of syntax on that line
    kind: str  # "Liquid tag", "Liquid output" or "Hugo shortcode"


def kind_of(text: str) -> str:
    if text.startswith(("{{<", "{{%")):
        return "Hugo shortcode"
    return "Liquid tag" if text.startswith("{%") else "Liquid output"


def _protect(line: str) -> tuple[str, str | None]:
    """The line with each piece of syntax outside code spans made literal, and the first piece."""
    spans = [m.span() for m in _CODE_SPAN.finditer(line)] if "`" in line else []
    first: str | None = None
    out, last = [], 0
    for match in _SYNTAX.finditer(line):
        if any(start <= match.start() < end for start, end in spans):
            continue
        first = first or match.group(0)
        out.append(line[last:match.start()])
        out.append(match.group(0).replace("{", "&#123;").replace("}", "&#125;"))
        last = match.end()
    out.append(line[last:])
    return "".join(out), first


def protect_leftovers(body: str) -> tuple[str, tuple[Leftover, ...]]:
    """The body with leftover template syntax made literal (code blocks and spans untouched), and
    where each line with some is."""
    if "{%" not in body and "{{" not in body:
        return body, ()
    lines = body.split("\n")
    found: list[Leftover] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if line.startswith(("    ", "\t")) or ("{%" not in line and "{{" not in line):
            continue
        lines[index], first = _protect(line)
        if first is not None:
            found.append(Leftover(index, first, kind_of(first)))
    return "\n".join(lines), tuple(found)
