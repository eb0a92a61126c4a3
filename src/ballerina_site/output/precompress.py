"""Precompressed copies: ``page.html.br`` (Brotli) and ``page.html.gz`` (gzip) beside each text file of
the staged output, for servers that send them as they are to a client that accepts them (nginx
``gzip_static``/``brotli_static``, Caddy ``precompressed``, the Apache rules of ``deploy-config``),
with no compression work per request.

The same bytes give the same copies on every build (no time stamp or file name in the gzip header),
so a deploy tool sees them unchanged. A file kept from the previous output (the same inode, or the
same bytes, e.g. the search index Pagefind writes anew) keeps that output's copies, hard-linked;
only new or changed files are compressed, spread over the cores by the caller's ``spread``
(``pipeline.parallel.run``: output comes before the pipeline, so it does not import it).

Files under 512 bytes are left alone: they fit one network packet either way, a copy saves a
hundred bytes at best (gzip's header eats most of it), and each copy is one more file to write and
upload (see docs/performance.md).

The search index's meta, filter and WebAssembly files are gzip already, as Pagefind writes them, and
its runtime takes them unpacked as well (it unpacks only what does not start with its signature).
They get a Brotli copy of their unpacked bytes, at Brotli's best: a fifth to two fifths smaller
than Pagefind's gzip, on the files every reader's first search downloads (the meta of each shard,
the WebAssembly). A client without Brotli gets Pagefind's file as it is. The index chunks and
fragments get none: Brotli saves a tenth on them only at a cost of 40 ms a chunk, and there are
thousands of them.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import time
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import brotli

from ..render.hosts import PACKED
from .listing import FileStat, OldFile
from .fileio import same_bytes, write_over

SUFFIXES = (".html", ".css", ".js", ".xml", ".json", ".svg", ".txt")
COPIES = (".br", ".gz")
MIN_SIZE = 512
BROTLI_QUALITY = 2  # at 1,000 articles: 4 is 8% smaller and twice as slow, 11 some 25% smaller and 200 times slower
PACKED_QUALITY = 11  # a few files a build, most of them kept: 70 ms a shard's meta, 0.4 s the WebAssembly
GZIP_LEVEL = 2  # the fallback for clients without Brotli: level 1 costs the same and is 4% larger, 6 is 12% smaller and twice as slow
POOL_THRESHOLD = 64  # fewer files than this: compressing them here beats starting workers

Spread = Callable[..., list[Any]]


def copies_of(relative: str) -> tuple[str, ...]:
    """The copies a file of this name gets (if it is large enough)."""
    if relative.endswith(SUFFIXES):
        return COPIES
    return COPIES[:1] if relative.endswith(PACKED) else ()


def compressed(relative: str, data: bytes) -> dict[str, bytes]:
    """Each copy of ``data`` by its suffix: the same bytes for the same data, always. None for a
    Pagefind file that is not gzip after all."""
    if not relative.endswith(PACKED):
        return {".br": brotli.compress(data, quality=BROTLI_QUALITY),
                ".gz": gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)}
    try:
        return {".br": brotli.compress(gzip.decompress(data), quality=PACKED_QUALITY)}
    except (OSError, EOFError):
        return {}


def wanted(relative: str, size: int) -> bool:
    return size >= MIN_SIZE and bool(copies_of(relative))


Given = Mapping[str, Mapping[str, bytes]]  # file -> its copies by suffix, made from its bytes before it was staged


def packed_copies(files: Mapping[str, bytes]) -> dict[str, dict[str, bytes]]:
    """The copies of Pagefind's files among ``files`` (path -> bytes), for the search step to make as
    each bundle comes, alongside the other work, rather than here at the end."""
    return {path: compressed(path, data) for path, data in files.items()
            if path.endswith(PACKED) and wanted(path, len(data))}


Made = tuple[int, int, int, dict[str, FileStat]]  # sizes of a file and its Brotli and gzip copies; each copy's stat


def _made(size: int, copies: Mapping[str, bytes], stats: dict[str, FileStat]) -> Made:
    return size, len(copies.get(".br", b"")), len(copies.get(".gz", b"")), stats


def compress_chunk(folder: str, chunk: Sequence[str]) -> list[Made]:
    """In a worker or here: write the copies of each file of ``chunk``."""
    made: list[Made] = []
    for relative in chunk:
        path = folder + "/" + relative
        data = _read(path)
        copies = compressed(relative, data)
        stats = {suffix: write_over(path + suffix, copy) for suffix, copy in copies.items()}
        made.append(_made(len(data), copies, stats))
    return made


def _link(source: OldFile, target: str, there: OldFile | None = None) -> None:
    """``target`` becomes the previous output's copy: nothing to do when the staging folder (the
    spare tree, an older output) already holds that very file, as it does for most of a rebuild.
    ``there``: what the staging folder holds at ``target``, as listed (then not even looked at)."""
    if there is not None and there.stat.inode == source.stat.inode:
        return
    try:
        if os.lstat(target).st_ino == source.stat.inode:
            return
        os.unlink(target)
    except FileNotFoundError:
        pass
    os.link(source.path, target, follow_symlinks=False)


def _unchanged(relative: str, staged: FileStat, previous: Mapping[str, OldFile], path: str) -> bool:
    """The previous output has this very file, and all its copies, to link."""
    old = previous.get(relative)
    if old is None or any(relative + suffix not in previous for suffix in copies_of(relative)):
        return False
    if old.stat.inode == staged.inode:
        return True
    return old.stat.size == staged.size and same_bytes(old.path, _read(path))


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


@dataclass(frozen=True, slots=True)
class Precompressed:
    """What precompression did, for the summary line."""

    compressed: int  # files compressed in this build
    kept: int  # files whose copies were linked from the previous output
    original: int  # bytes of the files compressed
    brotli: int  # bytes of their Brotli copies
    gzip: int  # bytes of their gzip copies
    seconds: float = 0.0  # the step's wall time: what it adds to the build (it runs alone, before the swap)


def copy_names(paths: Iterable[str]) -> set[str]:
    """The copies ``paths`` may have: a rebuild keeps them in the staging folder (writer.py), so
    that unchanged files keep their copies without a single write."""
    return {path + suffix for path in paths for suffix in copies_of(path)}


Early = Mapping[str, tuple[FileStat, Made]]  # file -> its stat when its copies were made, and what was made


def _own(relative: str, names: Container[str]) -> bool:
    """Gets copies of its own: a file of a kind that has them, whose copy names are not files of the
    site (a ``.gz`` of its own)."""
    copies = copies_of(relative)
    return bool(copies) and not any(relative + suffix in names for suffix in copies)


def compress_meanwhile(folder: str, files: Mapping[str, FileStat], names: Container[str],
                       previous: Mapping[str, OldFile], busy: Callable[[], bool]) -> dict[str, tuple[FileStat, Made]]:
    """While ``busy()`` (another program working on the other core: the search indexer), make here,
    one by one, the copies :func:`precompress_folder` would make of ``files`` (staged already;
    ``names``: every file the folder will hold); it takes those as done, and does the rest."""
    base = folder + "/"
    early: dict[str, tuple[FileStat, Made]] = {}
    try:
        for relative, staged in sorted(files.items()):
            if not busy():
                break
            if _own(relative, names) and wanted(relative, staged.size) and \
                    not _unchanged(relative, staged, previous, base + relative):
                early[relative] = (staged, compress_chunk(folder, [relative])[0])
    except OSError:
        pass  # the rest is precompress_folder's, and so is reporting the error
    return early


def precompress_folder(folder: str, files: Mapping[str, FileStat], previous: Mapping[str, OldFile],
                       jobs: int = 1, spread: Spread | None = None, early: Early | None = None,
                       present: Mapping[str, OldFile] | None = None, given: Given | None = None
                       ) -> tuple[Precompressed, dict[str, FileStat]]:
    """Write the copies of every compressible file of ``files`` (all that is staged in ``folder``);
    returns what it did and the copies' stats. A file whose copy name is itself a file of the site
    (a ``.gz`` of its own) is left alone; a copy left from an older build beside a file that gets
    none now is removed. ``early``: copies made before (see :func:`compress_meanwhile`), taken for a
    file still as it was then. ``present``: the files the staging folder held from the spare tree,
    as listed, and untouched since but by :func:`compress_meanwhile`. ``given``: copies made before
    the files were staged (:func:`packed_copies`), from the bytes staged."""
    started = time.perf_counter()
    todo: list[str] = []
    kept = 0
    base = folder + "/"
    stats: dict[str, FileStat] = {}
    done: list[Made] = []
    early = early or {}
    given = given or {}
    for relative, staged in sorted(files.items()):
        if not _own(relative, files):
            continue
        path = base + relative
        before = early.get(relative)
        if before is not None and before[0] == staged:
            stats.update((relative + suffix, stat) for suffix, stat in before[1][3].items())
            done.append(before[1])
        elif not wanted(relative, staged.size):
            for suffix in COPIES:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path + suffix)
        elif relative in given:
            copies = given[relative]
            made = {suffix: write_over(path + suffix, copy) for suffix, copy in copies.items()}
            stats.update((relative + suffix, stat) for suffix, stat in made.items())
            done.append(_made(staged.size, copies, made))
        elif _unchanged(relative, staged, previous, path):
            listed = present if present is not None and before is None else {}
            for suffix in copies_of(relative):
                old = previous[relative + suffix]
                _link(old, path + suffix, listed.get(relative + suffix))
                stats[relative + suffix] = old.stat
            kept += 1
        else:
            todo.append(relative)
    if spread is not None and jobs > 1 and len(todo) >= POOL_THRESHOLD:
        made = spread(compress_chunk, todo, folder, jobs)
    else:
        made = compress_chunk(folder, todo)
    for relative, item in zip(todo, made):
        stats.update((relative + suffix, stat) for suffix, stat in item[3].items())
    done += made
    original, brotli_bytes, gzip_bytes = (sum(column) for column in zip((0, 0, 0), *(item[:3] for item in done)))
    return Precompressed(len(done), kept, original, brotli_bytes, gzip_bytes, time.perf_counter() - started), stats
