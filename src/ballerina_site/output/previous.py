"""The previous output, claimed: the lock held, the folder checked to be the tool's (ownership.py),
and its files listed when first needed, for a build that decides what to keep before it writes
(writer.py's :class:`Staging`); the spare tree made the next staging folder; and, at the end, the
new output swapped in and the previous one retired (:func:`swap_in`)."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import AbstractSet, Any, Iterable, Iterator

from .listing import FileStat, Listing, OldFile, Pending, Seals, Split, listing
from . import system
from .lock import PREVIOUS, OutputError, output_lock, recover
from .ownership import claim


Plain = tuple[Any, ...]  # both listings as plain data (see Previous._plain)


def output_error(output: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write the output ({exc.filename or output}: {exc.strerror or exc}); "
                       f"the previous output in {output} is unchanged")


class Previous(Mapping[str, OldFile]):
    """The previous output's regular files by relative path (symlinks, and anything under a symlinked
    folder, are left out, so nothing outside the output is ever reused), and the spare tree the next
    staging folder starts from. Each is listed when first looked at, here in the build process.

    ``seals``: the folders of made files the store vouches for (listing.py), set before the first
    look. A folder sealed in both trees is *sealed* here: its made files are in neither listing and
    the staging folder's are already right (the spare's made files, the previous output's too)."""

    def __init__(self, output: Path, spare: Path | None, set_aside: Path | None = None):
        self.output = output
        self.spare = spare
        self.set_aside = set_aside  # a folder the tool did not make, replaced when forced: its files go here
        self._files: dict[str, OldFile] | None = {} if set_aside is not None else None  # none reused
        self._spare: Listing | None = None
        self._ahead: Pending[Plain] | None = None
        self.seals: Seals = {}
        self.sealed: AbstractSet[str] = frozenset()  # sealed in both trees (see above)

    def list_ahead(self, start: Split) -> None:
        """Have both trees listed elsewhere (``start``: another process, pipeline/parallel.py's
        ``ahead``) while the build goes on; once :attr:`seals` are set. The listings are taken when
        first looked at, the same as if they were made then."""
        trees = [self.output] if self.spare is None else [self.output, self.spare]
        if self._files is None and self._spare is None and self._ahead is None and \
                any(tree.is_dir() for tree in trees):
            self._ahead = start(self._plain)

    def close(self) -> None:
        """Stop a listing still under way (the build failed before it looked)."""
        if self._ahead is not None:
            self._ahead.cancel()
            self._ahead = None

    @property
    def files(self) -> dict[str, OldFile]:
        if self._files is None:
            self._take_ahead()
        if self._files is None:
            spare_sealed = self.spare_listing().sealed
            listed = listing(self.output, seals={folder: seals for folder, seals in self.seals.items()
                                                 if folder in spare_sealed})
            self._files, self.sealed = listed.files, listed.sealed
        return self._files

    def spare_listing(self) -> Listing:
        """Inodes only (no stat calls); listed once, before the previous output."""
        if self._spare is None:
            self._take_ahead()
        if self._spare is None:
            spare, seals = self.spare, self.seals if self.set_aside is None else None
            self._spare = listing(spare, sizes=False, seals=seals) if spare is not None else Listing({}, set(), [], set())
        return self._spare

    def _plain(self) -> Plain:
        """Both listings as plain data, to send from the process that made them. Of the spare's files,
        those that are the previous output's very file (most of a rebuild's) go by name alone."""
        spare, files = self.spare_listing(), self.files
        same, inodes = [], {}
        for relative, old in spare.files.items():
            found = files.get(relative)
            if found is not None and found.stat.inode == old.stat.inode:
                same.append(relative)
            else:
                inodes[relative] = old.stat.inode
        return (same, inodes, list(spare.folders), spare.others, list(spare.sealed),
                {relative: tuple(old.stat) for relative, old in files.items()}, list(self.sealed))

    def _take_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        plain = ahead.taken() if ahead is not None else None
        if plain is None:
            return
        same, inodes, folders, others, spare_sealed, stats, sealed = plain
        spare_base, base = f"{self.spare}/", f"{self.output}/"
        files = self._files = {relative: OldFile(base + relative, FileStat(*stat)) for relative, stat in stats.items()}
        spare = {relative: files[relative] for relative in same}  # the same file: only its inode is read
        spare.update((relative, OldFile(spare_base + relative, FileStat(-1, -1, inode)))
                     for relative, inode in inodes.items())
        self._spare = Listing(spare, set(folders), others, set(spare_sealed))
        self.sealed = set(sealed)

    def __getitem__(self, relative: str) -> OldFile:
        return self.files[relative]

    def get(self, relative: str, default: OldFile | None = None) -> OldFile | None:  # type: ignore[override]
        return self.files.get(relative, default)

    def __contains__(self, relative: object) -> bool:
        return relative in self.files

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


@contextlib.contextmanager
def claim_output(output: Path, spare: Path | None, lock_file: Path, force: bool = False) -> Iterator[Previous]:
    """Hold the output's lock (``lock_file``, see :func:`output_lock`), check that the folder is the
    tool's to replace (ownership.py; behind a symlink, the folder it points at), and yield the previous
    output's files, for a build that decides what to keep before it writes (see :class:`Staging`)."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(output_lock(lock_file, output))
            claimed = claim(output, force)
            claimed.folder.parent.mkdir(parents=True, exist_ok=True)
            recover(claimed.folder)
        except OSError as exc:
            raise output_error(output, exc) from None
        previous = Previous(claimed.folder, spare, claimed.set_aside)
        held.callback(previous.close)
        yield previous


def staging_from_spare(previous: Previous, staging: Path, wanted: set[str], keep: Iterable[str] = ()
                       ) -> tuple[dict[str, OldFile], set[str]]:
    """The staging folder: the spare tree (an older output) when there is one, with everything this
    build does not want removed (``keep``: folders wanted even with no file of ``wanted`` in them),
    else a new empty folder. Returns its files (by relative path: only their inodes are read, their
    paths are still the spare's, or the previous output's for its very files) and folders. Reusing a
    tree saves creating and deleting a folder per article, the slowest part of writing a big site.
    The made files of a folder sealed in the spare but not in the previous output are read after
    all: they are staged one by one."""
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
    files, folders, others, sealed = listed
    base = str(staging)
    for folder in sorted(sealed - previous.sealed):
        again = listing(staging / folder, sizes=False)
        files.update((f"{folder}/{relative}", old) for relative, old in again.files.items())
        folders.update(f"{folder}/{relative}" for relative in again.folders)
        others += [f"{folder}/{relative}" for relative in again.others]
    for relative in dict.fromkeys(others):  # a symlink planted in the spare must not lead a write out of the output
        os.unlink(base + "/" + relative)
    wanted_folders: set[str] = set()
    for path in itertools.chain(wanted, (folder + "/" for folder in keep)):  # every folder on the way to each file, each parent found once
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


def swap_in(staging: Path, output: Path, spare: Path | None, set_aside: Path | None = None) -> None:
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
