"""Parse every article file: from the build cache when its bytes and the parse settings are unchanged,
else with Python-Markdown, spread over worker processes when there is enough of it.

Markdown conversion is most of a cold build's time, and none of it needs redoing for an unchanged
file. The cache key of an article is a hash of its path, its bytes, the config values parsing reads
(:func:`content.parse_settings`), this package's code and the versions of the libraries that shape
the result; any change to one of them misses the cache and parses again. A file whose size, mtime,
ctime and inode are those recorded with its entry, under the same settings and code, is not even read.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from ..store import cache

from . import workers
from ..core.config import SiteConfig
from ..content.article import Parsed, parse_data, parse_settings, read_data, read_source
from ..content.discover import source_name

ARTICLES_FILE = "articles"
SHARDS = 16  # the parsed articles are kept in this many files, by a hash of their path


def shard_of(source: str) -> int:
    return hashlib.blake2b(source.encode(), digest_size=1).digest()[0] % SHARDS


def shard_file(root: Path, number: int) -> Path:
    return root / cache.CACHE_DIR / f"{ARTICLES_FILE}-{number:x}"


POOL_THRESHOLD = 64  # fewer articles to convert than this: forking workers costs more than it saves
BACKGROUND_SAVE = 500  # articles converted: from this many, the cache is written by a forked child,
# on the core the build leaves idle while it assembles the site (0.17 s of writing at 10,000 articles,
# 0.12 s less in all); the live preview, which keeps the cache in memory, always writes it itself

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class ParseStats:
    parsed: int  # converted in this build
    cached: int  # taken from the cache


@lru_cache(maxsize=1)
def code_stamp() -> bytes:
    """This package's source and the versions of the libraries parsing uses: a new release or a local
    edit of the code makes every cached article stale."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(sys.version.encode())
    for name in ("markdown", "python-slugify", "text-unidecode", "pyyaml"):
        try:
            hasher.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            hasher.update(f"{name}=none;".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.digest()


def _settings_stamp(config: SiteConfig) -> bytes:
    return hashlib.blake2b(repr(parse_settings(config)).encode() + code_stamp(), digest_size=16).digest()


def _key(stamp: bytes, source: str, data: bytes) -> bytes:
    return hashlib.blake2b(stamp + source.encode() + b"\0" + data, digest_size=16).digest()


Outcome = tuple[Any, ...]  # ("unread", Parsed) | ("same", key) | ("parsed", key, article, problems)


def _read_and_parse(source: str, path: Path, expected: bytes | None, root: Path, config: SiteConfig,
                    stamp: bytes) -> Outcome:
    """Read a file and parse it unless its key is ``expected`` (the recorded one); the article comes
    back encoded, as results cross a pipe (None if the cache cannot encode it: the parent parses it)."""
    _, data = read_data(path, root)
    if isinstance(data, Parsed):  # too big, unreadable
        return ("unread", data)
    key = _key(stamp, source, data)
    if key == expected:
        return ("same", key)
    return ("parsed", key, *_encode(parse_data(source, data, config)))


def _parse_chunk(chunk: Sequence[tuple[str, str, bytes | None]]) -> list[Outcome]:
    """In a worker: read, key and parse each file, so reading and hashing are spread too."""
    root, config, stamp = workers.shared()
    return [_read_and_parse(source, Path(path), expected, root, config, stamp) for source, path, expected in chunk]


def _with_decoded(outcomes: list[Outcome]) -> list[Outcome]:
    """In the parent, as each chunk arrives: a parsed article's decoded :class:`Parsed` appended (an
    article the cache could not encode has none: it is parsed again here)."""
    return [(*outcome, _decode(outcome[2], outcome[3])) if outcome[0] == "parsed" and outcome[3] is not None
            else outcome for outcome in outcomes]


def _encode(parsed: Parsed) -> tuple[Any, Any]:
    try:
        article = None if parsed.article is None else cache.encode_article(parsed.article)
        return article, tuple(cache.encode_problem(p) for p in parsed.problems)
    except cache.Unencodable:
        return None, None


_decoded: dict[int, tuple[Any, Parsed]] = {}  # with cache.keep_in_memory: a record's decoded article


def _decode(article: Any, problems: Any) -> Parsed:
    if cache.in_memory():  # the same record object as last build (kept by cache.py): same article
        hit = _decoded.get(id(article))
        if hit is not None and hit[0] is article:
            return hit[1]
    parsed = Parsed(None if article is None else cache.decode_article(article),
                    tuple(cache.decode_problem(p) for p in problems))
    if cache.in_memory() and article is not None:
        _decoded[id(article)] = (article, parsed)
    return parsed


def _file_stat(path: Path) -> tuple[int, int, int, int]:
    """Size, mtime, ctime and inode: the ctime, which nothing can set back, tells an edit that
    kept size and mtime."""
    try:
        info = path.stat()
    except OSError:
        return (-1, -1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _take(record: tuple[Any, ...], index: int, results: list[Parsed | None], fresh: dict[str, Any],
          source: str) -> bool:
    """Use a cached record; False when it is damaged (the file is then parsed again)."""
    try:
        results[index] = _decode(record[1], record[2])
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return False
    fresh[source] = record
    return True


def parse_sources(paths: Sequence[Path], root: Path, config: SiteConfig, *, use_cache: bool = False,
                  jobs: int = 1, progress: Progress | None = None,
                  input_stats: Mapping[str, tuple[int, int, int, int]] | None = None
                  ) -> tuple[list[Parsed], ParseStats]:
    """One :class:`Parsed` per path, in the order given; the same result with or without the cache
    and for any number of jobs. ``input_stats``: stats (as :func:`_file_stat` takes them) by source
    name, taken before any file was read (the build's, see uptodate.py); others are taken here."""
    stamp = _settings_stamp(config)
    saved: dict[str, Any] = {}
    shards: list[Any] = [None] * SHARDS
    if use_cache:
        for number in range(SHARDS):
            shards[number] = cache.load(shard_file(root, number), ARTICLES_FILE)
            if isinstance(shards[number], dict):
                saved.update(shards[number])
    results: list[Parsed | None] = [None] * len(paths)
    fresh: dict[str, Any] = {}  # what the next build can reuse
    todo: list[tuple[int, str, Any, tuple[int, int, int, int]]] = []  # index, source, record, stat
    total = len(paths)
    done = 0
    known = input_stats if input_stats is not None and use_cache else {}
    for index, path in enumerate(paths):
        source = source_name(path, root)
        seen = known.get(source) or _file_stat(path)  # before the file is read, wherever that happens
        record = saved.get(source) if use_cache else None
        if not (isinstance(record, tuple) and len(record) == 5):
            record = None
        if record is not None and record[3] == seen and record[4] == stamp \
                and _take(record, index, results, fresh, source):
            done += 1  # the very file parsed before: not even read
            continue
        todo.append((index, source, record, seen))
    cached = done
    if progress:
        progress("parsing", done, total)

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("parsing", done, total)

    pending = [(source, str(paths[index]), record[0] if record is not None else None)
               for index, source, record, _ in todo]
    if jobs > 1 and len(pending) >= POOL_THRESHOLD:
        outcomes = [item for part in workers.run(_parse_chunk, workers.chunks(pending, jobs),
                                                 (root, config, stamp), jobs, step, each=_with_decoded)
                    for item in part]
    else:
        outcomes = []
        for source, path, expected in pending:
            outcomes += _with_decoded([_read_and_parse(source, Path(path), expected, root, config, stamp)])
            step(1)
    parsed = 0
    for (index, source, record, seen), outcome in zip(todo, outcomes):
        if outcome[0] == "unread":
            results[index] = outcome[1]
            cached += 1
        elif outcome[0] == "same" and _take((outcome[1], record[1], record[2], seen, stamp), index, results,
                                            fresh, source):
            cached += 1  # touched, not changed
        elif outcome[0] == "same" or outcome[3] is None:  # a damaged record; or not encodable: not kept
            results[index] = read_source(paths[index], root, config)
            parsed += 1
        else:
            _, key, article, problems, results[index] = outcome
            fresh[source] = (key, article, problems, seen, stamp)
            parsed += 1
    if use_cache:
        parts: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for source, record in fresh.items():
            parts[shard_of(source)][source] = record
        changed = [(number, part) for number, part in enumerate(parts)  # an edit rewrites one shard
                   if part != (shards[number] if isinstance(shards[number], dict) else {})]
        if parsed >= BACKGROUND_SAVE and not cache.in_memory():
            workers.in_background(lambda: _save_shards(root, changed))  # the build waits at its end
        else:
            _save_shards(root, changed)
    return [r for r in results if r is not None], ParseStats(parsed, cached)


def _save_shards(root: Path, changed: Sequence[tuple[int, dict[str, Any]]]) -> None:
    for number, part in changed:
        cache.save(shard_file(root, number), ARTICLES_FILE, part)
