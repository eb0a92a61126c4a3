"""What each template pulls in and which parts of the site and of an article it reads, found in the
parsed templates: the dependency side of a page's fingerprint (fingerprints.py)."""

from __future__ import annotations

import dataclasses
import hashlib
from functools import lru_cache
from itertools import combinations
from types import MappingProxyType
from typing import Iterable, Mapping

import jinja2
from jinja2 import nodes

from ..core.model import Article
from ..render.partials import pulled_templates
from .store import Store

WHOLE_SITE = "*"
MEMBERS = "#members"  # a template mentions ``articles``: terms and authors count with their members


def digest(*parts: bytes) -> bytes:
    """One hash of the parts, each prefixed by its length (one update: a third of the calls)."""
    return hashlib.blake2b(b"".join([b"%d:%s" % (len(part), part) for part in parts]), digest_size=16).digest()


def _is_site_attr(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "site"


def site_reads(tree: nodes.Template) -> frozenset[str]:
    """Which ``site.<name>`` a template reads (``articles#len`` for a count), ``*`` for any other use
    of ``site``, and ``#members`` when it mentions ``articles`` on anything."""
    found: set[str] = set()

    def visit(node: nodes.Node) -> None:
        if (isinstance(node, nodes.Getattr) and node.attr == "articles") or \
                (isinstance(node, nodes.Const) and node.value == "articles"):
            found.add(MEMBERS)
        if isinstance(node, nodes.Filter) and node.name in ("length", "count") and node.node is not None \
                and _is_site_attr(node.node) and node.node.attr == "articles":  # type: ignore[attr-defined]
            found.add("articles#len")
            return
        if _is_site_attr(node):
            found.add(node.attr)  # type: ignore[attr-defined]
            if node.attr == "articles":  # type: ignore[attr-defined]
                found.add(MEMBERS)
            return
        if isinstance(node, nodes.Name) and node.name == "site":
            found.add(WHOLE_SITE)
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return frozenset(found)


ANY_FIELD = "#fields:*"  # a template may reach any field of an article
OPTIONAL_FIELDS = {"body_html": ("body_html",), "word_count": ("word_count",), "links": ("links",),
             "key_lines": ("key_lines", "line_of")}
"""Article fields no Python helper reads on pages other than the article's own (its page and its
redirect pages count the article whole): by field, the names through which a template reaches it."""
_BY_NAME = frozenset({"attr", "map", "selectattr", "rejectattr", "sort", "groupby", "sum", "unique", "min",
                      "max", "join", "dictsort"})  # Jinja filters and tests that take an attribute's name


def field_reads(tree: nodes.Template) -> frozenset[str]:
    """Which of the :data:`OPTIONAL_FIELDS` article fields a template may read (``#fields:<name>``), or
    ``#fields:*`` for any, judged from its syntax alone and on the safe side: a field counts when its
    name is an attribute or inside any string; any field when an attribute is reached by a name made
    at render time (``x[key]``, ``attr(name)``, ``map(attribute=name)``...) or through a dunder."""
    found: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Const, nodes.Filter, nodes.Test)):
        if isinstance(node, nodes.Getattr):
            if node.attr.startswith("__"):
                return frozenset({ANY_FIELD})
            found.update(f"#fields:{field}" for field, names in OPTIONAL_FIELDS.items() if node.attr in names)
        elif isinstance(node, nodes.Const):
            if isinstance(node.value, str):
                found.update(f"#fields:{field}" for field, names in OPTIONAL_FIELDS.items()
                             if any(name in node.value for name in names))
        elif isinstance(node, nodes.Getitem):
            if not isinstance(node.arg, (nodes.Const, nodes.Slice)):
                return frozenset({ANY_FIELD})
        elif node.name in _BY_NAME and (node.dyn_args is not None or node.dyn_kwargs is not None or not all(
                isinstance(arg, nodes.Const) for arg in (*node.args, *(kw.value for kw in node.kwargs)))):
            return frozenset({ANY_FIELD})
    return frozenset(found)


Parsed = dict[bytes, tuple[frozenset[str] | None, frozenset[str]]]
KEPT = "template-reads"


def kept_reads(store: Store) -> Parsed:
    """What each template source pulls in and reads, by a hash of the source, as found by earlier
    builds: the live preview keeps it in memory, a build takes it from the store (parsing the theme's
    templates again took a twentieth of a 1,000-article edit)."""
    parsed: Parsed = store.memo("parsed templates")
    if not parsed and store.enabled:
        saved = store.load(KEPT)
        if isinstance(saved, dict):
            parsed.update((key, value) for key, value in saved.items() if isinstance(key, bytes)
                          and isinstance(value, tuple) and len(value) == 2
                          and isinstance(value[0], (frozenset, type(None))) and isinstance(value[1], frozenset))
    return parsed


class Templates:
    """Per template: a hash of its source and of everything it pulls in, and the site parts they read."""

    def __init__(self, env: jinja2.Environment, parsed: Parsed):
        """``parsed``: what each template source pulls in and reads, by a hash of the source (see
        :func:`kept_reads`); :meth:`prepare` saves it when this build parsed a template it did not hold."""
        self.env = env
        self.parsed = parsed
        self._found = len(parsed)
        self._own: dict[str, tuple[bytes, frozenset[str] | None, frozenset[str]]] = {}
        self._closure: dict[str, tuple[bytes, frozenset[str]]] = {}

    def prepare(self, names: Iterable[str], store: Store) -> None:
        """Each template's info worked out now, before the processes that fingerprint pages fork (they
        inherit it, none parses again), and kept in the store when a template was new to it: only the
        templates of this build (an edited one's old source goes), so the record does not grow."""
        for name in sorted(names):
            self.info(name)
        if len(self.parsed) != self._found:
            store.save(KEPT, {own: self.parsed[own] for own, _, _ in self._own.values() if own in self.parsed})
            self._found = len(self.parsed)

    def _read(self, name: str) -> tuple[bytes, frozenset[str] | None, frozenset[str]]:
        if name not in self._own:
            try:
                source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                self._own[name] = (b"missing", frozenset(), frozenset())
                return self._own[name]
            own = digest(b"t", source.encode("utf-8"))
            known = self.parsed.get(own)
            if known is None:
                try:
                    tree = self.env.parse(source)
                    refs = list(pulled_templates(tree))  # partial() calls included
                    pulled = None if any(ref is None for ref in refs) else frozenset(refs)  # None: any
                    reads = site_reads(tree) | field_reads(tree)
                except jinja2.TemplateSyntaxError:
                    pulled, reads = frozenset(), frozenset({WHOLE_SITE, ANY_FIELD})
                known = self.parsed[own] = (pulled, reads)
            self._own[name] = (own, *known)
        return self._own[name]

    def info(self, name: str) -> tuple[bytes, frozenset[str]]:
        """(hash of the template and all it uses, site parts read by any of them)."""
        if name in self._closure:
            return self._closure[name]
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            pulled = self._read(current)[1]
            if pulled is None:
                seen |= set(self.env.list_templates())
                break
            todo.extend(pulled)
        parts: list[bytes] = []
        reads: set[str] = set()
        for current in sorted(seen):
            own, _, current_reads = self._read(current)
            parts += [current.encode(), own]
            reads |= current_reads
        self._closure[name] = (digest(*parts), frozenset(reads))
        return self._closure[name]




@lru_cache(maxsize=64)  # a few dataclass types
def field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


_FIELD_READS = frozenset({ANY_FIELD, *(f"#fields:{field}" for field in OPTIONAL_FIELDS)})


def _shown(key: frozenset[str]) -> tuple[str, ...]:
    every = field_names(Article)
    return every if ANY_FIELD in key else tuple(
        name for name in every if name not in OPTIONAL_FIELDS or f"#fields:{name}" in key)


# every combination of reads that matters, made once: the same tuple object for the same set
_FIELD_SETS: Mapping[frozenset[str], tuple[str, ...]] = MappingProxyType({
    frozenset(combo): _shown(frozenset(combo))
    for size in range(len(_FIELD_READS) + 1) for combo in combinations(sorted(_FIELD_READS), size)})


def fields_shown(reads: frozenset[str]) -> tuple[str, ...]:
    """The article fields that count on a page whose templates read ``reads``, always in field order
    (the same tuple object for the same set, so it can key memos)."""
    return _FIELD_SETS[reads & _FIELD_READS]


ALL_FIELDS = fields_shown(frozenset({ANY_FIELD}))
BASE_FIELDS = tuple(name for name in ALL_FIELDS if name not in OPTIONAL_FIELDS)
# by id of a field set above (they live as long as the module)
OPTIONAL_IN: Mapping[int, tuple[str, ...]] = MappingProxyType({
    id(fields): tuple(name for name in fields if name in OPTIONAL_FIELDS) for fields in _FIELD_SETS.values()})
OPTIONAL_NAMES: Mapping[int, bytes] = MappingProxyType({
    id(fields): ",".join(optional).encode() for fields in _FIELD_SETS.values()
    for optional in [tuple(name for name in fields if name in OPTIONAL_FIELDS)]})
