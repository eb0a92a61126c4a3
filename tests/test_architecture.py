"""The package's shape, read from the source with ``ast`` (nothing is imported from it):

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
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE_NAME = "ballerina_site"
PACKAGE = Path(__file__).resolve().parent.parent / "src" / PACKAGE_NAME
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


@dataclass(frozen=True)
class Import:
    """One import in a module: the module it names (resolved) and the names bound by it."""

    line: int
    target: str  # a dotted module name: one of ours in full, or a dependency's as written
    names: tuple[str, ...]  # names imported from the target (``from x import a, b``), else ()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in path.parts}


MODULES = package_modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in MODULES.items()}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def ours(target: str) -> bool:
    return target == PACKAGE_NAME or target.startswith(PACKAGE_NAME + ".")


def known_module(target: str) -> str:
    """The longest prefix of ``target`` that is one of our modules."""
    parts = target.split(".")
    while parts and ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts)


def resolve_from(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names, relative imports resolved against ``module``."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package(module) else module.split(".")[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str) -> list[Import]:
    """Every import statement of ``module``, anywhere in it, with the target resolved."""
    found = []
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            found += [Import(node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve_from(module, node)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if ours(base) and sub in MODULES:  # ``from .core import errors`` imports the module
                    found.append(Import(node.lineno, sub, ()))
                else:
                    found.append(Import(node.lineno, base, (alias.name,)))
    return found


def dependencies(module: str) -> dict[str, int]:
    """Our modules that ``module`` imports, each with the first line importing it."""
    edges: dict[str, int] = {}
    for item in imports_of(module):
        if ours(item.target):
            target = known_module(item.target)
            if target and target != module:
                edges.setdefault(target, item.line)
    return edges


GRAPH = {module: dependencies(module) for module in MODULES}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def where(module: str, line: int) -> str:
    return f"{MODULES[module].relative_to(PACKAGE.parent.parent).as_posix()}:{line}"


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


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, {})):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def cycle_in(group: list[str]) -> list[str]:
    """One concrete cycle through a strongly connected group, as a path that ends where it starts."""
    members = set(group)
    path = [group[0]]
    seen = {group[0]: 0}
    while True:
        step = next(target for target in sorted(GRAPH[path[-1]]) if target in members)
        if step in seen:
            return path[seen[step]:] + [step]
        seen[step] = len(path)
        path.append(step)


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


def third_party(target: str) -> bool:
    top = target.split(".")[0]
    return bool(top) and top != PACKAGE_NAME and top not in sys.stdlib_module_names


def dependency_bindings(module: str) -> dict[str, str]:
    """Names bound in ``module`` by importing a third-party package, each with what it is bound to."""
    bound: dict[str, str] = {}
    for node in ast.walk(TREES[module]):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if third_party(alias.name):
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and not node.level and third_party(node.module or ""):
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def attribute_chain(node: ast.Attribute) -> tuple[str | None, list[str]]:
    """``a.b.c`` -> ("a", ["b", "c"]); the root is None when it is not a plain name."""
    attrs = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        attrs.append(current.attr)
        current = current.value
    return (current.id if isinstance(current, ast.Name) else None), attrs[::-1]


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
