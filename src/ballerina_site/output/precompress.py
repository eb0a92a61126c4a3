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
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import brotli

from .listing import OldFile, listing
from .writer import same_bytes

SUFFIXES = (".html", ".css", ".js", ".xml", ".json", ".svg", ".txt")
COPIES = (".br", ".gz")
MIN_SIZE = 512
BROTLI_QUALITY = 2  # at 1,000 articles: 4 is 8% smaller and twice as slow, 11 some 25% smaller and 200 times slower
GZIP_LEVEL = 2  # the fallback for clients without Brotli: level 1 costs the same and is 4% larger, 6 is 12% smaller and twice as slow
POOL_THRESHOLD = 64  # fewer files than this: compressing them here beats starting workers

Spread = Callable[..., list[Any]]


def compressed(data: bytes) -> tuple[bytes, bytes]:
    """The Brotli and the gzip copy of ``data``: the same bytes for the same data, always."""
    return (brotli.compress(data, quality=BROTLI_QUALITY),
            gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


def wanted(relative: str, size: int) -> bool:
    return size >= MIN_SIZE and relative.endswith(SUFFIXES)


def compress_chunk(folder: str, chunk: Sequence[str]) -> list[tuple[int, int, int]]:
    """In a worker or here: write the copies of each file of ``chunk``; the sizes of each file and
    its two copies."""
    sizes = []
    for relative in chunk:
        path = folder + "/" + relative
        data = _read(path)
        copies = compressed(data)
        for suffix, copy in zip(COPIES, copies):
            _replace(path + suffix, copy)
        sizes.append((len(data), len(copies[0]), len(copies[1])))
    return sizes


def _replace(path: str, data: bytes) -> None:
    try:
        os.unlink(path)  # never write into a file that may be linked to the live output
    except FileNotFoundError:
        pass
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _link(source: str, target: str) -> None:
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    os.link(source, target, follow_symlinks=False)


def _unchanged(relative: str, staged: OldFile, previous: Mapping[str, OldFile]) -> bool:
    """The previous output has this very file, and both its copies, to link."""
    old = previous.get(relative)
    if old is None or any(relative + suffix not in previous for suffix in COPIES):
        return False
    if old.stat.inode == staged.stat.inode:
        return True
    return old.stat.size == staged.stat.size and same_bytes(old.path, _read(staged.path))


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


@dataclass(frozen=True, slots=True)
class Precompressed:
    compressed: int  # files compressed in this build
    kept: int  # files whose copies were linked from the previous output
    original: int  # bytes of the files compressed
    brotli: int  # bytes of their Brotli copies
    gzip: int  # bytes of their gzip copies


def precompress_folder(folder: str, previous: Mapping[str, OldFile], jobs: int = 1,
                       spread: Spread | None = None) -> Precompressed:
    """Write the copies of every compressible file in the staged ``folder``. A file whose copy name
    is itself a file of the site (a ``.gz`` of its own) is left alone."""
    files = listing(Path(folder)).files
    todo: list[str] = []
    kept = 0
    for relative, staged in sorted(files.items()):
        if not wanted(relative, staged.stat.size) or any(relative + suffix in files for suffix in COPIES):
            continue
        if _unchanged(relative, staged, previous):
            for suffix in COPIES:
                _link(previous[relative + suffix].path, staged.path + suffix)
            kept += 1
        else:
            todo.append(relative)
    if spread is not None and jobs > 1 and len(todo) >= POOL_THRESHOLD:
        sizes = spread(compress_chunk, todo, folder, jobs)
    else:
        sizes = compress_chunk(folder, todo)
    return Precompressed(len(todo), kept, *(sum(column) for column in zip((0, 0, 0), *sizes)))
