"""Which files of the previous output can stay as they are, so a build renders only what changed.

After each build with the cache on, ``.ballerina-cache/outputs-<hash of the output path>`` records,
per generated file, its fingerprint (fingerprints.py) and the size, mtime and inode it had when this
build wrote or kept it. The next build keeps a file without rendering it when its fingerprint is the
same and the file in the output still has that size, mtime and inode, so a hand edit to the output,
a restored backup or another tool writing there is noticed and the file made again. A missing,
damaged or foreign record file only means everything is rendered.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Mapping, NamedTuple

from . import cache
from ..output.listing import FileStat, OldFile

KIND = "outputs"


class Record(NamedTuple):
    fingerprint: bytes
    stat: FileStat


def _where(output: Path) -> str:
    return hashlib.blake2b(str(output.absolute()).encode(), digest_size=8).hexdigest()


def _path(root: Path, output: Path) -> Path:
    return root / cache.CACHE_DIR / f"{KIND}-{_where(output)}"


def spare_tree(root: Path, output: Path) -> Path:
    """Where the output replaced by a build waits to become the next build's staging folder."""
    return root / cache.CACHE_DIR / f"spare-{_where(output)}"


def _record(item: tuple[bytes, int, int, int]) -> Record:
    """A record as stored: (fingerprint, size, mtime, inode)."""
    return Record(item[0], FileStat(*item[1:]))


_checked: tuple[object, dict[str, Record]] | None = None
"""The last record checked, with what it was checked from: the preview (cache.keep_in_memory) loads
the very same object again after a rebuild that did not change it."""


def load_records(root: Path, output: Path) -> dict[str, Record]:
    """Per output file, its record (see the module docstring); to be read, not changed."""
    global _checked
    data = cache.load(_path(root, output), KIND)
    if not isinstance(data, dict) or data.get("output") != str(output.absolute()):
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    if _checked is not None and _checked[0] is files:
        return _checked[1]
    records: dict[str, Record] = {}
    for relative, item in files.items():
        if not (isinstance(relative, str) and isinstance(item, tuple) and len(item) == 4
                and isinstance(item[0], bytes) and all(isinstance(n, int) for n in item[1:])):
            return {}  # a record of the wrong shape: trust none of it
        records[relative] = _record(item)
    _checked = (files, records)
    return records


def save_records(root: Path, output: Path, fingerprints: Mapping[str, bytes | None],
                 stats: Mapping[str, FileStat]) -> bool:
    global _checked
    files = {relative: (fingerprint, *stats[relative]) for relative, fingerprint in fingerprints.items()
             if fingerprint is not None and relative in stats}
    saved = cache.save(_path(root, output), KIND, {"output": str(output.absolute()), "files": files})
    if saved and cache.in_memory():  # the preview's next load_records gets this very object back
        _checked = (files, {relative: _record(item) for relative, item in files.items()})
    return saved


def unchanged(fingerprints: Mapping[str, bytes | None], records: Mapping[str, Record],
              previous: Mapping[str, OldFile]) -> frozenset[str]:
    """Output files whose fingerprint is the recorded one and whose file is still the one recorded."""
    kept = []
    for relative, fingerprint in fingerprints.items():
        record = records.get(relative)
        if record is not None and fingerprint is not None and record.fingerprint == fingerprint:
            old = previous.get(relative)
            if old is not None and record.stat == old.stat:
                kept.append(relative)
    return frozenset(kept)
