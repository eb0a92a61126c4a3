"""Atomic output: build the whole site in a temporary folder beside the output, then swap it in.

A failed or interrupted build never touches the previous output; files of deleted articles are gone
after the swap because the new folder holds only what this build made. A swap interrupted halfway
(output moved aside, new one not yet in place) is undone by the next build.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

BUILDING = ".building-"
PREVIOUS = ".previous-"


@dataclass(frozen=True, slots=True)
class WriteReport:
    pages: int
    static_files: int


def _siblings(output: Path, marker: str) -> list[Path]:
    prefix = f".{output.name}{marker}"
    if not output.parent.is_dir():
        return []
    return sorted(p for p in output.parent.iterdir() if p.name.startswith(prefix))


def recover(output: Path) -> None:
    """Put back an output folder left aside by an interrupted swap, and drop stale temp folders."""
    previous = _siblings(output, PREVIOUS)
    if previous and not output.exists():
        os.rename(previous[-1], output)
        previous = previous[:-1]
    for leftover in previous + _siblings(output, BUILDING):
        shutil.rmtree(leftover, ignore_errors=True)


def _inside(base: Path, relative: str) -> Path:
    target = base.joinpath(*relative.split("/"))
    if os.path.commonpath([os.path.abspath(target), os.path.abspath(base)]) != os.path.abspath(base):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return target


def write_site(output: Path, pages: Mapping[str, bytes], static: Mapping[str, Path],
               finish: Callable[[Path], None] | None = None) -> WriteReport:
    """Write ``pages`` (output path -> bytes) and copy ``static`` (output path -> source file).

    ``finish`` runs on the complete staging folder before the swap (e.g. the search indexer); if it
    raises, the staging folder is dropped and the previous output stays as it was."""
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    recover(output)
    staging = output.parent / f".{output.name}{BUILDING}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        made: set[Path] = {staging}
        for relative, source in sorted(static.items()):
            target = _inside(staging, relative)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            shutil.copy2(source, target)
        for relative, data in sorted(pages.items()):
            target = _inside(staging, relative)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            with open(target, "wb") as handle:
                handle.write(data)
        if finish is not None:
            finish(staging)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(len(pages), len(static))


def _swap(staging: Path, output: Path) -> None:
    previous = output.parent / f".{output.name}{PREVIOUS}{os.getpid()}"
    if output.exists() or output.is_symlink():
        os.rename(output, previous)
    os.rename(staging, output)
    shutil.rmtree(previous, ignore_errors=True)
