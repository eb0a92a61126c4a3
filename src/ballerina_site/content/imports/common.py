"""What every importer shares: the notes of its report, one converted post, the front matter of
another generator (YAML, TOML or JSON) read with its lines, and our article written out.

An importer turns an old site's files into our articles; it never runs as part of a build
(``pipeline/importing.py`` writes what it returns, ``cli/importer.py`` prints the report).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from ...core.yamlload import YamlFailure, load_mapping
from ..frontmatter import normalise_text

NoteKind = Literal["adjusted", "human", "error", "skipped"]


@dataclass(frozen=True, slots=True)
class Note:
    """One line of the import report: ``path:line: message``."""

    kind: NoteKind  # adjusted: changed on purpose; human: left for an editor; error: the post is left out;
    # skipped: files left out on purpose (another language)
    path: str  # the old site's file, as the user named it
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}{f':{self.line}' if self.line else ''}: {self.message}"


@dataclass(frozen=True, slots=True)
class Copy:
    """A file a post uses, copied from the old site into ``static/``."""

    source: Path
    target: str  # path under static/, with /


@dataclass(slots=True)
class Converted:
    """One old post as one of our articles (``text`` empty: it could not be converted)."""

    source: str  # shown in the report
    target: str  # path under content/, with /
    text: str = ""
    notes: list[Note] = field(default_factory=list)
    copies: list[Copy] = field(default_factory=list)
    origin: Path | None = None  # the old file

    def note(self, kind: NoteKind, line: int | None, message: str) -> None:
        self.notes.append(Note(kind, self.source, line, message))


@dataclass(frozen=True, slots=True)
class OldFile:
    """Another generator's file: its front matter, the line of each key, its body and the body's line."""

    meta: dict[str, Any]
    lines: dict[str, int]
    body: str
    body_line: int


def split_old(text: str) -> OldFile | tuple[int, str]:
    """Front matter between ``---`` (YAML), ``+++`` (TOML) or a JSON object, then the body; a
    problem as (line, message). A file without front matter has an empty one."""
    text = normalise_text(text)
    lines = text.split("\n")
    first = lines[0].rstrip() if lines else ""
    if first in ("---", "+++"):
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (first, "...")), None)
        if end is None:
            return 1, "front matter is not closed"
        inner = "\n".join(lines[1:end])
        body = "\n".join(lines[end + 1:])
        if first == "---":
            loaded = load_mapping(inner)
            if isinstance(loaded, YamlFailure):
                return (loaded.line or 0) + 1, loaded.message
            return OldFile(loaded.data, {k: v + 1 for k, v in loaded.key_lines.items()}, body, end + 2)
        try:
            meta = tomllib.loads(inner)
        except tomllib.TOMLDecodeError as exc:
            return 1, f"invalid TOML front matter: {exc}"
        return OldFile(meta, key_lines(lines[1:end], 2, r"^\s*([A-Za-z0-9_-]+)\s*="), body, end + 2)
    if first.startswith("{"):
        try:
            meta, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            return exc.lineno, f"invalid JSON front matter: {exc.msg}"
        if not isinstance(meta, dict):
            return 1, "JSON front matter is not an object"
        head = text[:end].count("\n")
        return OldFile(meta, key_lines(lines[:head + 1], 1, r'^\s*"([^"]+)"\s*:'), text[end:].lstrip("\n"),
                       head + 2)
    return OldFile({}, {}, text, 1)


def read_old(post: Converted, path: Path) -> OldFile | None:
    """An old post's file read and split; a file that cannot be is noted as an error (left out)."""
    try:
        old = split_old(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        post.note("error", None, f"cannot read it: {exc}")
        return None
    if isinstance(old, tuple):
        post.note("error", old[0], old[1])
        return None
    return old


def key_lines(lines: list[str], first: int, pattern: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, line in enumerate(lines):
        match = re.match(pattern, line)
        if match:
            found.setdefault(match.group(1), first + index)
    return found


def names(value: Any) -> list[str]:
    """Categories, tags or authors in every form: a list, a comma-separated text, or (without a
    comma) a space-separated one, as Jekyll reads it."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    text = str(value)
    parts = text.split(",") if "," in text else text.split()
    return [part.strip() for part in parts if part.strip()]


def author_names(meta: dict[str, Any]) -> list[str]:
    """``authors:`` in every form, else ``author:`` as one name (a comma kept) or a list."""
    if meta.get("authors") is not None:
        return names(meta["authors"])
    if isinstance(meta.get("author"), list):
        return names(meta["author"])
    return [str(meta["author"]).strip()] if meta.get("author") else []


def byline(meta: dict[str, Any], authors: list[str]) -> None:
    """``author:`` for one, ``authors:`` for several."""
    if len(authors) > 1:
        meta["authors"] = authors
    elif authors:
        meta["author"] = authors[0]


def plain(value: Any) -> Any:
    """A value our YAML writer can keep: dates stay dates, anything else odd becomes text."""
    if isinstance(value, (str, int, float, bool, date, datetime)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def write_article(meta: dict[str, Any], body: str) -> str:
    """Our article: YAML front matter (lists in brackets, Unicode as written), then the body."""
    front = yaml.safe_dump({k: plain(v) for k, v in meta.items() if v not in (None, "", [], ())},
                           sort_keys=False, allow_unicode=True, default_flow_style=None, width=10_000)
    return f"---\n{front}---\n{body.lstrip(chr(10))}" + ("" if body.endswith("\n") else "\n")
