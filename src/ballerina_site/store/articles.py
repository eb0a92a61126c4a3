"""Parsed articles kept between builds, so a build converts Markdown only for files that changed.

A record per source file: (key, article, problems, stat, stamp). The key hashes the file's path and
bytes with the parse stamp (the config values parsing reads, under the store's version key); the
stat (size, mtime, ctime, inode) lets an untouched file go unread. Records are kept in a few shards
by a hash of the path, so an edit rewrites one shard, not the whole archive.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .store import Store

SHARDS = 16
NAME = "articles"

Record = tuple[Any, ...]  # (key, encoded article, encoded problems, stat, stamp)


def shard_of(source: str) -> int:
    return hashlib.blake2b(source.encode(), digest_size=1).digest()[0] % SHARDS


class ArticleRecords:
    """The records of one build: those loaded, and those the build keeps for the next one."""

    def __init__(self, store: Store):
        self.store = store
        self.loaded: list[dict[str, Record]] = []
        for number in range(SHARDS):
            shard = store.load(f"{NAME}-{number:x}")
            self.loaded.append(shard if isinstance(shard, dict) else {})
        self.fresh: dict[str, Record] = {}

    def get(self, source: str) -> Record | None:
        record = self.loaded[shard_of(source)].get(source)
        return record if isinstance(record, tuple) and len(record) == 5 else None

    def keep(self, source: str, record: Record) -> None:
        self.fresh[source] = record

    def save(self) -> None:
        """Write the shards whose records changed; records of files gone are dropped."""
        parts: list[dict[str, Record]] = [{} for _ in range(SHARDS)]
        for source, record in self.fresh.items():
            parts[shard_of(source)][source] = record
        for number, part in enumerate(parts):
            if part != self.loaded[number]:
                self.store.save(f"{NAME}-{number:x}", part)
