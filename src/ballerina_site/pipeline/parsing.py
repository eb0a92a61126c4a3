"""Parse every article file: from the store when its bytes and the parse settings are unchanged,
else with Python-Markdown, spread over worker processes when there is enough of it.

Markdown conversion is most of a cold build's time, and none of it needs redoing for an unchanged
file (store/articles.py keeps the records). A file whose size, mtime, ctime and inode are those
recorded, under the same stamp, is not even read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from ..content.article import Parsed, article_limit, parse_data, parse_settings, read_data, read_source
from ..content.discover import source_name
from ..core.config import SiteConfig
from ..core.model import Article
from ..store import codec
from ..store.articles import ArticleRecords
from ..store.store import Store
from . import parallel
from .report import ParseStats

POOL_THRESHOLD = 64  # fewer articles to convert than this: starting workers costs more than it saves

Progress = Callable[[str, int, int], None]
Stat = tuple[int, int, int, int]


def parse_stamp(config: SiteConfig, key: str) -> bytes:
    """The config values parsing reads, under the store's version key."""
    return hashlib.blake2b(repr(parse_settings(config)).encode() + key.encode(), digest_size=16).digest()


def _key(stamp: bytes, source: str, data: bytes) -> bytes:
    return hashlib.blake2b(stamp + source.encode() + b"\0" + data, digest_size=16).digest()


Outcome = tuple[Any, ...]  # ("unread", Parsed) | ("same", key) | ("parsed", key, article, problems)


def _read_and_parse(source: str, path: Path, expected: bytes | None, root: Path, config: SiteConfig,
                    stamp: bytes) -> Outcome:
    """Read a file and parse it unless its key is ``expected`` (the recorded one); the article comes
    back encoded, as results cross a pipe (None if it cannot be encoded: the parent parses it)."""
    _, data = read_data(path, root, article_limit(config))
    if isinstance(data, Parsed):  # too big, unreadable
        return ("unread", data)
    key = _key(stamp, source, data)
    if key == expected:
        return ("same", key)
    return ("parsed", key, *_encode(parse_data(source, data, config)))


def _parse_chunk(state: tuple[Path, SiteConfig, bytes], chunk: Sequence[tuple[str, str, bytes | None]]
                 ) -> list[Outcome]:
    """In a worker: read, key and parse each file, so reading and hashing are spread too."""
    root, config, stamp = state
    return [_read_and_parse(source, Path(path), expected, root, config, stamp) for source, path, expected in chunk]


def _encode(parsed: Parsed) -> tuple[Any, Any]:
    try:
        article = None if parsed.article is None else codec.encode_article(parsed.article)
        return article, tuple(codec.encode_problem(p) for p in parsed.problems)
    except codec.Unencodable:
        return None, None


def _decode(article: Any, problems: Any, memo: dict[int, tuple[Any, Parsed]]) -> Parsed:
    """``memo``: in the preview, the same record object as last build decodes to the same article."""
    hit = memo.get(id(article))
    if hit is not None and hit[0] is article:
        return hit[1]
    parsed = Parsed(None if article is None else codec.decode_article(article),
                    tuple(codec.decode_problem(p) for p in problems))
    if article is not None:
        memo[id(article)] = (article, parsed)
    return parsed


def file_stat(path: Path) -> Stat:
    """Size, mtime, ctime and inode: the ctime, which nothing can set back, tells an edit that
    kept size and mtime."""
    try:
        info = path.stat()
    except OSError:
        return (-1, -1, -1, -1)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class _Run:
    """One parse of the site's articles against the store's records."""

    def __init__(self, paths: Sequence[Path], root: Path, config: SiteConfig, store: Store):
        self.paths, self.root, self.config = paths, root, config
        self.records = ArticleRecords(store)
        self.stamp = parse_stamp(config, store.key)
        self.memo = store.memo("decoded articles") if store.in_memory else {}
        self.results: list[Parsed | None] = [None] * len(paths)
        self.keys: dict[int, bytes] = {}  # by index: the key of each article kept in the store
        self.parsed = self.cached = 0

    def take(self, index: int, source: str, record: tuple[Any, ...]) -> bool:
        """Use a stored record; False when it is damaged (the file is then parsed again)."""
        try:
            self.results[index] = _decode(record[1], record[2], self.memo)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return False
        self.records.keep(source, record)
        self.keys[index] = record[0]
        self.cached += 1
        return True

    def settle(self, index: int, source: str, record: tuple[Any, ...] | None, seen: Stat,
               outcome: Outcome) -> None:
        """Use what a reader or worker found for one file."""
        if outcome[0] == "unread":
            self.results[index] = outcome[1]
            self.cached += 1
        elif outcome[0] == "same" and record is not None \
                and self.take(index, source, (outcome[1], record[1], record[2], seen, self.stamp)):
            pass  # touched, not changed
        elif outcome[0] == "same" or outcome[3] is None:  # a damaged record; or not encodable: not kept
            self.results[index] = read_source(self.paths[index], self.root, self.config)
            self.parsed += 1
        else:
            _, key, article, problems = outcome
            self.results[index] = _decode(article, problems, {})
            self.records.keep(source, (key, article, problems, seen, self.stamp))
            self.keys[index] = key
            self.parsed += 1


def parse_sources(paths: Sequence[Path], root: Path, config: SiteConfig, store: Store, *, jobs: int = 1,
                  progress: Progress | None = None, input_stats: Mapping[str, Stat] | None = None
                  ) -> tuple[list[Parsed], ParseStats, dict[str, tuple[bytes, Article]]]:
    """One :class:`Parsed` per path, in the order given; the same result with or without the store and
    for any number of jobs. ``input_stats``: stats by source name taken before any file was read.
    Also each article kept in the store as parsed, with its key: all its fields follow from the key
    (store/article_parts.py)."""
    run = _Run(paths, root, config, store)
    known = input_stats or {}
    todo: list[tuple[int, str, Any, Stat]] = []  # index, source, record, stat
    for index, path in enumerate(paths):
        source = source_name(path, root)
        seen = known.get(source) or file_stat(path)  # before the file is read, wherever that happens
        record = run.records.get(source)
        if record is not None and record[3] == seen and record[4] == run.stamp and run.take(index, source, record):
            continue  # the very file parsed before: not even read
        todo.append((index, source, record, seen))
    done = len(paths) - len(todo)

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("parsing", done, len(paths))

    step(0)
    pending = [(source, str(paths[index]), record[0] if record is not None else None)
               for index, source, record, _ in todo]
    state = (root, config, run.stamp)
    outcomes = parallel.run(_parse_chunk, pending, state, jobs if len(pending) >= POOL_THRESHOLD else 1,
                            progress=step)
    for (index, source, record, seen), outcome in zip(todo, outcomes):
        run.settle(index, source, record, seen, outcome)
    if store.enabled:
        run.records.save()
    as_parsed = {parsed.article.source: (run.keys[index], parsed.article) for index, parsed in enumerate(run.results)
                 if parsed is not None and parsed.article is not None and index in run.keys}
    return [r for r in run.results if r is not None], ParseStats(run.parsed, run.cached), as_parsed
