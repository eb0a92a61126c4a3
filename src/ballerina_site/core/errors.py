"""Problems found in a site's input, reported as ``path:line: message (hint)``.

Every stage collects problems instead of raising on the first one, so an editor sees all of them
in one run. A stage that cannot go on raises :class:`SiteError` carrying everything it found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, as `path:line: message (hint)`; warnings too."""

    path: str
    line: int | None
    message: str
    hint: str | None = None
    level: Level = "error"
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {'warning: ' if self.level == 'warning' else ''}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class SiteError(Exception):
    """Raised when the input has at least one error; carries every problem found so far."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path | None) -> str:
    """Paths in messages are relative to the site root, as an editor thinks of them."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def raise_if_errors(problems: Iterable[Problem]) -> None:
    problems = tuple(problems)
    if any(p.is_error for p in problems):
        raise SiteError(problems)
