"""A build that finds nothing changed since the last one: say so, without loading the site.

After each build with the cache on, ``.ballerina-cache/uptodate-<hash of the output path>`` records
what went in and what came out: the size, mtime, ctime and inode of every input (site-level files,
``content/``, ``templates/``, ``static/``, the data files the config names, the theme and this
package's code), the versions of the libraries that shape the output, the build options, every file
of the output with its size, mtime and inode, the span of time in which the same inputs give the
same output, and the summary the build printed.

The next build compares before doing anything else. When every input, option and output file is as
recorded and the clock is still inside that span, the output is already what a full build would
write, so only ``build-info.json`` (which states the build time) is written again and the recorded
summary is printed. Any difference, a missing or damaged record, or anything it cannot tell, means
an ordinary build. The ctime, which no editor or tool can set back, catches an edit that keeps a
file's size and mtime.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

from . import cache
from ..site.schedule import BUILD_INFO, info_bytes
from ..render.sitemaps import NEWS_WINDOW
from ..pipeline.summary import BuildSummary, from_plain, to_plain, unchanged_since
from ..output.listing import FileStat, listing
from ..output.writer import output_lock, recover, same_bytes

KIND = "uptodate"
FORMAT = 1
PACKAGE = Path(__file__).resolve().parent.parent
WATCHED_FOLDERS = ("content", "templates", "static")  # inputs read whole, beside site-level files
LIBRARIES = ("jinja2", "markupsafe", "markdown", "pyyaml", "python-slugify", "text-unidecode")

Stats = dict[str, tuple[int, int, int, int]]


def record_path(root: Path, output: Path) -> Path:
    where = hashlib.blake2b(str(output.absolute()).encode(), digest_size=8).hexdigest()
    return root / cache.CACHE_DIR / f"{KIND}-{where}"


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
    _walk(str(PACKAGE), "<package>/", found)  # the code and the theme
    return found


def named_stats(root: Path, names: Iterable[str]) -> Stats:
    return {name: _stat(os.path.join(str(root), name)) for name in names}


def environment_key(options_key: str) -> str:
    """What shapes the output besides the files: options, Python and the libraries' versions."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    return repr((FORMAT, sys.version, versions, options_key))


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


def save(root: Path, output: Path, *, options_key: str, inputs: Stats, files: Mapping[str, FileStat],
         built_at: datetime, until: float | None, following: list[str], generator: str,
         summary: BuildSummary) -> bool:
    """Record a successful build (called under the output lock, after the swap)."""
    record = {
        "environment": environment_key(options_key), "inputs": inputs,
        "files": {relative: tuple(stat) for relative, stat in files.items()},
        "from": built_at.timestamp(), "until": until, "following": following, "generator": generator,
        "summary": to_plain(summary),
    }
    return cache.save(record_path(root, output), KIND, record)


def forget(root: Path, output: Path) -> None:
    """A build that did not finish may have changed the output: the record no longer tells."""
    try:
        os.unlink(record_path(root, output))
    except OSError:
        pass


def _folders_of(paths: Iterable[str]) -> set[str]:
    folders = set()
    for path in paths:
        parts = path.split("/")
        folders.update("/".join(parts[:n]) for n in range(1, len(parts)))
    return folders


def skip_if_unchanged(root: Path, output: Path, options_key: str, now: datetime) -> BuildSummary | None:
    """The last build's summary when nothing changed since it (see the module docstring), after
    writing ``build-info.json`` anew; None when a build is needed."""
    started = time.perf_counter()
    path = record_path(root, output)
    record = cache.load(path, KIND)
    try:
        if not isinstance(record, dict) or record["environment"] != environment_key(options_key):
            return None
        until = record["until"]
        if not record["from"] <= now.timestamp() or (until is not None and now.timestamp() >= until):
            return None
        recorded_inputs = record["inputs"]
        current = input_stats(root)
        current.update(named_stats(root, [name for name in recorded_inputs if name not in current]))
        if current != recorded_inputs:  # data files elsewhere, or missing ones, are looked up by name
            return None
        summary = from_plain(record["summary"])
        files = {relative: FileStat(*stat) for relative, stat in record["files"].items()}
        following = [str(stamp) for stamp in record["following"]]
        generator = str(record["generator"])
    except (KeyError, TypeError, ValueError):
        return None
    output = output.absolute()
    with output_lock(output):
        recover(output)
        found, folders, others = listing(output)
        if others or folders != _folders_of(files) or {r: f.stat for r, f in found.items()} != files:
            return None
        data = info_bytes(following, now, generator)
        target = os.path.join(str(output), BUILD_INFO)
        written = 0
        if BUILD_INFO in files and not same_bytes(target, data):
            temp = os.path.join(str(output), f".{BUILD_INFO}.{os.getpid()}.tmp")
            with open(temp, "wb") as handle:
                handle.write(data)
            os.replace(temp, target)
            info = os.stat(target)
            files[BUILD_INFO] = FileStat(info.st_size, info.st_mtime_ns, info.st_ino)
            record["files"][BUILD_INFO] = tuple(files[BUILD_INFO])
            record["from"] = now.timestamp()
            cache.save(path, KIND, record)
            written = 1
    return unchanged_since(summary, time.perf_counter() - started, written)

