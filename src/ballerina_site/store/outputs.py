"""Which files of the previous output can stay as they are, so a build renders only what changed.

After each build the store keeps, per generated file, its fingerprint (fingerprints.py) and the
size, mtime and inode it had when that build wrote or kept it. The next build keeps a file without
rendering it when its fingerprint is the same and the file in the output still has that size, mtime
and inode, so a hand edit to the output, a restored backup or another tool writing there is noticed
and the file made again. A missing or damaged record only means everything is rendered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, NamedTuple

from ..output.listing import FileStat, OldFile
from .store import Store

KIND = "outputs"


class Record(NamedTuple):
    fingerprint: bytes
    stat: FileStat


def _valid(relative: object, item: object) -> bool:
    return (isinstance(relative, str) and isinstance(item, tuple) and len(item) == 4
            and isinstance(item[0], bytes) and all(isinstance(n, int) for n in item[1:]))


def load_records(store: Store, output: Path) -> dict[str, Record]:
    """Per output file, its record (see the module docstring); to be read, not changed."""
    data = store.load(store.per_output(KIND, output))
    if not isinstance(data, dict) or data.get("output") != str(output.absolute()):
        return {}
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    memo = store.memo(KIND)
    if memo.get("files") is files:  # the preview: the very record it saved last build
        return memo["records"]  # type: ignore[no-any-return]
    if not all(_valid(relative, item) for relative, item in files.items()):
        return {}  # a record of the wrong shape: trust none of it
    records = {relative: Record(item[0], FileStat(*item[1:])) for relative, item in files.items()}
    if store.in_memory:
        memo.update(files=files, records=records)
    return records


def save_records(store: Store, output: Path, fingerprints: Mapping[str, bytes | None],
                 stats: Mapping[str, FileStat]) -> bool:
    files = {relative: (fingerprint, *stats[relative]) for relative, fingerprint in fingerprints.items()
             if fingerprint is not None and relative in stats}
    saved = store.save(store.per_output(KIND, output), {"output": str(output.absolute()), "files": files})
    if saved and store.in_memory:
        memo = store.memo(KIND)
        memo.update(files=files, records={relative: Record(item[0], FileStat(*item[1:]))
                                          for relative, item in files.items()})
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
