"""The package's shape, read from its source with ``ast`` (see package_graph.py):

- data flows one way through the stages, in this order: core, content, site, render, output, store,
  pipeline, serve, cli. A module imports only from its own stage and earlier ones (the top-level
  ``__init__`` and ``__main__`` are exempt);
- no import cycle between modules, whatever the stages;
- no private name of another package: no import of a module or name starting with ``_``, no
  ``x._y`` on a name bound to a dependency, no name-mangled ``_Class__name`` anywhere, no method of
  a subclass replacing a private one of its dependency base, no attribute set on a dependency's
  module or class (monkey-patching), no module or attribute a dependency keeps internal (listed
  below with why);
- the package's top level lists at most 12 entries.

Imports inside functions and under ``if TYPE_CHECKING:`` count like any other: they still point
somewhere. Each failure names every offending module, with the line. Only the overriding check
imports anything: the dependencies' classes, to see which private members they have.
"""

from __future__ import annotations

import ast
import importlib
import re

from package_graph import (GRAPH, MODULES, PACKAGE, PACKAGE_NAME, TREES, attribute_chain, cycle_in,
                           dependency_bindings, imports_of, ours, strongly_connected, where)

STAGES = ("core", "content", "site", "render", "output", "store", "pipeline", "serve", "cli")
EXEMPT = {PACKAGE_NAME, f"{PACKAGE_NAME}.__main__"}
MAX_TOP_LEVEL = 12
# Modules of dependencies that are not their documented API, though their names look public.
INTERNAL_MODULES = {
    "jinja2.compiler": "Jinja's code generator (Frame, CodeGenerator) is not public API",
    "markdown.htmlparser": "Python-Markdown's raw-HTML extractor is internal",
}
# Attributes of dependencies' objects that are internal, though not spelled with an underscore.
INTERNAL_ATTRIBUTES = {
    "root_render_func": "jinja2.Template's compiled render function is internal (use render/generate)",
    "globals_keys": "jinja2.runtime.Context's globals_keys is internal",
    "compiled_re": "Python-Markdown patterns' compiled_re is internal",
}
MANGLED = re.compile(r"^_[A-Za-z][A-Za-z0-9]*__[A-Za-z0-9_]*[A-Za-z0-9]$")


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_belongs_to_a_stage():
    strays = [module for module in MODULES if module not in EXEMPT and stage_of(module) is None]
    assert not strays, f"modules outside the stages {', '.join(STAGES)}: {', '.join(strays)}"


def test_imports_point_one_way_through_the_stages():
    wrong = []
    for module, edges in GRAPH.items():
        if module in EXEMPT or stage_of(module) is None:
            continue
        rank = STAGES.index(stage_of(module) or "")
        for target, line in sorted(edges.items()):
            target_stage = stage_of(target)
            if target == PACKAGE_NAME:  # the top-level package holds only __version__; a cycle through it is caught below
                continue
            if target in EXEMPT or target_stage is None or STAGES.index(target_stage) > rank:
                wrong.append(f"{where(module, line)}: {module} ({stage_of(module)}) imports {target} "
                             f"({target_stage or 'top level'}), a later stage")
    assert not wrong, ("imports must point from later stages to earlier ones (" + " -> ".join(reversed(STAGES))
                       + f"); {len(wrong)} point the wrong way:\n" + "\n".join(wrong))


def test_no_import_cycles():
    groups = strongly_connected(GRAPH)
    described = []
    for group in groups:
        cycle = cycle_in(group)
        arrows = " -> ".join(f"{a} ({where(a, GRAPH[a][b])})" for a, b in zip(cycle, cycle[1:]))
        described.append(f"{len(group)} modules import each other: {', '.join(group)}\n  e.g. {arrows} -> {cycle[-1]}")
    assert not groups, f"{len(groups)} import cycle(s):\n" + "\n".join(described)


def is_private(name: str) -> bool:
    """``_x`` and ``__x`` are private; dunders such as ``__future__`` or ``__version__`` are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_import_problems(module: str) -> list[str]:
    problems = []
    for item in imports_of(module):
        if ours(item.target) or item.target == "__future__":
            continue
        segments = item.target.split(".")
        private = [part for part in segments + list(item.names) if is_private(part)]
        if private:
            problems.append(f"{where(module, item.line)}: imports private {', '.join(private)} "
                            f"from {item.target}")
        internal = next((name for name in INTERNAL_MODULES
                         if item.target == name or item.target.startswith(name + ".")
                         or any(f"{item.target}.{n}" == name for n in item.names)), None)
        if internal:
            problems.append(f"{where(module, item.line)}: imports {internal}: {INTERNAL_MODULES[internal]}")
    return problems


def private_attribute_problems(module: str) -> list[str]:
    bound = dependency_bindings(module)
    problems = []
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Attribute):
            root, attrs = attribute_chain(node)
            if root in bound and is_private(node.attr):
                problems.append(f"{where(module, node.lineno)}: uses private {root}.{'.'.join(attrs)} "
                                f"of {bound[root]}")
            if root in bound and isinstance(node.ctx, ast.Store):
                problems.append(f"{where(module, node.lineno)}: sets {root}.{'.'.join(attrs)} "
                                f"on {bound[root]} (monkey-patching a dependency)")
        names = ([node.attr] if isinstance(node, ast.Attribute) else
                 [node.name] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else
                 [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) else [])
        for name in names:  # attributes, method names (overrides) and getattr-style strings
            if name in INTERNAL_ATTRIBUTES:
                problems.append(f"{where(module, node.lineno)}: uses {name}: {INTERNAL_ATTRIBUTES[name]}")
            if MANGLED.match(name):
                problems.append(f"{where(module, node.lineno)}: name-mangled {name} (another class's private member)")
    return sorted(set(problems), key=lambda text: (text.split(":")[0], int(text.split(":")[1]), text))


def dependency_object(dotted: str) -> object | None:
    """The dependency's object a bound name stands for (``jinja2.runtime.Context``), if it imports."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name, None)
        return found
    return None


def base_of(node: ast.expr, bound: dict[str, str]) -> str | None:
    """What a class's base names in a dependency (``markdown.blockprocessors.BlockProcessor``), else None."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        root, attrs = attribute_chain(node)
        return f"{bound[root]}.{'.'.join(attrs)}" if root in bound else None
    return None


def private_override_problems(module: str) -> list[str]:
    """Methods of our subclasses of a dependency's class that replace one of its private members."""
    bound = dependency_bindings(module)
    problems = []
    for node in ast.walk(TREES[module]):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [(dotted, dependency_object(dotted)) for dotted in map(lambda b: base_of(b, bound), node.bases) if dotted]
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(item.name):
                for dotted, base in bases:
                    if base is not None and hasattr(base, item.name):
                        problems.append(f"{where(module, item.lineno)}: {node.name}.{item.name} overrides the "
                                        f"private {dotted}.{item.name}")
    return problems


def test_no_private_names_of_dependencies():
    problems = [problem for module in MODULES
                for problem in (private_import_problems(module) + private_attribute_problems(module)
                                + private_override_problems(module))]
    assert not problems, (f"{len(problems)} use(s) of dependencies' private or internal names "
                          "(use their public API only):\n" + "\n".join(problems))


def test_the_top_level_stays_small():
    entries = sorted(path.name for path in PACKAGE.iterdir()
                     if path.name != "__pycache__" and not path.name.startswith("."))
    assert len(entries) <= MAX_TOP_LEVEL, (f"src/{PACKAGE_NAME}/ lists {len(entries)} entries (at most "
                                           f"{MAX_TOP_LEVEL}): {', '.join(entries)}")
