"""Whose turn it is to write an output folder, and what an interrupted build left beside it.

Builds writing one output folder take turns through a lock file in the site's store
(``.ballerina-cache/lock-<hash of the output's path>``: nothing is left beside the output); the one
holding it first puts back an output that an interrupted two-rename swap left aside (see system.py)
and drops stale staging folders. The staging folder itself (``.<output>.building-<pid>``) lives
beside the output only while a build runs: the swap is a rename, so it must be on the same disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

BUILDING = ".building-"
PREVIOUS = ".previous-"


class OutputError(Exception):
    """The output could not be written; the message says why and that the previous output is intact."""


def _siblings(output: Path, marker: str) -> list[Path]:
    prefix = f".{output.name}{marker}"
    if not output.parent.is_dir():
        return []
    return sorted(p for p in output.parent.iterdir() if p.name.startswith(prefix))


@contextlib.contextmanager
def output_lock(path: Path, output: Path) -> Iterator[None]:
    """Hold the lock file ``path`` of ``output`` for the whole write; a second build gets a message,
    not a mixed folder."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            raise OutputError(f"another build is writing {output} right now"
                              + (f" (process {holder})" if holder else "")
                              + "; wait for it to finish, then build again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock; the file stays, so there is no race on deleting it


def recover(output: Path) -> None:
    """Put back an output folder left aside by an interrupted swap, and drop stale temp folders.
    Only called under the output lock, so no other build's temp folder is in use."""
    previous = _siblings(output, PREVIOUS)
    if previous and not output.exists():
        os.rename(previous[-1], output)
        previous = previous[:-1]
    for leftover in previous + _siblings(output, BUILDING):
        shutil.rmtree(leftover, ignore_errors=True)
