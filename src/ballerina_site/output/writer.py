"""Atomic output: build the whole site in a temporary folder beside the output, then swap it in.

A failed or interrupted build never touches the previous output; files of deleted articles are gone
after the swap because the new folder holds only what this build made. The swap itself
(previous.py's :func:`swap_in`) is :func:`system.replace_folder`: one atomic exchange on Linux, so even SIGKILL leaves either the old or
the new output whole; elsewhere two renames, and a swap interrupted between them is undone by the next
build (:func:`lock.recover`). One build at a time writes an output folder (lock.py).
A file whose bytes are the same as in the previous output is hard-linked from it into the staging
folder instead of written, so it keeps its inode and mtime and rsync or a deploy tool sees only
what really changed. The tool's own files kept in the build store (processed pictures) are
published as hard links to the store's copies: on a rebuild such a file is known unchanged by its
inode, without reading it (a copy, compared byte for byte, where no link can be made). Nothing is
written in place but a changed file over the spare tree's own copy, and only when no other name links
to it and no process has it open (fileio.py), so the live output and the store's copies stay as they
were made (an editor that rewrites a published picture in place would change the store's copy too:
don't; delete it instead).
A folder of such files that the store sealed in both trees, unchanged since (seals.py, listing.py),
is not even read: its files are the store's already, and are left as they are.
The build writes a marker file into every output and replaces a folder only
when it carries one, or when forced (ownership.py); a forced folder's files are set aside, never deleted.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from pathlib import Path
from typing import Callable, Collection, Iterable

from . import system
from .fileio import same_bytes, write_file, write_over
from .listing import FileStat, OldFile, Seal, StoreInodes, file_stat
from .lock import BUILDING, OutputError, output_lock, recover
from .ownership import MARKER, MARKER_TEXT
from .seals import Made, relink, seal_folders
from .previous import Previous, claim_output, output_error, staging_from_spare, swap_in

__all__ = ["OutputError", "Previous", "Staged", "Staging", "WriteReport", "claim_output", "output_lock",
           "recover", "same_bytes", "write_file", "write_over"]


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What the write stage did, and the new output's files as the next build compares them."""

    pages: int
    static_files: int
    kept: int = 0  # files whose bytes were unchanged: linked from the previous output, not rewritten
    files: Mapping[str, FileStat] | None = None  # every file of the new output, as it is there (but see sealed)
    sealed: Mapping[str, Seal] = field(default_factory=dict)  # folders of made files sealed: theirs are not in files


Finish = Callable[[Path, Mapping[str, FileStat], Mapping[str, OldFile]], Mapping[str, FileStat]]
"""Last work on the whole staged folder (precompression): given every file staged, and those the
folder still holds from the spare tree as listed, returns those it added."""

_NOT_A_NAME = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|\x00")
"""A path part that is empty, ``.`` or ``..`` (so also a leading ``/``), or a NUL anywhere."""


def _inside(base: str, relative: str) -> str:
    """``base/relative``, refused unless every part is a plain name (no ``..``, no absolute path)."""
    if _NOT_A_NAME.search(relative):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return base + "/" + relative


@dataclass(frozen=True, slots=True)
class Staged:
    """A page already in the staging folder (written there by whichever process rendered it)."""

    stat: FileStat
    kept: bool  # the previous output's very file, linked rather than written


class Staging:
    """One build's staging folder, from the spare tree (or empty) to the swap.

    Opened before rendering, so the processes that render pages write them here at once (:meth:`put`)
    rather than sending their bytes back to be held until the end. Used as a context manager: on any
    failure the staging folder becomes the spare again (its folders are worth keeping; its files are
    never trusted, see :meth:`put`) and the output is not touched."""

    def __init__(self, output: Path, previous: Previous) -> None:
        self.output = previous.output.absolute()  # behind a symlinked ``output``, the folder it points at
        self.previous = previous
        self.spare = previous.spare
        self.folder = self.output.parent / f".{self.output.name}{BUILDING}{os.getpid()}"
        self._base = str(self.folder)
        self._staged: dict[str, OldFile] = {}
        self._made: set[str] = set()
        self._files: dict[str, FileStat] = {}
        self._kept: set[str] = set()
        self._prepared = False
        self._output_device: int | None = None
        self._made_files: Made = {}
        self._made_kept = 0  # made files of folders sealed in both trees: kept without a look

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is not None and self._prepared and self.folder.is_dir():
            self._give_back()

    def _give_back(self) -> None:
        if self.spare is not None and not self.spare.exists():
            with contextlib.suppress(OSError):
                os.rename(self.folder, self.spare)
                return
        shutil.rmtree(self.folder, ignore_errors=True)

    def prepare(self, wanted: set[str], made: Made | None = None) -> None:
        """Start from the spare tree with everything not in ``wanted`` (nor in ``made``, the tool's own
        files to link, see :meth:`complete`) removed, else an empty folder. Reusing a tree saves
        creating and deleting a folder per article, the slowest part of writing."""
        self._prepared = True  # from here on, whatever happens, the folder is cleaned up on exit
        self._made_files = made = made or {}
        try:
            self.previous.files  # noqa: B018 - listed now: what staging keeps is decided from it
            sealed = self.previous.sealed
            wanted = wanted | {MARKER} | {f"{folder}/{name}" if folder else name for folder, names in made.items()
                                          if folder not in sealed for name in names}
            self._staged, self._made = staging_from_spare(self.previous, self.folder, wanted, made.keys())
        except OSError as exc:
            raise output_error(self.output, exc) from None

    def _target(self, relative: str) -> str:
        target = _inside(self._base, relative)
        parent = target.rpartition("/")[0]  # _inside joins plain names with "/"
        if parent not in self._made:
            self._make(parent)
        return target

    def _make(self, folder: str) -> None:
        """``os.makedirs(folder, exist_ok=True)``, but a folder whose parent this process made or found
        costs one ``mkdir``, not a ``stat`` of the parent first: a new folder per article."""
        above = folder.rpartition("/")[0]
        if above and above not in self._made:
            self._make(above)
        try:
            os.mkdir(folder)
        except FileExistsError:  # there already, or another process made it at the same moment
            if not os.path.isdir(folder):
                raise
        self._made.add(folder)

    def _link_previous(self, relative: str, target: str | None = None) -> FileStat:
        """The new file is the previous output's: nothing to do if the spare holds that very file
        (then not even the path is worked out: most files of a rebuild)."""
        old = self.previous[relative]
        here = self._staged.get(relative)
        if here is not None and here.stat.inode == old.stat.inode:
            return old.stat
        if target is None:
            target = self._target(relative)
        if here is not None:
            os.unlink(target)
        try:
            os.link(old.path, target, follow_symlinks=False)
            return old.stat  # the same file: same size, mtime and inode
        except OSError:  # no hard links here: a copy keeps the bytes (and the mtime)
            shutil.copy2(old.path, target)
            return file_stat(os.stat(target))

    def drop(self, relatives: Iterable[str]) -> None:
        """Files kept from the spare tree that this build turned out not to make after all (the old
        bundles of a search index made afresh): removed with the folders they leave empty, so that
        the output holds just what the build records (and the next one can find nothing changed)."""
        for relative in relatives:
            target = _inside(self._base, relative)
            if self._staged.pop(relative, None) is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)
            # its folders go when empty, even when the spare tree held them without the file
            folder = target.rpartition("/")[0]
            while folder != self._base:
                try:
                    os.rmdir(folder)
                except OSError:  # not empty (or gone): so are its parents
                    break
                self._made.discard(folder)
                folder = folder.rpartition("/")[0]

    def _fresh(self, relative: str, target: str) -> str:
        """Never write into a file of the spare: it may be a hard link to a file of the live output."""
        if self._staged.pop(relative, None) is not None:
            os.unlink(target)
        return target

    def put(self, relative: str, data: bytes) -> Staged:
        """Stage one file; safe to call from forked workers, each path from one process only."""
        try:
            target = self._target(relative)
            old = self.previous.get(relative)
            if old is not None and old.stat.size == len(data) and same_bytes(old.path, data):
                staged = Staged(self._link_previous(relative, target), True)
            else:
                spare = self._staged.pop(relative, None) is not None
                staged = Staged((write_over if spare else write_file)(target, data), False)
        except OSError as exc:
            raise output_error(self.output, exc) from None
        self.adopt(relative, staged)
        return staged

    def adopt(self, relative: str, staged: Staged) -> None:
        """Record a file that :meth:`put` staged, perhaps in another process."""
        self._files[relative] = staged.stat
        if staged.kept:
            self._kept.add(relative)

    def put_made(self, relative: str, source: str) -> Staged:
        """Stage a file the tool made and keeps (a processed image in the store), as a hard link to it;
        the previous output's very file (the same inode) is kept without being read. One with the same
        bytes (the store was deleted and the picture made again) is kept too, and the store's file
        becomes a link to it, known by its inode next time. A copy where no link can be made."""
        target = self._target(relative)
        info = os.stat(source)
        old = self.previous.get(relative)
        if old is not None and old.stat.inode == info.st_ino and info.st_dev == self._device():
            return Staged(self._link_previous(relative, target), True)
        if old is not None and old.stat.size == info.st_size and same_bytes(old.path, Path(source).read_bytes()):
            relink(old.path, source)
            return Staged(self._link_previous(relative, target), True)
        self._fresh(relative, target)
        try:
            os.link(source, target, follow_symlinks=False)
            return Staged(file_stat(info), False)
        except OSError:
            shutil.copy2(source, target)
            return Staged(file_stat(os.stat(target)), False)

    def _stage_made(self, made: Made) -> None:
        """:meth:`put_made` for each of ``made``: nothing at all for a folder sealed in both trees (its
        files are the store's already, see previous.py); elsewhere, on a rebuild, most are the very
        files that the previous output and the spare tree hold already: told by their inode alone
        (see :class:`StoreInodes`), with nothing to do."""
        files, staged, device = self.previous.files, self._staged, self._device()
        sealed = self.previous.sealed
        self._made_kept = sum(len(names) for folder, names in made.items() if folder in sealed)
        todo = {f"{folder}/{name}" if folder else name: str(source) for folder, names in made.items()
                if folder not in sealed for name, source in names.items()}
        store = StoreInodes(todo.values())
        for relative, source in sorted(todo.items()):
            old, here = files.get(relative), staged.get(relative)
            if old is not None and here is not None and here.stat.inode == old.stat.inode \
                    and store[source] == (device, old.stat.inode):
                self._files[relative] = old.stat
                self._kept.add(relative)
                continue
            self.adopt(relative, self.put_made(relative, source))

    def _copy(self, relative: str, source: Path, target: str, old: OldFile | None) -> Staged:
        """A static file: the previous output's when the bytes are the same, else a copy."""
        if old is not None and old.stat.size == source.stat().st_size and same_bytes(old.path, source.read_bytes()):
            return Staged(self._link_previous(relative, target), True)
        shutil.copy2(source, self._fresh(relative, target))
        return Staged(file_stat(os.stat(target)), False)

    def _device(self) -> int:
        """The previous output's file system: an inode number means a file only within one."""
        if self._output_device is None:
            try:
                self._output_device = os.stat(self.output).st_dev
            except OSError:
                self._output_device = -1
        return self._output_device

    def complete(self, pages: Mapping[str, bytes | Staged], static: Mapping[str, Path],
                 reused: Collection[str] = (), finish: Finish | None = None) -> WriteReport:
        """Stage what is not staged yet, run ``finish`` on the whole folder (it is given every staged
        file and returns the files it added), and swap it in. ``static``: files to copy; the tool's
        own files (given to :meth:`prepare`) are linked (:meth:`put_made`)."""
        made = self._made_files
        try:
            for relative, source in sorted(static.items()):
                self.adopt(relative, self._copy(relative, source, self._target(relative), self.previous.get(relative)))
            self._stage_made(made)
            for relative in sorted(reused):
                self._files[relative] = self._link_previous(relative)
            for relative, data in sorted(pages.items(), key=lambda item: item[0]):
                if isinstance(data, Staged):
                    self.adopt(relative, data)
                else:
                    self.put(relative, data)
            self.put(MARKER, MARKER_TEXT)  # the folder is the tool's: the next build may replace it
            self._kept.discard(MARKER)
            if finish is not None:
                for relative, stat in finish(self.folder, dict(self._files), self._staged).items():
                    self._files.setdefault(relative, stat)
            seals = seal_folders(self._base, made, itertools.chain(self._files, self._staged, self._folders()),
                                 self.previous.sealed, self._files)
            with system.signals_held(deliver=False):
                swap_in(self.folder, self.output, self.spare, self.previous.set_aside)  # the previous goes
        except BaseException as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            self._prepared = False
            if isinstance(exc, OSError):
                raise output_error(self.output, exc) from None
            raise
        return WriteReport(len(pages) + len(reused), len(static) + sum(map(len, made.values())),
                           len(self._kept) + len(reused) + self._made_kept, self._files, MappingProxyType(seals))

    def _folders(self) -> list[str]:
        base = len(self._base) + 1
        return [folder[base:] for folder in self._made if len(folder) > base]
