"""The one store of what is kept between builds, in ``<site>/.ballerina-cache/``.

Everything a build reuses lives here, under one version key (version.py) and in one format
(files.py): parsed articles (articles.py), Keep Reading, each output file's fingerprint
(outputs.py), the record of the last build (uptodate.py), the build lock, Jinja's compiled
templates and the spare tree of the last output. Deleting the folder is always safe: the next build makes it again.

A :class:`Store` is also the one object that holds in-memory state between builds: the live
preview keeps one for its whole life (``in_memory=True``), so a rebuild takes back the very values
it saved instead of reading and decoding them again; a one-off build makes a fresh one and drops it.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from . import files
from .version import version_key

FOLDER = ".ballerina-cache"


class Store:
    """Named values kept between builds; ``enabled=False`` keeps nothing (``--no-cache``)."""

    def __init__(self, root: Path, *, enabled: bool = True, in_memory: bool = False):
        self.folder = root / FOLDER
        self.enabled = enabled
        self.in_memory = in_memory
        self._remembered: dict[str, tuple[tuple[int, int, int, int], Any]] = {}
        self._memos: dict[str, dict[Any, Any]] = {}

    @property
    def key(self) -> str:
        return version_key()

    def path(self, name: str) -> Path:
        return self.folder / name

    def load(self, name: str) -> Any | None:
        """What was saved under ``name``; None when missing, damaged, foreign or outdated. Callers may
        change the top level of the value they get (a dict or list), never the values inside."""
        if not self.enabled:
            return None
        path = self.path(name)
        if self.in_memory:
            seen = files.signature(path)
            hit = self._remembered.get(name)
            if hit is not None and seen is not None and hit[0] == seen:
                return _top_copy(hit[1])
        value = files.read(path, name, self.key)
        if self.in_memory and value is not None:
            self._remember(name, value)
        return value

    def save(self, name: str, value: Any) -> bool:
        if not self.enabled:
            return False
        try:
            files.make_folder(self.folder)
        except OSError:
            return False
        saved = files.write(self.path(name), name, self.key, value)
        if saved and self.in_memory:
            self._remember(name, value)
        return saved

    def forget(self, name: str) -> None:
        self._remembered.pop(name, None)
        try:
            self.path(name).unlink()
        except OSError:
            pass

    def _remember(self, name: str, value: Any) -> None:
        seen = files.signature(self.path(name))
        if seen is not None:
            self._remembered[name] = (seen, _top_copy(value))

    def memo(self, name: str) -> dict[Any, Any]:
        """A dict kept as long as this store: across the preview's rebuilds, one build otherwise."""
        return self._memos.setdefault(name, {})

    def per_output(self, kind: str, output: Path) -> str:
        """The name of a record that belongs to one output folder (a site may build into several)."""
        where = hashlib.blake2b(str(output.absolute()).encode(), digest_size=8).hexdigest()
        return f"{kind}-{where}"

    def spare_tree(self, output: Path) -> Path | None:
        """Where the output a build replaced waits to become the next build's staging folder."""
        return self.path(self.per_output("spare", output)) if self.enabled else None

    def lock_file(self, output: Path) -> Path:
        """The lock that builds into ``output`` take turns by: here, not beside the output, and even
        with the store disabled (``--no-cache``), since it holds nothing but the builder's pid."""
        try:
            files.make_folder(self.folder)
        except OSError:
            pass  # opening the lock then says why
        return self.path(self.per_output("lock", output))

    def compiled_templates(self) -> Path | None:
        """For Jinja's own bytecode cache. Jinja keys each template by its source alone, yet the code
        compiled depends on ours too (a filter that takes the context is called otherwise), so the
        folder is named by the version key; the folders of other keys are removed."""
        if not self.enabled:
            return None
        folder = self.path(f"templates-{self.key}")
        if not folder.exists():
            for old in self.folder.glob("templates*"):
                shutil.rmtree(old, ignore_errors=True)
        return folder


def _top_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value
