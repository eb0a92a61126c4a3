"""What is under an output folder: its files with their size, mtime and inode, its folders, and
anything else (symlinks, devices), which is never followed.

A folder of the tool's own made files (processed pictures: hard links to the build store) can be
*sealed*: the store recorded its inode, mtime and ctime when a build left it, and which of its
entries are not made files. While the folder still has that state, no entry was added, removed or
renamed in it since (the kernel sets a folder's ctime on each, and nothing can set a ctime back), so
its made files are known without reading the folder: only its other entries are looked at. A
folder whose state differs is read as usual.

A rebuild of a big site needs two such listings, of the previous output and of the spare tree
(writer.py); at 10,000 articles each costs about 0.2 s, almost all of it in the kernel (one
directory read per page folder). They are made in the build process, when first needed.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from pathlib import Path
from typing import AbstractSet, Any, Callable, Iterable, Mapping, NamedTuple, Protocol, Sequence, TypeVar

T = TypeVar("T")


class Pending(Protocol[T]):
    """Work started in another process (pipeline/parallel.py's ``Ahead``)."""

    def taken(self) -> T | None: ...  # its value, or None if that process failed

    def cancel(self) -> None: ...


Split = Callable[[Callable[[], Any]], "Pending[Any] | None"]  # pipeline/parallel.py's ``ahead``


class FileStat(NamedTuple):
    """What tells one version of an output file from another without reading it."""

    size: int
    mtime_ns: int
    inode: int


class OldFile(NamedTuple):
    path: str  # real path in the folder listed
    stat: FileStat


class Seal(NamedTuple):
    """A folder of made files as a build left it (see the module docstring)."""

    inode: int
    mtime_ns: int
    ctime_ns: int
    others: tuple[str, ...]  # names of its entries that are not made files (other files, subfolders)


class Listing(NamedTuple):
    files: dict[str, OldFile]  # relative path -> file (the made files of sealed folders left out)
    folders: set[str]  # relative paths
    others: list[str]  # relative paths of symlinks, devices ...: never followed, never reused
    sealed: AbstractSet[str] = frozenset()  # folders found as sealed: their made files are not in ``files``


Seals = Mapping[str, Sequence[Seal]]
"""Relative folder -> the seals it may match (one per output tree the store knows)."""


def file_stat(info: os.stat_result) -> FileStat:
    return FileStat(info.st_size, info.st_mtime_ns, info.st_ino)


def folder_state(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_ino, info.st_mtime_ns, info.st_ctime_ns


def matching(info: os.stat_result, candidates: Sequence[Seal]) -> Seal | None:
    state = folder_state(info)
    return next((seal for seal in candidates if seal[:3] == state), None)


def listing(folder: Path, sizes: bool = True, seals: Seals | None = None) -> Listing:
    """Under ``folder`` (nothing if it is missing or a symlink); without ``sizes`` only inodes are
    known (no stat call per file) and size and mtime are -1. A subfolder that matches one of its
    ``seals`` is not read: only its other entries are (see the module docstring)."""
    files: dict[str, OldFile] = {}
    folders: set[str] = set()
    others: list[str] = []
    sealed: set[str] = set()
    if folder.is_symlink() or not folder.is_dir():
        return Listing(files, folders, others, sealed)
    base = str(folder) + "/"
    todo: list[tuple[str, str, tuple[str, ...] | None]] = [("", str(folder), None)]
    while todo:
        prefix, current, names = todo.pop()
        if names is not None:
            _sealed_entries(base, prefix, names, sizes, (files, folders, others, sealed), todo, seals)
            continue
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    relative = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.add(relative)
                        seal = matching(entry.stat(follow_symlinks=False), seals[relative]) \
                            if seals and relative in seals else None
                        if seal is not None:
                            sealed.add(relative)
                        todo.append((relative + "/", entry.path, seal.others if seal is not None else None))
                    elif not entry.is_file(follow_symlinks=False):
                        others.append(relative)
                    elif sizes:
                        files[relative] = OldFile(base + relative, file_stat(entry.stat(follow_symlinks=False)))
                    else:
                        files[relative] = OldFile(base + relative, FileStat(-1, -1, entry.inode()))
        except OSError:
            continue  # unreadable: its files are simply written anew
    return Listing(files, folders, others, sealed)


def _sealed_entries(base: str, prefix: str, names: tuple[str, ...], sizes: bool,
                    into: tuple[dict[str, OldFile], set[str], list[str], set[str]],
                    todo: list[tuple[str, str, tuple[str, ...] | None]], seals: Seals | None) -> None:
    """The entries of a sealed folder that are not made files, one ``lstat`` each (its subfolders
    are read as usual, or are sealed too)."""
    files, folders, others, sealed = into
    for name in names:
        relative = prefix + name
        try:
            info = os.lstat(base + relative)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            folders.add(relative)
            seal = matching(info, seals[relative]) if seals and relative in seals else None
            if seal is not None:
                sealed.add(relative)
            todo.append((relative + "/", base + relative, seal.others if seal is not None else None))
        elif not stat.S_ISREG(info.st_mode):
            others.append(relative)
        else:
            files[relative] = OldFile(base + relative, file_stat(info) if sizes else FileStat(-1, -1, info.st_ino))


def unchanged(folder: Path, files: Mapping[str, tuple[int, int, int]], folders: AbstractSet[str],
              seals: Mapping[str, Seal], split: Split | None = None) -> bool:
    """Whether ``folder`` holds exactly these files (each with its recorded :class:`FileStat`) and
    folders, its sealed folders all still sealed and nothing else: what :func:`listing` would find,
    compared as the folder is read, stopping at the first difference (a build that finds nothing
    changed reads every file's stat of a big output: this is its cost, with no object made per file).
    ``split``: from :data:`SPLIT_FROM` recorded files, half of the folders below the first level are
    compared by another process (pipeline/parallel.py's ``ahead``) meanwhile: the kernel's work (a
    directory read per folder, a stat per file), on both cores."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    base = str(folder) + "/"
    counted = [0, 0]  # files, folders
    todo: Todo = [("", None)]
    if split is None or len(files) < SPLIT_FROM:
        return _walk(base, todo, files, folders, seals, counted) and counted == [len(files), len(folders)]
    if not _walk(base, todo, files, folders, seals, counted, levels=2):
        return False
    todo.sort()
    theirs, ours = todo[1::2], todo[0::2]
    pending = split(lambda: _counted(base, theirs, files, folders, seals))
    if pending is None:
        ours = todo
    same = _walk(base, ours, files, folders, seals, counted)
    if pending is not None:
        if not same:
            pending.cancel()
            return False
        got = pending.taken()  # None: that process failed, and this one does its half
        if got is None:
            got = _counted(base, theirs, files, folders, seals)
        same = got[0]
        counted = [counted[0] + got[1], counted[1] + got[2]]
    return same and counted == [len(files), len(folders)]


SPLIT_FROM = 5_000  # recorded files from which halving the comparison pays for starting a process (0.01 s)
Todo = list[tuple[str, "tuple[str, ...] | None"]]  # (folder's relative path and "/", names if sealed)


def _counted(base: str, todo: Todo, files: Mapping[str, tuple[int, int, int]], folders: AbstractSet[str],
             seals: Mapping[str, Seal]) -> tuple[bool, int, int]:
    counted = [0, 0]
    return _walk(base, todo, files, folders, seals, counted), counted[0], counted[1]


def _walk(base: str, todo: Todo, files: Mapping[str, tuple[int, int, int]], folders: AbstractSet[str],
          seals: Mapping[str, Seal], counted: list[int], levels: int = 0) -> bool:
    """Compare the folders in ``todo`` and below; with ``levels``, only that many levels from the
    top: the folders below are left in ``todo``."""
    below: Todo = []
    try:
        while todo:
            prefix, names = todo.pop()
            if levels and prefix.count("/") >= levels:
                below.append((prefix, names))
                continue
            if names is None:
                with os.scandir(base + prefix) as entries:
                    found = [(entry.name, entry.stat(follow_symlinks=False)) for entry in entries]
            else:  # a sealed folder: its other entries only
                found = [(name, os.lstat(base + prefix + name)) for name in names]
            if not _same_entries(prefix, found, files, folders, seals, counted, todo):
                return False
    except OSError:
        return False
    todo.extend(below)
    return True


def _same_entries(prefix: str, found: list[tuple[str, os.stat_result]], files: Mapping[str, tuple[int, int, int]],
                  folders: AbstractSet[str], seals: Mapping[str, Seal], counted: list[int],
                  todo: Todo) -> bool:
    for name, info in found:
        relative = prefix + name
        if stat.S_ISDIR(info.st_mode):
            seal = seals.get(relative)
            if relative not in folders or (seal is not None and seal[:3] != folder_state(info)):
                return False
            counted[1] += 1
            todo.append((relative + "/", seal.others if seal is not None else None))
        elif not stat.S_ISREG(info.st_mode):
            return False
        else:
            want = files.get(relative)
            if want is None or want[2] != info.st_ino or want[1] != info.st_mtime_ns or want[0] != info.st_size:
                return False
            counted[0] += 1
    return True


class StoreInodes:
    """The device and inode of each of ``sources`` (files in the store's folders), as they are now:
    one directory read per folder that gives several of them (an image's variants), a stat where it
    gives one (a social card: a twentieth of the time of reading its folder)."""

    def __init__(self, sources: Iterable[str]) -> None:
        self._shared = Counter(source.rpartition("/")[0] for source in sources)
        self._folders: dict[str, tuple[int, dict[str, int]]] = {}

    def __getitem__(self, source: str) -> tuple[int, int | None]:
        folder, _, name = source.rpartition("/")
        if self._shared[folder] < 2:
            try:
                info = os.stat(source)
            except OSError:
                return -1, None
            return info.st_dev, info.st_ino
        found = self._folders.get(folder)
        if found is None:
            found = self._folders[folder] = _inodes(folder)
        return found[0], found[1].get(name)


def _inodes(folder: str) -> tuple[int, dict[str, int]]:
    """A folder's device and the inodes of its files by name (-1 and none when it cannot be read)."""
    try:
        device = os.stat(folder).st_dev
        with os.scandir(folder) as entries:
            return device, {entry.name: entry.inode() for entry in entries}
    except OSError:
        return -1, {}
