"""Watching a site's sources: the observer only signals; the caller decides when to rebuild.

Why this shape: editors save in bursts (vim writes ``4913``, a backup ``x~``, then renames a temp
file over the article; ``git checkout`` touches hundreds of files). Each event only records the
path and wakes the waiter; :meth:`Watcher.wait` returns once the burst has gone quiet, so a burst
makes one rebuild. Editor droppings and hidden files are ignored, because the build ignores them
too. Created, moved and deleted files count like modified ones. ``poll=True`` uses watchdog's
polling observer for file systems where change events never arrive (network drives, some
containers and VM shares).

Only ``content/``, ``templates/``, ``static/``, ``site.yaml`` and the tags file are watched; the
output folder never is, so a build can't trigger itself.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (EVENT_TYPE_ATTRIB, EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED,
                             EVENT_TYPE_MOVED, FileSystemEvent, FileSystemEventHandler)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

WATCHED_DIRS = ("content", "templates", "static")
CONFIG_FILE = "site.yaml"
COUNTED = {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED, EVENT_TYPE_ATTRIB}
QUIET_SECONDS = 0.05  # a burst is over when no event came for this long
LONGEST_WAIT = 1.0  # ...or when it has lasted this long (a long checkout still shows progress)
POLL_SECONDS = 0.5
# A file's modification time stands for "when it was saved" only if it is this recent; a move
# keeps the old time.
RECENT_MTIME = 5.0


def is_dropping(name: str) -> bool:
    """Files editors and systems leave beside the real ones: swap files, backups, lock files."""
    return (name in ("4913", ".DS_Store", "Thumbs.db", "desktop.ini")
            or name.endswith(("~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".bak", ".orig"))
            or name.startswith((".#", "~$"))
            or (name.startswith("#") and name.endswith("#"))
            or "___jb_" in name)


@dataclass(frozen=True, slots=True)
class Changes:
    """One burst of changes, as paths relative to the site folder."""

    paths: tuple[str, ...]
    events: int
    saved_at: float  # wall-clock time of the first save in the burst

    @property
    def css_only(self) -> bool:
        return bool(self.paths) and all(p.startswith("static/") and p.endswith(".css") for p in self.paths)


class Watcher:
    """Watches one site folder. ``start()``, then ``wait()`` in a loop, then ``stop()``."""

    def __init__(self, root: Path, output: Path, tags_file: str = "tags.yaml", poll: bool = False,
                 quiet: float = QUIET_SECONDS, longest: float = LONGEST_WAIT):
        self.root = Path(os.path.realpath(root))
        self.output = Path(os.path.realpath(output))
        self.tags_file = Path(tags_file).as_posix()
        self.poll = poll
        self.quiet = quiet
        self.longest = longest
        self._observer: BaseObserver = PollingObserver(timeout=POLL_SECONDS) if poll else Observer()
        self._handler = _Signal(self)
        self._dir_watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Condition()
        self._pending: dict[str, None] = {}
        self._events = 0
        self._first_at = 0.0  # monotonic
        self._last_at = 0.0  # monotonic
        self._saved_at = 0.0  # wall clock
        self._rescan = False

    # --- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._observer.schedule(self._handler, str(self.root), recursive=False)
        tags_parent = (self.root / self.tags_file).parent
        if tags_parent != self.root and tags_parent.is_dir() and tags_parent.is_relative_to(self.root):
            self._observer.schedule(self._handler, str(tags_parent), recursive=False)
        self._watch_dirs()
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join()

    def _watch_dirs(self) -> None:
        for name in WATCHED_DIRS:
            old = self._dir_watches.pop(name, None)
            if old is not None:
                try:
                    self._observer.unschedule(old)
                except (KeyError, OSError):
                    pass
            folder = self.root / name
            if folder.is_dir() and not folder.is_symlink():
                self._dir_watches[name] = self._observer.schedule(self._handler, str(folder), recursive=True)

    # --- what counts ----------------------------------------------------------------------------
    def relevant(self, path: str) -> str | None:
        """The site-relative path if a change to ``path`` can change the site, else None."""
        absolute = Path(os.path.abspath(path))
        try:
            relative = absolute.relative_to(self.root)
        except ValueError:
            return None
        if absolute == self.output or absolute.is_relative_to(self.output) or not relative.parts:
            return None
        if absolute.parent == self.output.parent and absolute.name.startswith(f".{self.output.name}."):
            return None  # the writer's temporary folders beside the output
        parts = relative.parts
        if any(part.startswith(".") or is_dropping(part) for part in parts):
            return None
        shown = relative.as_posix()
        if parts[0] in WATCHED_DIRS or shown in (CONFIG_FILE, self.tags_file):
            return shown
        return None

    def _record(self, event: FileSystemEvent) -> None:
        if event.event_type not in COUNTED or (event.is_directory and event.event_type in
                                               (EVENT_TYPE_MODIFIED, EVENT_TYPE_ATTRIB)):
            return
        paths = [os.fsdecode(event.src_path)]
        if event.event_type == EVENT_TYPE_MOVED:
            paths.append(os.fsdecode(event.dest_path))
        found = [shown for shown in map(self.relevant, paths) if shown is not None]
        if not found:
            return
        now_wall, now = time.time(), time.monotonic()
        saved = now_wall
        if event.event_type != EVENT_TYPE_DELETED:
            try:
                mtime = os.stat(paths[-1]).st_mtime
                if now_wall - RECENT_MTIME < mtime < now_wall:
                    saved = mtime
            except OSError:
                pass
        with self._lock:
            if not self._pending:
                self._first_at, self._saved_at = now, saved
            self._saved_at = min(self._saved_at, saved)
            self._last_at = now
            self._events += 1
            for shown in found:
                self._pending[shown] = None
                if event.is_directory and shown in WATCHED_DIRS:
                    self._rescan = True
            self._lock.notify_all()

    def _drained(self) -> bool:
        """No event waiting in the observer's queue: quiet means the disk went quiet, not that
        the dispatching thread was slow to run on a busy machine."""
        return self._observer.event_queue.empty()

    # --- waiting --------------------------------------------------------------------------------
    def wait(self, stop: threading.Event, slice_seconds: float = 0.25) -> Changes | None:
        """Block until a burst of changes has gone quiet (or ``stop`` is set: then None)."""
        with self._lock:
            while not self._pending:
                if stop.is_set():
                    return None
                self._lock.wait(slice_seconds)
            while not stop.is_set():
                now = time.monotonic()
                quiet_left = self._last_at + self.quiet - now
                longest_left = self._first_at + self.longest - now
                if longest_left <= 0 or (quiet_left <= 0 and self._drained()):
                    break
                self._lock.wait(max(0.005, min(quiet_left, longest_left)))
            if stop.is_set():
                return None
            changes = Changes(tuple(sorted(self._pending)), self._events, self._saved_at)
            self._pending.clear()
            self._events = 0
            rescan, self._rescan = self._rescan, False
        if rescan:
            self._watch_dirs()
        return changes


class _Signal(FileSystemEventHandler):
    """Runs on the observer's thread: record and wake, nothing else."""

    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.watcher._record(event)
