"""The little of Liquid an archive's posts use to show data, worked out at import time:
``{% assign x = site.data.releases | where: "version", "2.7.2" | first %}`` and ``{{ x.url.gz }}``,
``{{ site.repository }}``, ``{{ page.version }}``. Anything else is left for a human.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from ...core.yamlload import YamlFailure, load_mapping

MAX_DATA_BYTES = 5 * 1024 * 1024
ASSIGN = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*(.+?)\s*$")
_MISSING = object()


def load_data(folder: Path) -> dict[str, Any]:
    """``_data/*.yml|yaml|json`` (sub-folders nested) as ``site.data``; unreadable files are skipped."""
    data: dict[str, Any] = {}
    if not folder.is_dir():
        return data
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in (".yml", ".yaml", ".json") or path.stat().st_size > MAX_DATA_BYTES:
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            value = json.loads(text) if path.suffix == ".json" else _yaml(text)
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        place = data
        for part in path.relative_to(folder).with_suffix("").parts[:-1]:
            place = place.setdefault(part, {})
        place[path.stem] = value
    return data


def _yaml(text: str) -> Any:
    """A data file may be a list at the top: wrap it so the one safe loader reads it."""
    loaded = load_mapping("value:\n" + "\n".join("  " + line for line in text.split("\n")))
    if isinstance(loaded, YamlFailure):
        raise ValueError(loaded.message)
    return loaded.data.get("value")


def lookup(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in path.strip().split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif part == "size" and isinstance(value, (list, str, dict)):
            value = len(value)
        elif isinstance(value, list) and part in ("first", "last") and value:
            value = value[0 if part == "first" else -1]
        else:
            return _MISSING
    return value


def evaluate(context: dict[str, Any], expression: str) -> Any:
    """A variable path through ``where``, ``first``, ``last``; ``_MISSING`` when it is anything else."""
    parts = [part.strip() for part in expression.split("|")]
    head = parts[0]
    value = head[1:-1] if head[:1] in "\"'" and head[-1:] == head[:1] else lookup(context, head)
    for step in parts[1:]:
        name, _, rest = step.partition(":")
        args = [arg.strip().strip("\"'") for arg in rest.split(",")] if rest else []
        if name.strip() == "where" and len(args) == 2 and isinstance(value, list):
            value = [item for item in value if isinstance(item, dict) and text(item.get(args[0])) == args[1]]
        elif name.strip() in ("first", "last") and isinstance(value, list) and not args:
            value = (value[0] if name.strip() == "first" else value[-1]) if value else _MISSING
        else:
            return _MISSING
    return value


def text(value: Any) -> str | None:
    """A plain value as Liquid prints it; None for anything that is not plain."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float, date)):
        return str(value)
    return None


def assign(context: dict[str, Any], tag: str) -> bool:
    """Work out ``name = expression`` into ``context``; False when it cannot be."""
    match = ASSIGN.match(tag)
    if not match:
        return False
    value = evaluate(context, match.group(2))
    if value is _MISSING:
        return False
    context[match.group(1)] = value
    return True


def output(context: dict[str, Any], expression: str) -> str | None:
    """What ``{{ expression }}`` prints, when it is a plain value; else None."""
    value = evaluate(context, expression)
    return None if value is _MISSING else text(value)
