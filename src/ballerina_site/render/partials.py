"""The ``partial()`` template helper: a partial rendered once per distinct set of inputs, then reused.

An article's card is on the home page, its tag, category and author listings and under the articles
that recommend it; the masthead differs only by the kind of page, and the footer and promo box are
the same on every page. The theme calls ``{{ partial("partials/card.html", item=item, ...) }}`` where
it would ``{% include %}``; the helper renders the partial with the caller's variables and the values
given, exactly as the include would, and keeps the text for the next call with the same inputs.

A partial's inputs are the variables it (or any template it pulls in) reads, as Jinja's public
``meta.find_undeclared_variables`` finds them, globals' names included (a page may hide a global under
its own ``{% set %}``). The text is reused only when every input is the build's own global of that
name or an immutable value (see :func:`memo_value`); a partial that reads the page, the loop or any
other value is rendered on every call. So a site's own version of a partial is safe whatever it reads.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Iterator, Mapping

import jinja2
from jinja2 import meta, nodes
from markupsafe import Markup

from ..core.model import Article, Label, Person, Term

MEMOIZED_PARTIALS = frozenset({"partials/card.html", "partials/site_header.html", "partials/site_footer.html",
                               "partials/promo.html"})
"""The partials whose text ``partial()`` keeps (any other name it renders on every call)."""

_VALUE_TYPES = frozenset({str, int, bool, type(None), Article, Label, Term, Person})
"""Values a rendering can be keyed by: immutable, and equal only when they render alike (the model's
frozen objects compare by identity, labels by value). The type is part of the key, as ``True == 1``;
floats are left out, as ``0.0 == -0.0``."""
_GLOBAL = ("global",)  # the build-wide global of that name: the same on every page
_MISSING = object()
_UNDEFINED = ("undefined",)


def memo_value(value: Any) -> tuple[Any, ...] | None:
    """``value`` as part of a memo key, or None if it is not known to be immutable."""
    kind = type(value)
    if kind in _VALUE_TYPES:
        return (kind, value)
    if kind is tuple:
        items = tuple(memo_value(item) for item in value)
        return None if None in items else (tuple, items)
    if value is _MISSING:
        return _UNDEFINED
    return None


def pulled_templates(tree: nodes.Template) -> Iterator[str | None]:
    """The templates a parsed template pulls in: those ``meta.find_referenced_templates`` finds
    (``extends``, ``include``, ``import``) and those it names in ``partial(...)`` calls; None for one
    named at render time (it may be any template)."""
    yield from meta.find_referenced_templates(tree)
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "partial":
            first = call.args[0] if call.args else None
            yield first.value if isinstance(first, nodes.Const) and isinstance(first.value, str) else None


def template_inputs(env: jinja2.Environment, name: str, read: list[str] | None = None) -> tuple[str, ...] | None:
    """The variables ``name`` and every template it pulls in read, globals' names included; None when a
    template is pulled in by a computed name, or cannot be read (rendering reports that). ``read``:
    given, the names of the templates looked at are added to it."""
    reader = jinja2.Environment(block_start_string=env.block_start_string,
                                block_end_string=env.block_end_string,
                                variable_start_string=env.variable_start_string,
                                variable_end_string=env.variable_end_string,
                                comment_start_string=env.comment_start_string,
                                comment_end_string=env.comment_end_string,
                                line_statement_prefix=env.line_statement_prefix,
                                line_comment_prefix=env.line_comment_prefix)
    reader.globals.clear()  # no name is taken for a global: each one read is listed
    reader.filters.update(env.filters)  # the analysis compiles the template: it must know them
    reader.tests.update(env.tests)
    names: set[str] = set()
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if read is not None:
            read.append(current)
        try:
            tree = reader.parse(env.loader.get_source(env, current)[0])  # type: ignore[union-attr]
            names |= meta.find_undeclared_variables(tree)
        except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
            return None
        for pulled in pulled_templates(tree):
            if pulled is None:
                return None
            todo.append(pulled)
    return tuple(sorted(names))


Known = dict[str, tuple[tuple[str, ...] | None, tuple[tuple[str, str], ...]]]
"""By partial: its inputs as an earlier build found them, and each template they were found in with a
hash of its source then; good while every one of those sources is the same."""


def _sources(env: jinja2.Environment, names: Iterable[str]) -> tuple[tuple[str, str], ...] | None:
    found = []
    for name in names:
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return None
        found.append((name, hashlib.blake2b(source.encode("utf-8"), digest_size=16).hexdigest()))
    return tuple(found)


def _still_good(env: jinja2.Environment, entry: Any) -> bool:
    """A well-formed entry of :data:`Known` (it comes from the store) whose templates are unchanged."""
    if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], tuple) and entry[1]):
        return False
    inputs, sources = entry
    if inputs is not None and not (isinstance(inputs, tuple) and all(isinstance(n, str) for n in inputs)):
        return False
    if not all(isinstance(part, tuple) and len(part) == 2 and isinstance(part[0], str) for part in sources):
        return False
    return _sources(env, [template for template, _ in sources]) == sources


class Partials:
    """Renders partials for ``partial()``; keeps the text of :data:`MEMOIZED_PARTIALS` by inputs. One per
    environment (see :func:`install`): the memo lives as long as the build's environment."""

    def __init__(self, env: jinja2.Environment, memoized: frozenset[str] = MEMOIZED_PARTIALS,
                 known: Known | None = None):
        """``known``: the partials' inputs as earlier builds found them (see :func:`install`)."""
        self.env = env
        self.memoized = memoized
        self.known = known
        self.inputs: dict[str, tuple[str, ...] | None] = {}
        self.rendered: dict[tuple[Any, ...], Markup] = {}

    def _inputs(self, name: str) -> tuple[str, ...] | None:
        """:func:`template_inputs`, from ``known`` while the templates read are as they were (a read
        and a hash each, where finding the inputs parses them), else found and added to it."""
        if self.known is None:
            return template_inputs(self.env, name)
        entry = self.known.get(name)
        if _still_good(self.env, entry):
            return entry[0]  # type: ignore[index]
        read: list[str] = []
        found = template_inputs(self.env, name, read)
        sources = _sources(self.env, read)
        if sources:
            self.known[name] = (found, sources)
        return found

    def prepare(self) -> None:
        """Every memoized partial's inputs, now."""
        for name in sorted(self.memoized):
            self.inputs[name] = self._inputs(name)

    def key(self, name: str, variables: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The memo key of ``name`` rendered with the caller's ``variables`` and ``values`` (which win),
        or None: render it afresh."""
        if name not in self.memoized:
            return None
        if name not in self.inputs:
            self.inputs[name] = self._inputs(name)
        inputs = self.inputs[name]
        if inputs is None:
            return None
        constants = self.env.globals
        parts: list[Any] = [name]
        for input_name in inputs:
            value = values[input_name] if input_name in values else variables.get(input_name, _MISSING)
            part = _GLOBAL if input_name in constants and value is constants[input_name] else memo_value(value)
            if part is None:
                return None
            parts.append(part)
        return tuple(parts)

    def render(self, context: jinja2.runtime.Context, name: str, values: Mapping[str, Any]) -> Markup:
        """``{% include name %}`` with ``values`` set, as safe text; from the memo when its inputs allow."""
        variables = context.get_all()  # the context's own dict when it has no variables of its own
        key = self.key(name, variables, values)
        found = self.rendered.get(key) if key is not None else None
        if found is None:
            if values:
                variables = {**variables, **values}
            found = Markup(self.env.get_template(name).render(variables))
            if key is not None:
                self.rendered[key] = found
        return found


def install(env: jinja2.Environment, memoized: frozenset[str] = MEMOIZED_PARTIALS, known: Known | None = None
            ) -> Partials:
    """Give ``env``'s templates the ``partial(name, **values)`` global. ``known``: the partials' inputs as
    earlier builds found them (a build keeps them in its store), taken and brought up to date now, in
    this process, so that the workers forked to render inherit them and none parses a partial."""
    partials = Partials(env, memoized, known)
    if known is not None:
        partials.prepare()

    @jinja2.pass_context
    def partial(context: jinja2.runtime.Context, name: str, **values: Any) -> Markup:
        return partials.render(context, name, values)

    env.globals["partial"] = partial
    return partials
