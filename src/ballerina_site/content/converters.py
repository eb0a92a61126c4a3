"""Python-Markdown converters chosen by the syntax a source can hold, through Markdown's public API only.

Most of Markdown's time goes on asking every processor about every block and every inline pattern
about every stretch of text, though a news article uses a handful of its syntaxes. Each step below
can do something only if the source holds one of its marks: a table needs a ``|``, a footnote a
``[^``, an inline HTML tag a ``<``. For a source without any of a step's marks, a converter without
that step (``Registry.deregister``, public) gives the same HTML, byte for byte. The converters are
built on first use, one per set of steps left out, and reused (``Markdown.reset``).

The marks are Markdown *syntax* (what its documentation says each construct looks like), not its code;
tests/test_markup_converters.py checks the result against the stock converter on a large varied corpus,
so a Markdown release that changed a step's syntax would fail there.
"""

from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

import markdown
from markdown import util

# registry -> step name -> marks (any one of them suffices) that the source must hold for the step to act.
# The source is looked at after Markdown's first step would drop STX and ETX (so ``[\x02^`` counts as
# ``[^``); tabs later become spaces, so a tab counts wherever a space is a mark.
NEEDS: dict[str, dict[str, tuple[str, ...]]] = {
    "preprocessors": {
        "fenced_code_block": ("```", "~~~"),
        "html_block": ("<", "&"),  # raw HTML blocks, and the entity references its parser closes
    },
    "blockprocessors": {
        "markdown_block": ("<",),  # acts only on HTML blocks set aside by the raw HTML step
        "table": ("|",),
        "hashheader": ("#",),
        "deflist": (": ", ":\t"),
        "quote": (">",),
        "footnote": ("[^",),
        "abbr": ("*[",),
        "reference": ("]:",),
    },
    "inlinePatterns": {
        "backtick": ("`",),
        "escape": ("\\",),
        "footnote": ("[^",),
        "reference": ("[",),
        "link": ("[",),
        "short_reference": ("[",),
        "image_link": ("![",),
        "image_reference": ("![",),
        "short_image_ref": ("![",),
        "autolink": ("<",),
        "automail": ("<",),
        "html": ("<",),
        "linebreak": (" \n", " \r", "\t"),  # two spaces at a line's end (or the source's: see ``marks``)
        "entity": ("&",),
        "em_strong": ("*", "_"),
    },
    "treeprocessors": {
        "attr_list": ("{",),
        "unescape": ("\\",),  # undoes the escape pattern's placeholders only
    },
}
TOC_MARKER = "[TOC]"
"""A source without the marker gets a converter whose toc step does not look for it (``marker: ""``,
the documented way to turn the search off); headings get their ids as ever."""

_MARKS = tuple(sorted({mark for steps in NEEDS.values() for marks in steps.values() for mark in marks}
                      | {TOC_MARKER}))
MAX_CONVERTERS = 64
"""Converters kept per pool; a site seldom uses more than a few dozen mixes of syntax."""

Key = frozenset[tuple[str, str]]
T = TypeVar("T")
Factory = Callable[[dict[str, dict[str, object]]], tuple[markdown.Markdown, T]]


def marks(source: str) -> Key:
    """The marks of :data:`NEEDS` (and the toc marker) that the source holds."""
    if util.STX in source or util.ETX in source:
        source = source.replace(util.STX, "").replace(util.ETX, "")
    found = {mark for mark in _MARKS if mark in source}
    if source.endswith(" "):  # Markdown ends every source with a newline: a final space may end a line break
        found.add(" \n")
    return frozenset(found)


def unused_steps(source: str) -> Key:
    """(registry, step) of every step of :data:`NEEDS` that cannot act on ``source``, plus
    ``("toc", "marker")`` when the source lacks the toc marker."""
    present = marks(source)
    unused = {(registry, step) for registry, steps in NEEDS.items() for step, step_marks in steps.items()
              if present.isdisjoint(step_marks)}
    if TOC_MARKER not in present:
        unused.add(("toc", "marker"))
    return frozenset(unused)


def _registry(md: markdown.Markdown, name: str) -> util.Registry[Any]:
    return md.parser.blockprocessors if name == "blockprocessors" else getattr(md, name)


def leave_out(md: markdown.Markdown, unused: Key) -> markdown.Markdown:
    """``md`` with the ``unused`` steps deregistered (``strict=False``: an extension may have taken one
    out already, as showing raw HTML as text does)."""
    for registry_name, step in unused:
        if registry_name in NEEDS:
            _registry(md, registry_name).deregister(step, strict=False)
    return md


class ConverterPool(Generic[T]):
    """Markdown converters, one per mix of syntax seen, each built by ``factory`` (given extension
    configs to add to the site's own) with the steps that mix cannot use left out. Owned by whoever
    converts: no state at module level."""

    def __init__(self, factory: Factory[T]):
        self.factory = factory
        self.converters: dict[Key, tuple[markdown.Markdown, T]] = {}

    def key(self, source: str) -> Key:
        """What decides the converter: the steps left out."""
        return unused_steps(source)

    def get(self, source: str) -> tuple[markdown.Markdown, T]:
        """A reset converter for ``source`` that gives what the stock one would, and what the factory
        made with it (e.g. an extension to ask about problems)."""
        key = self.key(source)
        found = self.converters.get(key)
        if found is None:
            if len(self.converters) >= MAX_CONVERTERS:
                del self.converters[next(iter(self.converters))]  # the oldest
            configs: dict[str, dict[str, object]] = {"toc": {"marker": ""}} if ("toc", "marker") in key else {}
            converter, extra = self.factory(configs)
            found = self.converters[key] = (leave_out(converter, key), extra)
        found[0].reset()
        return found

    def discard(self, source: str) -> None:
        """Forget the converter for ``source`` (e.g. one that overflowed the stack mid-way)."""
        self.converters.pop(self.key(source), None)
