"""The import graph of the package, read from its source with ``ast`` (nothing of it is imported):
its modules, what each imports (relative imports resolved), the arrows between our modules and the
groups of modules that import each other. Used by test_architecture.py.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE_NAME = "ballerina_site"
PACKAGE = Path(__file__).resolve().parent.parent / "src" / PACKAGE_NAME


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


def where(module: str, line: int) -> str:
    return f"{MODULES[module].relative_to(PACKAGE.parent.parent).as_posix()}:{line}"


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
