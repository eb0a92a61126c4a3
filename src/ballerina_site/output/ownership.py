"""Whose folder the output is: a build replaces a folder only when it is the tool's own.

Every output carries a marker file, :data:`MARKER`, that the build writes. A folder that exists,
holds something and has no marker belongs to someone else (``-o ~/Documents`` by mistake): the
build refuses it, unless told ``force``; even then its files are never deleted, but set aside
beside it under a name the tool never cleans up (:func:`set_aside_path`) and the build says where.
A path that is a file is refused. A symlinked output builds into the folder it points at (the swap
happens behind the link, which is left as it is), so a link to a deploy folder keeps working.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .lock import OutputError

MARKER = ".ballerina-output"
MARKER_TEXT = (b"This folder is made by ballerina-site. Every build replaces it whole:\n"
               b"do not keep your own files here.\n")
"""What the marker says (the same in every output, so builds stay byte-identical): nothing about
the machine or the site, since a deploy may publish the whole folder."""
SET_ASIDE = ".before-ballerina-"
LEGACY_RECORD = "build-info.json"
"""Outputs made before the marker existed carry this record, naming the generator: still the tool's."""


def _made_before_the_marker(folder: Path, entries: list[str]) -> bool:
    """An output of an earlier release: its published build record names ballerina-site first thing."""
    if LEGACY_RECORD not in entries:
        return False
    record = folder / LEGACY_RECORD
    if record.is_symlink() or not record.is_file():
        return False
    try:
        with open(record, "rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    return head.lstrip().startswith(b'{') and b'"generator": "ballerina-site ' in head


@dataclass(frozen=True, slots=True)
class OutputClaim:
    """The folder to build (the real one behind a symlink) and where a foreign folder goes."""

    folder: Path
    set_aside: Path | None = None  # forced over a folder the tool did not make: where its files go


def set_aside_path(folder: Path, now: datetime | None = None) -> Path:
    """``<folder>.before-ballerina-<UTC time>`` beside it (same file system: a rename, not a copy)."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    candidate = folder.parent / f"{folder.name}{SET_ASIDE}{stamp}"
    number = 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = folder.parent / f"{folder.name}{SET_ASIDE}{stamp}-{number}"
    return candidate


def real_folder(output: Path) -> Path:
    """The folder a build swaps: ``output`` itself, or the folder a symlink at ``output`` points to.
    Raises :class:`OutputError` for a file, a dangling link or a link to a file."""
    if output.is_symlink():
        target = output.resolve()
        if not target.is_dir():
            raise OutputError(f"{output} is a symbolic link to {target}, which is not a folder; "
                              "point it at a folder (the build writes into the folder behind the link)")
        return target
    if output.exists() and not output.is_dir():
        raise OutputError(f"{output} is a file, not a folder; refusing to replace it "
                          "(choose a folder for the output, e.g. public/)")
    return output


def claim(output: Path, force: bool) -> OutputClaim:
    """Check that the build may replace ``output``; raises :class:`OutputError` with the reason."""
    folder = Path(os.path.abspath(real_folder(output)))
    try:
        entries = os.listdir(folder) if folder.is_dir() else []
    except OSError as exc:
        raise OutputError(f"cannot read the output folder {folder}: {exc.strerror or exc}") from None
    marker = folder / MARKER
    if not entries or (MARKER in entries and marker.is_file() and not marker.is_symlink()) \
            or _made_before_the_marker(folder, entries):
        return OutputClaim(folder)
    if not force:
        raise OutputError(f"{output} already holds files that ballerina-site did not make (it has no "
                          f"{MARKER} marker); refusing to replace them (choose a new or empty folder, "
                          f"or pass --force to move them aside to {folder.name}{SET_ASIDE}<time> and "
                          "build there)")
    return OutputClaim(folder, set_aside_path(folder))
