"""Processed images in the store: ``images/<kk>/<key>/``, one folder per source image (or card) and
settings, holding each variant as a plain file and a ``manifest`` (store format, files.py) that lists
them, written last, so an entry without a valid manifest reads as missing.

The key is a hash of the source's bytes and everything that shapes the variants (settings, role, the
format version), not the store's version key: neither editing the tool's code nor a new Pillow
re-encodes a thousand photographs (their variants stay valid; bump the format version to redo them). Which bytes a source file holds is remembered by its stat
(``images-index``), so a rebuild hashes only the images whose files changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any, Iterable

from . import files
from .store import Store

FOLDER = "images"
INDEX = "images-index"
MANIFEST = "manifest"
MANIFEST_KEY = "images-1"
Entry = list[tuple[str, str, int, int, int]]  # (role, Pillow format, width, height, bytes)


class ImageStore:
    """The store's processed images; with the store disabled, a folder of this build's own."""

    def __init__(self, store: Store, scratch: Path | None = None):
        self.store = store
        self.folder = store.path(FOLDER) if store.enabled or scratch is None else scratch
        loaded = store.load(INDEX) if store.enabled else None
        self.index: dict[str, tuple[tuple[int, int, int, int], str]] = loaded if isinstance(loaded, dict) else {}
        self._index_changed = False

    def entry_folder(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def file(self, key: str, role: str, extension: str) -> Path:
        return self.entry_folder(key) / f"{role}.{extension}"

    def entry(self, key: str) -> Entry | None:
        value = files.read(self.entry_folder(key) / MANIFEST, MANIFEST, MANIFEST_KEY)
        if not isinstance(value, list):
            return None
        return [tuple(item) for item in value]  # type: ignore[misc]

    def put(self, key: str, made: Iterable[tuple[str, str, str, int, int, bytes]]) -> Entry:
        """``made``: (role, format, extension, width, height, bytes) of every variant."""
        folder = self.entry_folder(key)
        folder.mkdir(parents=True, exist_ok=True)
        entry: Entry = []
        for role, fmt, extension, width, height, data in made:
            path = folder / f"{role}.{extension}"
            temp = folder / f".{role}.{os.getpid()}.tmp"
            temp.write_bytes(data)
            os.replace(temp, path)
            entry.append((role, fmt, width, height, len(data)))
        files.write(folder / MANIFEST, MANIFEST, MANIFEST_KEY, [list(item) for item in entry])
        return entry

    def digest(self, path: Path) -> str:
        """The hash of a file's bytes, remembered by its stat (size, mtime, ctime, inode)."""
        name = str(path)
        seen = files.signature(path)
        known = self.index.get(name)
        if seen is not None and known is not None and tuple(known[0]) == seen:
            return known[1]
        value = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        if seen is not None:
            self.index[name] = (seen, value)
            self._index_changed = True
        return value

    def save_index(self, used: Iterable[str]) -> None:
        """Keep the stats of the files this build used, and only those."""
        wanted = set(used)
        if set(self.index) - wanted:
            self.index = {name: value for name, value in self.index.items() if name in wanted}
            self._index_changed = True
        if self._index_changed and self.store.enabled:
            self.store.save(INDEX, self.index)
            self._index_changed = False

    def prune(self, keep: Iterable[str]) -> int:
        """Remove the entries this build did not use; how many went."""
        wanted = set(keep)
        removed = 0
        if not self.folder.is_dir():
            return 0
        for shard in self.folder.iterdir():
            if not shard.is_dir():
                continue
            for entry in shard.iterdir():
                if entry.name not in wanted:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        return removed


def entry_key(*parts: Any) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
