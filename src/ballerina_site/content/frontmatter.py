"""Split an article file into its YAML front matter and its Markdown body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.yamlload import YamlFailure, load_mapping

FENCE = "---"


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A file split into its front matter's values (with their lines) and its body."""

    meta: dict[str, Any]
    key_lines: dict[str, int]  # 1-based file lines
    body: str
    body_line: int  # file line where the body starts


@dataclass(frozen=True, slots=True)
class FrontMatterFailure:
    """Front matter that cannot be read, and where."""

    line: int | None
    column: int | None
    message: str
    hint: str | None = None


def normalise_text(text: str) -> str:
    """Accept what editors save: a UTF-8 BOM and CRLF or CR line endings."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(text: str) -> FrontMatter | FrontMatterFailure:
    text = normalise_text(text)
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return FrontMatterFailure(1, None, "no front matter",
                                  "start the file with a `---` line, then `title:` and `date:`, then `---`")
    end = None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            end = index
            break
    if end is None:
        return FrontMatterFailure(1, None, "front matter is not closed",
                                  "add a `---` line after the last front matter key")
    loaded = load_mapping("\n".join(lines[1:end]))
    if isinstance(loaded, YamlFailure):
        line = loaded.line + 1 if loaded.line is not None else 1
        return FrontMatterFailure(line, loaded.column, loaded.message, loaded.hint)
    key_lines = {key: line + 1 for key, line in loaded.key_lines.items()}
    body = "\n".join(lines[end + 1:])
    return FrontMatter(loaded.data, key_lines, body, end + 2)
