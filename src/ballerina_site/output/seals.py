"""The seals a build leaves on the output's folders of made files (see listing.py), and the store's
copy of a made file relinked to the output's.

A folder is sealed with its inode, mtime and ctime and the names of its entries that are not made
files, as this build leaves it; not one that changed in the last second (``RACY_NS``): a change in
the same tick of the file system's clock would leave the same times, so it would not show.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import AbstractSet, Iterable, Mapping

from .listing import FileStat, Seal, folder_state, listing

Made = Mapping[str, Mapping[str, str]]
"""The tool's own files to publish, by output folder: name -> the store's file."""
RACY_NS = 1_000_000_000


def seal_folders(base: str, made: Made, paths: Iterable[str], looked_past: AbstractSet[str],
                 files: dict[str, FileStat]) -> dict[str, Seal]:
    """The seal of each folder of ``made`` under the staging folder ``base``, given the relative
    ``paths`` of everything staged there (files and folders). ``looked_past``: the folders whose made
    files were not staged one by one (sealed in both trees). ``files`` (every staged file, by path)
    is left holding every file but the made files of the folders sealed."""
    names = names_in(made, [*paths, *made])
    seals: dict[str, Seal] = {}
    now = time.time_ns()
    for folder, own in made.items():
        try:
            info = os.lstat(f"{base}/{folder}") if folder else None
        except OSError:
            info = None
        if info is not None and info.st_ctime_ns < now - RACY_NS and info.st_mtime_ns < now - RACY_NS:
            seals[folder] = Seal(*folder_state(info), tuple(sorted(names[folder].difference(own))))
            for name in own if folder not in looked_past else ():
                files.pop(f"{folder}/{name}", None)
        elif folder in looked_past:  # its made files were not looked at: they are now
            found = listing(Path(f"{base}/{folder}")).files
            files.update((f"{folder}/{name}", found[name].stat) for name in own if name in found)
    return seals


def names_in(made: Made, paths: Iterable[str]) -> dict[str, set[str]]:
    """For each folder of ``made`` (but the top), the names of its entries among ``paths`` and their
    folders."""
    names: dict[str, set[str]] = {folder: set() for folder in made if folder}
    prefixes = tuple(folder + "/" for folder in names)
    for path in paths:
        if not path.startswith(prefixes):
            continue
        while path:
            path, _, name = path.rpartition("/")
            if path in names:
                names[path].add(name)
    return names


def relink(published: str, source: str) -> None:
    """Make the store's ``source`` a hard link to ``published``, a file of the same bytes; left as it
    is where that cannot be done (another file system)."""
    temp = f"{source}.{os.getpid()}.link"
    try:
        os.link(published, temp, follow_symlinks=False)
        os.replace(temp, source)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
