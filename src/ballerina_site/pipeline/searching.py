"""The search step of the write stage: index the shards whose articles changed, keep the others.

Each shard (render/search.py) has a key: a hash of its articles' records (cheap fingerprints, not
the records) and of the Pagefind binary. The store keeps, per output folder, each shard's key and
the files it made; a shard whose key is unchanged and whose files are all still in the previous
output is linked from there like any unchanged page, and not indexed. So an edit indexes one shard
and a build with nothing new indexes none. The bundles' bytes live in the output itself (and in the
spare tree the next build starts from), never twice.

The shards to index go to ``pagefind --service`` processes (render/pagefind.py), one per job, each
under one deadline (``search_timeout``): a failed, killed or hanging indexer fails the build with its
cause, before the swap, so the previous site stays as it was.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..core.errors import Problem, SiteError
from ..core.model import Article, Site
from ..output.listing import OldFile
from ..render.canonical import canonical
from ..render.pagefind import IndexerError, Service
from ..render.search import (SHARDS_FILE, SearchIndex, bundle_files, fingerprint, language_code, pages_in,
                             record, require_pagefind, shard_count, shard_folder, shard_of, shards_manifest)
from ..site.urls import Urls
from ..store.store import Store

STORE_KIND = "search"
ENTRY = "pagefind-entry.json"


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """What the search step hands the writer, and what the store keeps once the output is in place."""

    index: SearchIndex
    files: dict[str, bytes]  # output path -> bytes, to stage
    reused: frozenset[str]  # output paths to link from the previous output unchanged
    saved: dict[str, Any]  # for the store, after the swap (see remember)

    def kept(self, previous: Mapping[str, OldFile]) -> int:
        """Of the index's files, those the writer keeps from the previous output (for the summary,
        which counts pages): the reused, and those made again the same (content-named, same size)."""
        same = sum(1 for path, data in self.files.items()
                   if (old := previous.get(path)) is not None and old.stat.size == len(data))
        return len(self.reused) + same


def _engine(binary: Path) -> str:
    """The indexer's identity: a new Pagefind makes other bytes, so every shard is indexed again."""
    try:
        stat = binary.stat()
        return f"{binary}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        return str(binary)


def _key(articles: list[Article], site: Site, urls: Urls, engine: str) -> str:
    hasher = hashlib.blake2b(engine.encode(), digest_size=16)
    for article in articles:
        hasher.update(fingerprint(article, site, urls))
    return hasher.hexdigest()


def _still_there(shard: int, kept: list[Any], previous: Mapping[str, OldFile]) -> bool:
    """The previous output holds every file of the shard as it was made (the entry names the meta
    file by its hash, which names the chunks by theirs, so comparing the entry's bytes is enough)."""
    _, sizes, entry, _ = kept
    for path, size in sizes.items():
        old = previous.get(path)
        if old is None or old.stat.size != size:
            return False
    old = previous.get(f"{shard_folder(shard)}/{ENTRY}")
    try:
        return old is not None and Path(old.path).read_bytes() == entry
    except OSError:
        return False


def index_site(site: Site, urls: Urls, store: Store, output: Path, previous: Mapping[str, OldFile],
               jobs: int, timeout: float) -> SearchFiles:
    """Raises :class:`SiteError` naming the cause when Pagefind is missing, fails, dies or hangs."""
    binary = require_pagefind()
    engine = _engine(binary)
    count = shard_count(len(site.articles), site.config.search_shard_size)
    groups: list[list[Article]] = [[] for _ in range(count)]
    for article in site.articles:
        groups[shard_of(article, count)].append(article)
    for group in groups:
        group.sort(key=urls.article)
    keys = [_key(group, site, urls, engine) for group in groups]
    saved = store.load(store.per_output(STORE_KIND, output)) if store.enabled else None
    before = saved.get("shards", []) if isinstance(saved, dict) and saved.get("count") == count else []
    shards: list[Any] = [None] * count
    for shard, kept in enumerate(before):
        if kept[0] == keys[shard] and _still_there(shard, kept, previous):
            shards[shard] = kept
    todo = [shard for shard in range(count) if shards[shard] is None]
    files: dict[str, bytes] = {}
    for shard, raw in _index(todo, groups, site, urls, binary, jobs, timeout).items():
        raw = canonical(raw)  # the same bytes from run to run (Pagefind writes some in hash-map order)
        made = bundle_files(raw, shard)
        files.update(made)
        shards[shard] = [keys[shard], {path: len(data) for path, data in made.items()}, raw.get(ENTRY, b""),
                         pages_in(raw)]
    files[SHARDS_FILE] = shards_manifest([kept[3] for kept in shards])
    reused = frozenset(path for shard in range(count) if shard not in todo for path in shards[shard][1])
    index = SearchIndex(sum(kept[3] for kept in shards), len(files) + len(reused), count, len(todo))
    return SearchFiles(index, files, reused, {"count": count, "shards": shards})


def _index(todo: list[int], groups: list[list[Article]], site: Site, urls: Urls, binary: Path, jobs: int,
           timeout: float) -> dict[int, dict[str, bytes]]:
    """Each shard in ``todo`` -> its bundle's files, from up to ``jobs`` indexer processes at once."""
    if not todo:
        return {}
    deadline = time.monotonic() + timeout
    language = language_code(site.config.language)
    lanes = [todo[lane::max(1, min(jobs, len(todo)))] for lane in range(max(1, min(jobs, len(todo))))]

    def run(lane: list[int]) -> dict[int, dict[str, bytes]]:
        made = {}
        with Service(binary, deadline) as service:
            for shard in lane:
                _, made[shard] = service.bundle((record(a, site, urls) for a in groups[shard]), language)
        return made

    try:
        with ThreadPoolExecutor(len(lanes)) as pool:
            done: dict[int, dict[str, bytes]] = {}
            for result in pool.map(run, lanes):
                done.update(result)
            return done
    except IndexerError as exc:
        raise SiteError([Problem("search", None, f"Pagefind {exc}",
                                 "set `search: false` in site.yaml, or build with --no-search, to build "
                                 "without search")]) from None


def remember(store: Store, output: Path, search: SearchFiles | None) -> None:
    """Once the output is in place: what the next build reuses (nothing, when search is off)."""
    if not store.enabled:
        return
    name = store.per_output(STORE_KIND, output)
    if search is None:
        store.forget(name)
    else:
        store.save(name, search.saved)
