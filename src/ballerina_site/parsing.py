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
from typing import Any, Callable, Sequence

from . import cache, workers
from .config import SiteConfig
from .content import Parsed, parse_data, parse_settings, read_data

ARTICLES_FILE = "articles"
SHARDS = 16  # the parsed articles are kept in this many files, by a hash of their path


def shard_of(source: str) -> int:
    return hashlib.blake2b(source.encode(), digest_size=1).digest()[0] % SHARDS


def shard_file(root: Path, number: int) -> Path:
    return root / cache.CACHE_DIR / f"{ARTICLES_FILE}-{number:x}"
POOL_THRESHOLD = 64  # fewer articles to convert than this: forking workers costs more than it saves

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
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        hasher.update(path.name.encode())
        hasher.update(path.read_bytes())
    return hasher.digest()


def _settings_stamp(config: SiteConfig) -> bytes:
    return hashlib.blake2b(repr(parse_settings(config)).encode() + code_stamp(), digest_size=16).digest()


def _parse_chunk(chunk: Sequence[tuple[str, bytes]]) -> list[tuple[str, Any, Any]]:
    """In a worker: parse and encode each article (encoded, because results cross a pipe).
    An article the cache cannot encode comes back as None and is parsed again in the parent."""
    config: SiteConfig = workers.shared()
    out = []
    for source, data in chunk:
        parsed = parse_data(source, data, config)
        out.append((source, *_encode(parsed)))
    return out


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
                  jobs: int = 1, progress: Progress | None = None) -> tuple[list[Parsed], ParseStats]:
    """One :class:`Parsed` per path, in the order given; the same result with or without the cache
    and for any number of jobs."""
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
    todo: list[tuple[int, str, bytes, bytes]] = []
    total = len(paths)
    done = 0
    for index, path in enumerate(paths):
        seen = _file_stat(path)
        record = saved.get(path.relative_to(root).as_posix()) if use_cache else None
        if isinstance(record, tuple) and len(record) == 5 and record[3] == seen and record[4] == stamp \
                and _take(record, index, results, fresh, path.relative_to(root).as_posix()):
            done += 1  # the very file parsed before: not even read
            continue
        source, data = read_data(path, root)
        if isinstance(data, Parsed):
            results[index] = data
            done += 1
            continue
        key = hashlib.blake2b(stamp + source.encode() + b"\0" + data, digest_size=16).digest()
        if isinstance(record, tuple) and len(record) == 5 and record[0] == key \
                and _take((key, record[1], record[2], seen, stamp), index, results, fresh, source):
            done += 1
            continue
        todo.append((index, source, data, key, seen))
    cached = done
    if progress:
        progress("parsing", done, total)

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("parsing", done, total)

    pending = [(source, data) for _, source, data, _, _ in todo]
    if jobs > 1 and len(pending) >= POOL_THRESHOLD:
        outcome = [item for part in workers.run(_parse_chunk, workers.chunks(pending, jobs), config, jobs, step)
                   for item in part]
    else:
        outcome = []
        for source, data in pending:
            outcome.append((source, *_encode(parse_data(source, data, config))))
            step(1)
    for (index, source, data, key, seen), (_, article, problems) in zip(todo, outcome):
        if problems is None:  # not encodable: parse here and do not keep it
            results[index] = parse_data(source, data, config)
            continue
        results[index] = _decode(article, problems)
        fresh[source] = (key, article, problems, seen, stamp)
    if use_cache:
        parts: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for source, record in fresh.items():
            parts[shard_of(source)][source] = record
        for number, part in enumerate(parts):
            before = shards[number] if isinstance(shards[number], dict) else {}
            if part != before:  # an edit rewrites one shard, not the whole cache
                cache.save(shard_file(root, number), ARTICLES_FILE, part)
    return [r for r in results if r is not None], ParseStats(len(todo), cached)
