"""What is under an output folder: its files with their size, mtime and inode, its folders, and
anything else (symlinks, devices), which is never followed.

A rebuild of a big site needs two such listings, of the previous output and of the spare tree
(writer.py); at 10,000 articles each costs about 0.2 s, almost all of it in the kernel (one
directory read per page folder). They are made in the build process, when first needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple


class FileStat(NamedTuple):
    """What tells one version of an output file from another without reading it."""

    size: int
    mtime_ns: int
    inode: int


class OldFile(NamedTuple):
    path: str  # real path in the folder listed
    stat: FileStat


class Listing(NamedTuple):
    files: dict[str, OldFile]  # relative path -> file
    folders: set[str]  # relative paths
    others: list[str]  # relative paths of symlinks, devices ...: never followed, never reused


def file_stat(info: os.stat_result) -> FileStat:
    return FileStat(info.st_size, info.st_mtime_ns, info.st_ino)


def listing(folder: Path, sizes: bool = True) -> Listing:
    """Under ``folder`` (nothing if it is missing or a symlink); without ``sizes`` only inodes are
    known (no stat call per file) and size and mtime are -1."""
    files: dict[str, OldFile] = {}
    folders: set[str] = set()
    others: list[str] = []
    if folder.is_symlink() or not folder.is_dir():
        return Listing(files, folders, others)
    base = str(folder) + "/"
    todo = [("", str(folder))]
    while todo:
        prefix, current = todo.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    relative = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.add(relative)
                        todo.append((relative + "/", entry.path))
                    elif not entry.is_file(follow_symlinks=False):
                        others.append(relative)
                    elif sizes:
                        files[relative] = OldFile(base + relative, file_stat(entry.stat(follow_symlinks=False)))
                    else:
                        files[relative] = OldFile(base + relative, FileStat(-1, -1, entry.inode()))
        except OSError:
            continue  # unreadable: its files are simply written anew
    return Listing(files, folders, others)


def inodes(folder: str) -> tuple[int, dict[str, int]]:
    """A folder's device and the inodes of its files by name (-1 and none when it cannot be read)."""
    try:
        device = os.stat(folder).st_dev
        with os.scandir(folder) as entries:
            return device, {entry.name: entry.inode() for entry in entries}
    except OSError:
        return -1, {}
