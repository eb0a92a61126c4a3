"""Safe YAML loading that remembers on which line each top-level key was written.

Only the safe loaders are used (libyaml's ``CSafeLoader`` when present: same safety, ~8x faster),
so a ``!!python/object`` tag is an error, never code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # pragma: no cover - depends on how PyYAML was built
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_NODES = 200_000
"""More YAML nodes than this (counting each alias use) is refused: it stops 'billion laughs' bombs."""


@dataclass(frozen=True, slots=True)
class YamlFailure:
    """YAML that cannot be read, and where."""

    line: int | None  # 1-based, relative to the YAML text
    column: int | None
    message: str
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class YamlMapping:
    """A YAML mapping with the line of each key, for messages about its values."""

    data: dict[str, Any]
    key_lines: dict[str, int]  # 1-based, relative to the YAML text


def load_mapping(text: str) -> YamlMapping | YamlFailure:
    """Parse ``text`` as a YAML mapping (empty text is an empty mapping)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlMapping({}, {})
        if not isinstance(node, yaml.MappingNode):
            return YamlFailure(node.start_mark.line + 1, None, "front matter is not a mapping of keys to values",
                               "write `key: value` lines")
        if _count_nodes(node) > MAX_NODES:
            return YamlFailure(node.start_mark.line + 1, None,
                               f"YAML expands to more than {MAX_NODES:,} values",
                               "aliases (`*name`) repeated this much look like a YAML bomb")
        data = _construct_mapping(loader, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "invalid YAML"
        hint = None
        if "\t" in text and "tab" in message:
            hint = "YAML does not allow tabs for indentation; use spaces"
        elif exc.problem and "constructor" in exc.problem:
            hint = "only plain YAML values are allowed"
        return YamlFailure(mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                           f"invalid YAML: {message}", hint)
    except yaml.reader.ReaderError as exc:  # a control character: name its place, not the whole text
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        return YamlFailure(line, column, f"invalid YAML: unacceptable character #x{code:04x}: "
                                         f"{exc.reason}", "remove the invisible character")
    except yaml.YAMLError as exc:
        return YamlFailure(None, None, f"invalid YAML: {exc}")
    except (RecursionError, MemoryError):
        return YamlFailure(None, None, "YAML is nested too deeply to read")
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        return YamlFailure(1, None, "front matter is not a mapping of keys to values")
    key_lines: dict[str, int] = {}
    for key_node, _value in node.value:
        key_lines.setdefault(str(key_node.value), key_node.start_mark.line + 1)
    return YamlMapping({str(key): value for key, value in data.items()}, key_lines)


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    """Construct value by value, so one impossible value (a date like 2025-02-30) stays readable text
    for the caller to report at its own line instead of failing the whole document."""
    data: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            value = loader.construct_object(value_node, deep=True)
        except (ValueError, OverflowError):
            value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "a key must be plain text",
                                                    key_node.start_mark)
        data.setdefault(key, value)
    return data


def _count_nodes(root: yaml.Node) -> int:
    """Count nodes as they would be expanded, giving up early once over the limit."""
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            break
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return count
