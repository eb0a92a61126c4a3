"""The previous output, claimed: the lock held, the folder checked to be the tool's (ownership.py),
and its files listed when first needed, for a build that decides what to keep before it writes
(writer.py's :class:`Staging`)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Iterator

from .listing import Listing, OldFile, listing
from .lock import OutputError, output_lock, recover
from .ownership import claim


def output_error(output: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write the output ({exc.filename or output}: {exc.strerror or exc}); "
                       f"the previous output in {output} is unchanged")


class Previous(Mapping[str, OldFile]):
    """The previous output's regular files by relative path (symlinks, and anything under a symlinked
    folder, are left out, so nothing outside the output is ever reused), and the spare tree the next
    staging folder starts from. Each is listed when first looked at, here in the build process."""

    def __init__(self, output: Path, spare: Path | None, set_aside: Path | None = None):
        self.output = output
        self.spare = spare
        self.set_aside = set_aside  # a folder the tool did not make, replaced when forced: its files go here
        self._files: dict[str, OldFile] | None = {} if set_aside is not None else None  # none reused

    @property
    def files(self) -> dict[str, OldFile]:
        if self._files is None:
            self._files = listing(self.output).files
        return self._files

    def spare_listing(self) -> Listing:
        """Inodes only (no stat calls); taken right before the spare is moved."""
        if self.spare is None:
            return Listing({}, set(), [])
        return listing(self.spare, sizes=False)

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
        yield Previous(claimed.folder, spare, claimed.set_aside)
