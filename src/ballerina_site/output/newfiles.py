"""New files in the site folder (``ballerina-site import``): written whole or not at all, and never
over a file that is already there.

Each file is written to a temporary name beside its place, then hard-linked into place: the link
fails if the name is taken, so even a file that appears meanwhile is never overwritten, and a reader
never sees half a file. Where hard links are not allowed, an exclusive create is used instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` as the new file ``path``; False (nothing written) when ``path`` exists."""
    if path.exists() or path.is_symlink():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links here (some network or FAT file systems)
            return _exclusive(path, data)
        return True
    finally:
        Path(temp).unlink(missing_ok=True)


def _exclusive(path: Path, data: bytes) -> bool:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True
