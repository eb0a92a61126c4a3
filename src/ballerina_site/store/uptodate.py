"""A build that finds nothing changed since the last one: say so, without loading the site.

After each build the store keeps, per output folder, what went in and what came out: the size,
mtime, ctime and inode of every input (site-level files, ``content/``, ``templates/``, ``static/``
and the data files the config names; the code, theme and libraries are in the store's version key),
the build options, every file of the output with its size, mtime and inode, the span of time in
which the same inputs give the same output, and the summary the build printed (as plain data the
caller made: this module does not look inside).

The next build compares before doing anything else. When every input, option and output file is as
recorded and the clock is still inside that span, the output is already what a full build would
write, so only ``build-info.json`` (which states the build time) is written again and the recorded
summary is printed. Any difference, a missing or damaged record, or anything it cannot tell, means
an ordinary build. The ctime, which no editor or tool can set back, catches an edit that keeps a
file's size and mtime.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..core.dates import NEWS_WINDOW
from ..output.listing import FileStat, Seal, Split, unchanged
from ..output.writer import output_lock, recover, same_bytes
from ..site.schedule import BUILD_INFO, info_bytes
from .store import Store

KIND = "uptodate"  # the inputs, options and summary; the output's files apart (big, read last)
OUTPUTS = "uptodate-outputs"
WATCHED_FOLDERS = ("content", "templates", "static")  # inputs read whole, beside site-level files

Stats = dict[str, tuple[int, int, int, int]]


def _stat(path: str) -> tuple[int, int, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (-1, -1, -1, -1)  # a dangling link, or gone while we looked: recorded as such
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _walk(folder: str, prefix: str, into: Stats) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name == "__pycache__":
            continue  # Python's own, rewritten at will
        if entry.is_dir():
            _walk(entry.path, prefix + entry.name + "/", into)
        else:
            into[prefix + entry.name] = _stat(entry.path)


def input_stats(root: Path, named: Iterable[str] = ()) -> Stats:
    """Every file a build may read, by a name that says where it is; ``named``: more files, relative
    to the site (data files in other folders). Site-level files are all counted, so a new one (say a
    ``tags.yaml``) is noticed too."""
    found: Stats = {}
    base = str(root)
    try:
        with os.scandir(base) as entries:
            for entry in entries:
                if entry.is_file() and entry.name != ".ballerina.lock":
                    found[entry.name] = _stat(entry.path)
    except OSError:
        pass
    for folder in WATCHED_FOLDERS:
        _walk(os.path.join(base, folder), folder + "/", found)
    found.update(named_stats(root, named))
    return found


def named_stats(root: Path, names: Iterable[str]) -> Stats:
    return {name: _stat(os.path.join(str(root), name)) for name in names}


def steady_until(now: datetime, moments: Iterable[datetime]) -> float | None:
    """The first of ``moments`` after ``now``, as a timestamp: the same inputs give the same output
    until then. None: never changes by the clock."""
    later = [moment.timestamp() for moment in moments if moment > now]
    return min(later) if later else None


def clock_moments(articles: Iterable[Any], news: bool) -> list[datetime]:
    """Every time at which one of these articles goes live, expires, or enters or leaves the news
    sitemap's window: each can change what a build writes."""
    moments: list[datetime] = []
    for article in articles:
        moments.append(article.goes_live)
        moments.append(article.date)
        if article.expiry_date is not None:
            moments.append(article.expiry_date)
        if news:
            moments.append(article.date + NEWS_WINDOW)
    return moments


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A build found nothing changed: the summary the last build saved, whether the output's
    build-info.json was written anew, and whether the output has one."""

    summary: Any
    written: int
    published_info: bool = False


def info_path(store: Store, output: Path) -> Path:
    """Where ``build-info.json`` of the builds into ``output`` is kept: plain JSON in the store, for
    people and cron jobs (nothing reads it back), private unless the site also publishes it."""
    return store.path(store.per_output("build-info", output) + ".json")


def save_info(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, unless it already holds those bytes."""
    if same_bytes(str(path), data):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def save(store: Store, output: Path, *, options_key: str, inputs: Stats, files: Mapping[str, FileStat],
         built_at: datetime, until: float | None, following: list[str], generator: str, summary: Any,
         sealed: Mapping[str, Seal] | None = None) -> bool:
    """Record a successful build (called under the output lock, after the swap). ``sealed``: folders
    of made files whose files are not among ``files`` (output/listing.py)."""
    sealed = sealed or {}
    pair = f"{built_at.timestamp()}-{os.getpid()}-{len(files)}"  # the two parts belong together
    outputs = {
        "pair": pair, "files": {relative: tuple(stat) for relative, stat in files.items()},
        "sealed": {folder: tuple(seal) for folder, seal in sealed.items()},
        "folders": sorted(_folders_of([*files, *(folder + "/" for folder in sealed)])),  # so the check need not
    }
    record = {
        "pair": pair, "options": options_key, "inputs": inputs,
        "from": built_at.timestamp(), "until": until, "following": following, "generator": generator,
        "summary": summary,
    }
    return store.save(store.per_output(OUTPUTS, output), outputs) and store.save(store.per_output(KIND, output), record)


def forget(store: Store, output: Path) -> None:
    """A build that did not finish may have changed the output: the record no longer tells."""
    store.forget(store.per_output(KIND, output))
    store.forget(store.per_output(OUTPUTS, output))


def _folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder above the paths (``a/b/`` counts as being in ``a/b``); each folder's parents are
    in already once it is, so most paths cost one look-up."""
    folders: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _inputs_as_recorded(record: Any, root: Path, options_key: str, now: datetime, seen: Stats) -> bool:
    if not isinstance(record, dict) or record["options"] != options_key:
        return False
    until = record["until"]
    if not record["from"] <= now.timestamp() or (until is not None and now.timestamp() >= until):
        return False
    recorded_inputs = record["inputs"]
    seen.update(input_stats(root))
    current = dict(seen)
    current.update(named_stats(root, [name for name in recorded_inputs if name not in current]))
    return bool(current == recorded_inputs)  # data files elsewhere, or missing ones, are looked up by name


def check(store: Store, root: Path, output: Path, options_key: str, now: datetime,
          split: Split | None = None, seen: Stats | None = None) -> Unchanged | None:
    """When nothing changed since the last build (see the module docstring): its saved summary, after
    writing ``build-info.json`` anew (see :func:`info_path`); None when a build is needed. ``split``:
    see :func:`listing.unchanged`. ``seen``: filled with the inputs' stats when they were taken, for
    the build that follows (see :func:`input_stats`). The output's files are read from the store only
    once every input is as recorded: an edit's build does not wait for them."""
    name, outputs_name = store.per_output(KIND, output), store.per_output(OUTPUTS, output)
    record = store.load(name)
    try:
        if not _inputs_as_recorded(record, root, options_key, now, {} if seen is None else seen):
            return None
        outputs = store.load(outputs_name)
        if not isinstance(outputs, dict) or outputs["pair"] != record["pair"]:
            return None
        files: dict[str, FileStat] = outputs["files"]  # plain tuples, equal to the FileStat the listing gives
        recorded_folders = set(outputs["folders"])
        seals = {folder: Seal(*seal) for folder, seal in outputs["sealed"].items()}
        following = [str(stamp) for stamp in record["following"]]
        generator = str(record["generator"])
    except (KeyError, TypeError, ValueError):
        return None
    output = output.absolute()
    with output_lock(store.lock_file(output), output):
        recover(output)
        if not unchanged(output, files, recorded_folders, seals, split):
            return None
        data = info_bytes(following, now, generator)
        save_info(info_path(store, output), data)
        written = _rewrite_info(output, files, data)
        if written:
            outputs["files"][BUILD_INFO] = tuple(files[BUILD_INFO])
            record["from"] = now.timestamp()
            store.save(outputs_name, outputs)
            store.save(name, record)
    return Unchanged(record["summary"], written, BUILD_INFO in files)


def _rewrite_info(output: Path, files: dict[str, FileStat], data: bytes) -> int:
    """build-info.json states the build time: 1 when its bytes changed and it was written."""
    target = os.path.join(str(output), BUILD_INFO)
    if BUILD_INFO not in files or same_bytes(target, data):
        return 0
    temp = os.path.join(str(output), f".{BUILD_INFO}.{os.getpid()}.tmp")
    with open(temp, "wb") as handle:
        handle.write(data)
    os.replace(temp, target)
    info = os.stat(target)
    files[BUILD_INFO] = FileStat(info.st_size, info.st_mtime_ns, info.st_ino)
    return 1
