"""The search step of the write stage: index the shards whose articles changed, keep the others.

Each shard (render/search.py) has a key: a hash of its articles' records (cheap fingerprints, not
the records) and of the Pagefind binary. The store keeps, per output folder, each shard's key and
the files it made; a shard whose key is unchanged and whose files are all still in the previous
output is linked from there like any unchanged page, and not indexed. So an edit indexes one shard
and a build with nothing new indexes none. The bundles' bytes live in the output itself (and in the
spare tree the next build starts from), never twice.

The shards to index go to ``pagefind --service`` processes (render/pagefind.py), one per job, each
under one deadline (render/search.py: ``search_timeout``): a failed, killed or hanging indexer fails the build with its
cause, before the swap, so the previous site stays as it was.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..core.model import Article, Site
from ..output.listing import OldFile
from ..output.precompress import Given, packed_copies
from ..render.canonical import canonical
from ..render.pagefind import IndexerError, Indexers
from ..render.search import (BUNDLE_DIR, DELTA_FOLDER, RECORDS, SHARDS_FILE, TIMEOUT_ENV, SearchIndex,
                             bundle_files, fingerprint, fragment_ids, kept_binary, language_code, pages_in,
                             reading_order, record, require_pagefind, runtime_files, search_failure,
                             search_timeout, shard_count, shard_folder, shard_of, shards_manifest)
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
    copies: Given = field(default_factory=dict)  # the precompressed copies of new files, made as each bundle came

    def kept(self, previous: Mapping[str, OldFile]) -> int:
        """Of the index's files, those the writer keeps from the previous output (for the summary,
        which counts pages): the reused, and those made again the same (content-named, same size)."""
        same = sum(1 for path, data in self.files.items()
                   if (old := previous.get(path)) is not None and old.stat.size == len(data))
        return len(self.reused) + same


def _binary(saved: Any) -> Path:
    """The binary the last build used while ``pagefind_binary`` would still take it (see
    render/search.py's :func:`kept_binary`); else looked for, which imports the wheel's package:
    20 ms, where the rest of a 1,000-article edit's index takes 40 and its pages 50."""
    return kept_binary(saved.get("binary") if isinstance(saved, dict) else None) or require_pagefind()


def _engine(binary: Path) -> str:
    """The indexer's identity: a new Pagefind makes other bytes, so every shard is indexed again."""
    try:
        stat = binary.stat()
        return f"{binary}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        return str(binary)


def _key(fingerprints: list[str], engine: str) -> str:
    return hashlib.blake2b(repr((engine, RECORDS, fingerprints)).encode(), digest_size=16).hexdigest()


def _still_there(folder: str, kept: list[Any], previous: Mapping[str, OldFile]) -> bool:
    """The previous output holds every file of the bundle as it was made (the entry names the meta
    file by its hash, which names the chunks by theirs, so comparing the entry's bytes is enough)."""
    sizes, entry = kept[1], kept[2]
    for path, size in sizes.items():
        old = previous.get(path)
        if old is None or old.stat.size != size:
            return False
    old = previous.get(f"{folder}/{ENTRY}")
    try:
        return old is not None and Path(old.path).read_bytes() == entry
    except OSError:
        return False


@dataclass
class _Plan:
    """Which bundles to index, which to keep, and what the delta holds (see index_site)."""

    folders: dict[int, str]  # slot -> output folder: the shards 0..count-1, then the delta
    groups: dict[int, list[Article]]  # slot -> its articles, for the slots to index
    kept: dict[int, list[Any]]  # slot -> its stored record, for the slots kept as they are
    keys: dict[int, str]
    stale: list[str]  # ids of pages in kept shards that changed or went since they were indexed
    prints: dict[str, str]  # source -> the article's fingerprint (render/search.py)


Token = Callable[[Article], bytes]
"""An article's hash as assembled, every field (the page fingerprints' token: store/fingerprints.py)."""


def _plan(site: Site, urls: Urls, saved: Any, previous: Mapping[str, OldFile], engine: str,
          token: Token | None) -> _Plan:
    """A shard whose articles are as they were is kept. One with a few changed articles is kept too:
    its changed pages are marked stale and the changed articles go to the small delta bundle, the
    only one indexed again; once the delta would pass ``search_shard_size / 8`` articles, the shards
    with changes are indexed again instead and the delta empties."""
    config = site.config
    count = shard_count(len(site.articles), config.search_shard_size)
    groups: dict[int, list[Article]] = {shard: [] for shard in range(count)}
    for article in site.articles:
        groups[shard_of(article, count)].append(article)
    prints: dict[str, str] = {}
    order = reading_order(urls)
    for group in groups.values():
        group.sort(key=order)
        for article in group:
            prints[article.source] = fingerprint(article, site, urls, token(article) if token else None).hex()
    keys = {shard: _key([prints[a.source] for a in group], engine) for shard, group in groups.items()}
    before = saved.get("shards", []) if isinstance(saved, dict) and saved.get("count") == count \
        and saved.get("engine") == engine else []
    kept: dict[int, list[Any]] = {}
    changed: dict[int, list[Article]] = {}
    stale: dict[int, list[str]] = {}
    for shard, stored in enumerate(before):
        if not _still_there(shard_folder(shard), stored, previous):
            continue
        kept[shard] = stored
        if stored[0] != keys[shard]:
            members = stored[4]
            changed[shard] = [a for a in groups[shard] if members.get(a.source, [None])[0] != prints[a.source]]
            now = {a.source for a in groups[shard]}
            stale[shard] = [ids[1] for source, ids in members.items()
                            if source not in now or ids[0] != prints[source]]
    if sum(len(articles) for articles in changed.values()) > max(1, config.search_shard_size // 8):
        for shard in changed:  # compaction: those shards are indexed afresh, the delta empties
            del kept[shard]
        changed, stale = {}, {}
    folders = {shard: shard_folder(shard) for shard in range(count)}
    todo = {shard: groups[shard] for shard in range(count) if shard not in kept}
    delta = sorted((a for articles in changed.values() for a in articles), key=order)
    if delta:
        folders[count] = DELTA_FOLDER
        keys[count] = _key([prints[a.source] for a in delta], engine)
        old = saved.get("delta") if before else None
        if old and old[0] == keys[count] and _still_there(DELTA_FOLDER, old, previous):
            kept[count] = old
        else:
            todo[count] = delta
    return _Plan(folders, todo, kept, keys, [page for ids in stale.values() for page in ids], prints)


Finished = tuple[dict[str, bytes], dict[str, bytes], Given]  # a bundle as Pagefind made it, as published, its copies
Runtime = dict[str, tuple[bytes, Mapping[str, bytes]]]  # a runtime file's output path -> its bytes, its copies


def _runtime_copies(binary: Path, timeout: float, indexers: Indexers, language: str) -> Runtime:
    """Pagefind's WebAssembly and its Brotli copy (0.3 s), made while the shards are indexed rather
    than after: the runtime is the same for any index of the language, so an index of one word gives
    it at once (20 ms). Nothing when that fails: the shards' lanes then make the copy, or say why not."""
    probe = {"url": "/", "content": "runtime", "language": language, "meta": {}, "filters": {}}
    try:
        with indexers.start(binary, time.monotonic() + timeout, timeout) as service:
            files = service.bundle([probe], language)[1]
    except IndexerError:
        return {}
    runtime = {f"{BUNDLE_DIR}/{path}": files[path] for path in runtime_files(files) if path in files}
    return {path: (runtime[path], copies) for path, copies in packed_copies(runtime).items()}


def index_site(site: Site, urls: Urls, store: Store, output: Path, previous: Mapping[str, OldFile],
               jobs: int, indexers: Indexers | None = None, token: Token | None = None) -> SearchFiles:
    """Raises :class:`SiteError` naming the cause when Pagefind is missing, fails, dies or hangs.
    ``indexers``: to stop the indexing from another thread. ``token``: the articles' hashes the plan
    made for the pages (an edit has them all already), so that their bodies are not hashed again."""
    saved = store.load(store.per_output(STORE_KIND, output)) if store.enabled else None
    binary = _binary(saved)
    engine = _engine(binary)
    plan = _plan(site, urls, saved, previous, engine, token)
    records = dict(plan.kept)
    files: dict[str, bytes] = {}
    copies: dict[str, dict[str, bytes]] = {}
    timeout = search_timeout(sum(len(group) for group in plan.groups.values()))
    indexers = indexers or Indexers(TIMEOUT_ENV)
    ahead = ThreadPoolExecutor(1) if site.config.precompress and 0 in plan.groups else None  # the runtime is made
    early: Future[Runtime] | None = None if ahead is None else \
        ahead.submit(_runtime_copies, binary, timeout, indexers, language_code(site.config.language))

    def finish(slot: int, raw: dict[str, bytes]) -> Finished:
        """In the bundle's lane, as it comes, the index files' copies: they overlap with the other
        lane's indexer or the pages' compression, not after them."""
        raw = canonical(raw)  # the same bytes from run to run (Pagefind writes some in hash-map order)
        made = bundle_files(raw, plan.folders[slot])
        if not site.config.precompress:
            return raw, made, {}
        runtime = early.result() if early is not None and slot == 0 else {}
        ready = {path: runtime[path][1] for path, data in made.items()
                 if path in runtime and runtime[path][0] == data}  # the very bytes: their copies stand
        rest = {path: data for path, data in made.items() if path not in ready}
        return raw, made, {**packed_copies(rest), **ready}

    try:
        made_now = _index(plan.groups, site, urls, binary, jobs, timeout, output, indexers, finish)
    finally:
        if ahead is not None:
            ahead.shutdown()  # when the lanes failed, the indexers are stopped: it ends at once
    for slot, (raw, made, packed) in made_now.items():
        files.update(made)
        copies.update(packed)
        ids = fragment_ids(raw)
        members = {a.source: [plan.prints[a.source], ids.get(urls.article(a), "")]
                   for a in plan.groups[slot]}
        records[slot] = [plan.keys[slot], {path: len(data) for path, data in made.items()}, raw.get(ENTRY, b""),
                         pages_in(raw), members]
    count = len([slot for slot, folder in plan.folders.items() if folder != DELTA_FOLDER])
    merged = [plan.folders[slot] for slot in sorted(plan.folders) if slot and records[slot][3]]
    files[SHARDS_FILE] = shards_manifest(merged, plan.stale)
    reused = frozenset(path for slot in plan.kept for path in records[slot][1])
    pages = sum(records[slot][3] for slot in plan.folders) - len(plan.stale)
    index = SearchIndex(pages, len(files) + len(reused), count, len(plan.groups))
    saved_now = {"count": count, "engine": engine, "shards": [records[shard] for shard in range(count)],
                 "delta": records.get(count), "binary": str(binary)}
    return SearchFiles(index, files, reused, saved_now, copies)


def _index(groups: dict[int, list[Article]], site: Site, urls: Urls, binary: Path, jobs: int, timeout: float,
           output: Path, indexers: Indexers, finish: Callable[[int, dict[str, bytes]], Finished]
           ) -> dict[int, Finished]:
    """Each slot in ``groups`` -> its bundle, from up to ``jobs`` indexer processes at once, as
    ``finish`` leaves it."""
    todo = sorted(groups)
    if not todo:
        return {}
    deadline = time.monotonic() + timeout
    language = language_code(site.config.language)
    lanes = [todo[lane::max(1, min(jobs, len(todo)))] for lane in range(max(1, min(jobs, len(todo))))]

    def run(lane: list[int]) -> dict[int, Finished]:
        made = {}
        with indexers.start(binary, deadline, timeout) as service:
            for shard in lane:
                made[shard] = finish(shard, service.bundle((record(a, site, urls) for a in groups[shard]),
                                                           language)[1])
        return made

    done: dict[int, Finished] = {}
    with ThreadPoolExecutor(len(lanes)) as pool:
        futures = [pool.submit(run, lane) for lane in lanes]
        try:
            for future in futures:
                done.update(future.result())
        except IndexerError as exc:
            indexers.stop()  # the other lanes stop now, not at the deadline
            raise search_failure(output, f"Pagefind {exc}", str(exc)) from None
    return done


def remember(store: Store, output: Path, search: SearchFiles | None) -> None:
    """Once the output is in place: what the next build reuses (nothing, when search is off)."""
    if not store.enabled:
        return
    name = store.per_output(STORE_KIND, output)
    if search is None:
        store.forget(name)
    else:
        store.save(name, search.saved)
