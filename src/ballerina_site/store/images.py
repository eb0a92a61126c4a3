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
ENTRIES = "images-entries"  # each entry's manifest by key, with the state of its folder when read
PUBLISHED = "published"  # per output: the seals of its folders of pictures (see output/listing.py)
MANIFEST = "manifest"
MANIFEST_KEY = "images-1"
Entry = list[tuple[str, str, int, int, int]]  # (role, Pillow format, width, height, bytes)
State = tuple[int, int, int]  # an entry folder's inode, mtime and ctime: it changes with any of its files


class ImageStore:
    """The store's processed images; with the store disabled, a folder of this build's own."""

    def __init__(self, store: Store, scratch: Path | None = None):
        self.store = store
        self.folder = store.path(FOLDER) if store.enabled or scratch is None else scratch
        loaded = store.load(INDEX) if store.enabled else None
        self.index: dict[str, tuple[tuple[int, int, int, int], str]] = loaded if isinstance(loaded, dict) else {}
        self._index_changed = False
        known = store.load(ENTRIES) if store.enabled else None
        self.known: dict[str, tuple[State, Entry, str]] = known if isinstance(known, dict) else {}
        self._known_changed = False
        self._base = str(self.folder)

    def entry_folder(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def entry_path(self, key: str) -> str:
        """:meth:`entry_folder` as a string: made for every picture of every build."""
        return f"{self._base}/{key[:2]}/{key}"

    def state(self, key: str) -> State | None:
        try:
            info = os.stat(self.entry_path(key))
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_ctime_ns

    def lookup(self, key: str) -> tuple[Entry, State] | None:
        """The entry and its folder's state: one ``stat``, the manifest read only when the folder
        changed since it was last read (or was never read)."""
        state = self.state(key)
        if state is None:
            return None
        known = self.known.get(key)
        if known is not None and len(known) == 3 and tuple(known[0]) == state:
            return known[1], state  # as saved: a list of tuples (marshal keeps tuples)
        entry = self.entry(key)
        if entry is None:
            return None
        self.known[key] = (state, entry, entry_key(entry))
        self._known_changed = True
        return entry, state

    def entry_id(self, key: str, entry: Entry) -> str:
        """A hash of the entry's manifest (what its files are), kept with it."""
        known = self.known.get(key)
        return known[2] if known is not None and len(known) == 3 else entry_key(entry)

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
        self.known.pop(key, None)
        return entry

    def digest(self, path: Path, seen: tuple[int, int, int, int] | None = None) -> str:
        """The hash of a file's bytes, remembered by its stat (size, mtime, ctime, inode); ``seen``:
        that stat, taken before the build read anything (store/uptodate.py)."""
        name = str(path)
        if seen is None or seen[0] < 0:
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
        self.index = self._save_used(INDEX, self.index, used, self._index_changed)
        self._index_changed = False

    def save_known(self, used: Iterable[str]) -> None:
        """Keep the manifests of the entries this build used, and only those."""
        self.known = self._save_used(ENTRIES, self.known, used, self._known_changed)
        self._known_changed = False

    def _save_used(self, name: str, record: dict[str, Any], used: Iterable[str], changed: bool) -> dict[str, Any]:
        """``record`` cut to the keys this build used; saved when that, or this build, changed it."""
        wanted = set(used)
        if set(record) - wanted:
            record = {key: value for key, value in record.items() if key in wanted}
            changed = True
        if changed and self.store.enabled:
            self.store.save(name, record)
        return record

    def prune(self, keep: Iterable[str]) -> int:
        """Remove the entries this build did not use; how many went."""
        wanted = set(keep)
        removed = 0
        try:
            with os.scandir(self.folder) as shards:
                folders = [shard.path for shard in shards if shard.is_dir(follow_symlinks=False)]
        except OSError:
            return 0
        for shard in folders:
            with os.scandir(shard) as entries:
                gone = [entry.path for entry in entries if entry.name not in wanted]
            for path in gone:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        return removed


def load_seals(store: Store, output: Path) -> list[dict[str, Any]]:
    """The seals the last builds into ``output`` left (the newest first): folder -> (inode, mtime,
    ctime, signature of its made files, names of its other entries)."""
    data = store.load(store.per_output(PUBLISHED, output))
    if not isinstance(data, dict) or data.get("output") != str(output.absolute()):
        return []
    trees = data.get("trees")
    if not isinstance(trees, list) or not all(isinstance(tree, dict) for tree in trees):
        return []
    return [tree for tree in trees if all(_valid_seal(value) for value in tree.values())]


def _valid_seal(value: Any) -> bool:
    return (isinstance(value, tuple) and len(value) == 5 and all(isinstance(n, int) for n in value[:3])
            and isinstance(value[3], str) and isinstance(value[4], tuple) and all(isinstance(n, str) for n in value[4]))


def save_seals(store: Store, output: Path, trees: list[dict[str, Any]]) -> bool:
    return store.save(store.per_output(PUBLISHED, output), {"output": str(output.absolute()), "trees": trees})


def entry_key(*parts: Any) -> str:
    return entry_text(repr(parts))


def entry_text(text: str) -> str:
    """:func:`entry_key` of parts whose repr is ``text``."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
