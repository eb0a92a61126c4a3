"""Atomic output: build the whole site in a temporary folder beside the output, then swap it in.

A failed or interrupted build never touches the previous output; files of deleted articles are gone
after the swap because the new folder holds only what this build made. The swap itself is
:func:`system.replace_folder`: one atomic exchange on Linux, so even SIGKILL leaves either the old or
the new output whole; elsewhere two renames, and a swap interrupted between them is undone by the next
build (:func:`lock.recover`). One build at a time writes an output folder (lock.py).
A file whose bytes are the same as in the previous output is hard-linked from it into the staging
folder instead of written, so it keeps its inode and mtime and rsync or a deploy tool sees only
what really changed. The build writes a marker file into every output and replaces a folder only
when it carries one, or when forced (ownership.py); a forced folder's files are set aside, never deleted.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection

from . import system
from .listing import FileStat, Listing, OldFile, file_stat
from .lock import BUILDING, PREVIOUS, OutputError, output_lock, recover
from .ownership import MARKER, MARKER_TEXT
from .previous import Previous, claim_output, output_error

__all__ = ["OutputError", "Previous", "Staged", "Staging", "WriteReport", "claim_output", "output_lock",
           "recover", "same_bytes"]


@dataclass(frozen=True, slots=True)
class WriteReport:
    pages: int
    static_files: int
    kept: int = 0  # files whose bytes were unchanged: linked from the previous output, not rewritten
    files: Mapping[str, FileStat] | None = None  # every file of the new output, as it is there


Finish = Callable[[Path, Mapping[str, FileStat]], Mapping[str, FileStat]]
"""Last work on the whole staged folder (precompression): given every file staged, returns those it added."""

_NOT_A_NAME = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|\x00")
"""A path part that is empty, ``.`` or ``..`` (so also a leading ``/``), or a NUL anywhere."""


def _inside(base: str, relative: str) -> str:
    """``base/relative``, refused unless every part is a plain name (no ``..``, no absolute path)."""
    if _NOT_A_NAME.search(relative):
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    return base + "/" + relative


def _write_file(path: str, data: bytes) -> FileStat:
    """Plain os calls: a third cheaper than open() and stat() for the thousands of small pages."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
        return file_stat(os.fstat(handle))
    finally:
        os.close(handle)


def same_bytes(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def _staging_from(previous: Previous, staging: Path, wanted: set[str]) -> tuple[dict[str, OldFile], set[str]]:
    """The staging folder: the spare tree (an older output) when there is one, with everything this
    build does not want removed, else a new empty folder. Returns its files (by relative path: only
    their inodes are read, their paths are still the spare's) and folders. Reusing a tree
    saves creating and deleting a folder per article, the slowest part of writing a big site."""
    spare = previous.spare
    listed: Listing | None = None
    if spare is not None and spare.is_dir() and not spare.is_symlink():
        listed = previous.spare_listing()
        try:
            os.rename(spare, staging)
        except OSError:  # another file system, or in use: start afresh
            shutil.rmtree(spare, ignore_errors=True)
            listed = None
    if listed is None:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        return {}, {str(staging)}
    files, folders, others = listed
    base = str(staging)
    for relative in others:  # a symlink planted in the spare must not lead a write out of the output
        os.unlink(base + "/" + relative)
    wanted_folders: set[str] = set()
    for path in wanted:  # every folder on the way to each file, each parent found once
        cut = path.rfind("/")
        while cut > 0 and path[:cut] not in wanted_folders:
            wanted_folders.add(path[:cut])
            cut = path.rfind("/", 0, cut)
    for relative in [r for r in files if r not in wanted]:
        del files[relative]
        os.unlink(base + "/" + relative)
    gone: list[str] = []
    for relative in sorted(folders - wanted_folders):  # a parent sorts before its children
        if not (gone and relative.startswith(gone[-1] + "/")):
            shutil.rmtree(staging / relative)
            gone.append(relative)
    return files, {base} | {base + "/" + relative for relative in folders & wanted_folders}


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

    def prepare(self, wanted: set[str]) -> None:
        """Start from the spare tree with everything not in ``wanted`` removed, else an empty folder.
        Reusing a tree saves creating and deleting a folder per article, the slowest part of writing."""
        self._prepared = True  # from here on, whatever happens, the folder is cleaned up on exit
        try:
            self.previous.files  # noqa: B018 - listed now: what staging keeps is decided from it
            self._staged, self._made = _staging_from(self.previous, self.folder, wanted | {MARKER})
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

    def _fresh(self, relative: str, target: str) -> str:
        """Never write into a file of the spare: it may be a hard link to a file of the live output."""
        if relative in self._staged:
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
                staged = Staged(_write_file(self._fresh(relative, target), data), False)
        except OSError as exc:
            raise output_error(self.output, exc) from None
        self.adopt(relative, staged)
        return staged

    def adopt(self, relative: str, staged: Staged) -> None:
        """Record a file that :meth:`put` staged, perhaps in another process."""
        self._files[relative] = staged.stat
        if staged.kept:
            self._kept.add(relative)

    def complete(self, pages: Mapping[str, bytes | Staged], static: Mapping[str, Path],
                 reused: Collection[str] = (), finish: Finish | None = None) -> WriteReport:
        """Stage what is not staged yet, run ``finish`` on the whole folder (it is given every staged
        file and returns the files it added), and swap it in."""
        try:
            for relative, source in sorted(static.items()):
                target = self._target(relative)
                old = self.previous.get(relative)
                if old is not None and old.stat.size == source.stat().st_size \
                        and same_bytes(old.path, source.read_bytes()):
                    self.adopt(relative, Staged(self._link_previous(relative, target), True))
                else:
                    shutil.copy2(source, self._fresh(relative, target))
                    self.adopt(relative, Staged(file_stat(os.stat(target)), False))
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
                for relative, stat in finish(self.folder, dict(self._files)).items():
                    self._files.setdefault(relative, stat)
            with system.signals_held(deliver=False):
                _swap(self.folder, self.output, self.spare, self.previous.set_aside)  # the previous goes
        except BaseException as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            self._prepared = False
            if isinstance(exc, OSError):
                raise output_error(self.output, exc) from None
            raise
        return WriteReport(len(pages) + len(reused), len(static), len(self._kept) + len(reused), self._files)


def _swap(staging: Path, output: Path, spare: Path | None, set_aside: Path | None = None) -> None:
    """Put the staging folder in place of the output; the previous output becomes the spare tree
    of the next build (when there is a place for one) or is deleted; a folder the tool did not make
    goes to ``set_aside``, where nothing ever deletes it."""
    if set_aside is not None:  # two renames: a kill between them leaves the user's files set aside, whole
        os.rename(output, set_aside)
        os.rename(staging, output)
        return
    aside = output.parent / f".{output.name}{PREVIOUS}{os.getpid()}"
    previous = system.replace_folder(staging, output, aside)
    if previous is None:
        return
    if previous.is_dir() and not previous.is_symlink():
        _retire(previous, spare)
    else:
        previous.unlink()


def _retire(old_output: Path, spare: Path | None) -> None:
    if spare is not None:
        try:
            if spare.exists():
                shutil.rmtree(spare)
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old_output, spare)
            return
        except OSError:
            pass
    shutil.rmtree(old_output, ignore_errors=True)
