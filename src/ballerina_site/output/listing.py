"""What is under an output folder: its files with their size, mtime and inode, its folders, and
anything else (symlinks, devices), which is never followed.

A rebuild of a big site needs two such listings, of the previous output and of the spare tree
(writer.py), and at 10,000 articles each costs about 0.2 s, almost all of it in the kernel (one
directory read per page folder). Nothing in them depends on the content, so :class:`Lister` makes
them in a separate process, on another core, while the build parses and plans. This module uses
only the standard library so that it can run as that process: ``python -I -S listing.py FOLDER...``
prints one ``marshal`` dump of the listings as plain lists.
"""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple, Sequence


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


def _walk(folder: str, sizes: bool) -> tuple[list[str], list[int], list[str], list[str]]:
    """The listing as plain lists: names, then (size, mtime, inode) per file in one flat list;
    without ``sizes`` only inodes are known (no stat calls) and size and mtime are -1."""
    names: list[str] = []
    numbers: list[int] = []
    folders: list[str] = []
    others: list[str] = []
    if os.path.islink(folder) or not os.path.isdir(folder):
        return names, numbers, folders, others
    todo = [("", folder)]
    while todo:
        prefix, current = todo.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(prefix + entry.name)
                        todo.append((prefix + entry.name + "/", entry.path))
                    elif not entry.is_file(follow_symlinks=False):
                        others.append(prefix + entry.name)
                    else:
                        names.append(prefix + entry.name)
                        if sizes:
                            info = entry.stat(follow_symlinks=False)
                            numbers += (info.st_size, info.st_mtime_ns, info.st_ino)
                        else:
                            numbers += (-1, -1, entry.inode())
        except OSError:
            continue  # unreadable: its files are simply written anew
    return names, numbers, folders, others


def _assemble(folder: Path, plain: Any) -> Listing:
    """A :class:`Listing` from :func:`_walk`'s lists, paths rooted at ``folder``; ValueError when
    they are not that shape."""
    names, numbers, folders, others = plain
    if not (type(names) is list and type(numbers) is list and type(folders) is list and type(others) is list
            and len(numbers) == 3 * len(names)):
        raise ValueError("not a listing")
    base = str(folder) + "/"
    triples = iter(numbers)
    files = {name: OldFile(base + name, stat)
             for name, stat in zip(names, map(FileStat._make, zip(triples, triples, triples)))}
    return Listing(files, set(folders), others)


def listing(folder: Path, sizes: bool = True) -> Listing:
    """Under ``folder`` (see :class:`Listing`), listed in this process."""
    return _assemble(folder, _walk(str(folder), sizes))


class Lister:
    """Listings of some folders, made by a separate process from the moment this is created; a
    listing is made here instead when that process cannot start or fails. Close it (it is a context
    manager) so that an unfinished process does not outlive the build."""

    def __init__(self, folders: Sequence[tuple[Path, bool]], background: bool = True):
        """``folders``: (folder, sizes) pairs, see :func:`listing`."""
        self.folders = list(folders)
        self._done: dict[int, Listing] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._owner = os.getpid()  # a forked worker must not read the pipe, nor end the process
        script = os.path.abspath(__file__)
        if background and sys.executable and os.path.isfile(script):
            arguments = [f"{'s' if sizes else 'i'}{folder}" for folder, sizes in self.folders]
            try:
                self._process = subprocess.Popen([sys.executable, "-I", "-S", script, *arguments],
                                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                                 stderr=subprocess.DEVNULL)
            except OSError:
                self._process = None

    def get(self, index: int) -> Listing:
        """The listing of ``folders[index]``, waiting for the process if it has not finished."""
        if self._process is not None and os.getpid() == self._owner:
            self._collect()
        found = self._done.get(index)
        if found is None:
            folder, sizes = self.folders[index]
            found = self._done[index] = listing(folder, sizes)
        return found

    def _collect(self) -> None:
        process, self._process = self._process, None
        assert process is not None
        try:
            output, _ = process.communicate()
            if process.returncode == 0:
                plain = marshal.loads(output)
                if type(plain) is list and len(plain) == len(self.folders):
                    for index, (folder, _sizes) in enumerate(self.folders):
                        self._done[index] = _assemble(folder, plain[index])
        except (OSError, ValueError, EOFError, TypeError):
            self._done.clear()  # every listing is made here instead

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and os.getpid() == self._owner:
            process.kill()
            process.wait()

    def __enter__(self) -> Lister:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


if __name__ == "__main__":  # the process a Lister starts
    found = [_walk(argument[1:], argument[0] == "s") for argument in sys.argv[1:]]
    sys.stdout.buffer.write(marshal.dumps(found))
