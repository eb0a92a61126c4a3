"""Pagefind bundles made byte-identical from run to run (Pagefind issue #638).

Pagefind writes its filter chunks, its meta file and ``pagefind-entry.json`` in hash-map order,
which changes from run to run; the other files (index chunks, fragments, the runtime) are stable.
Those three are decoded here and written again in sorted order, and renamed by a hash of their new
bytes, the meta file after the filter chunks it names, the entry after the meta file. The data is
the same (a filter value's pages, a filter's chunk): only its order and the file names change.

The files are gzip (no name, no time) of ``pagefind_dcd`` and CBOR made of arrays, unsigned
integers and text, which is all this module reads and writes; anything else is left as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from typing import Any, Mapping

MAGIC = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
_FILTER = re.compile(r"filter/([a-z0-9_-]+?)_[0-9a-f]+\.pf_filter")
_META = re.compile(r"pagefind\.([a-z0-9_-]+?)_[0-9a-f]+\.pf_meta")


class Unexpected(ValueError):
    """A file of a shape this module does not know: the bundle is kept as Pagefind wrote it."""


def _decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise Unexpected(f"CBOR length {info}")
    if major == 0:
        return value, at
    if major == 3:
        return data[at:at + value].decode(), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise Unexpected(f"CBOR type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise Unexpected("integer too large")


def _encode(value: Any) -> bytes:
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise Unexpected(f"CBOR value {type(value).__name__}")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        raw = value.encode()
        return _head(3, len(raw)) + raw
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)


def _read(data: bytes) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(MAGIC):
        raise Unexpected("not a Pagefind file")
    value, end = _decode(raw, len(MAGIC))
    if end != len(raw):
        raise Unexpected("trailing bytes")
    return value


def _write(value: Any) -> bytes:
    return gzip.compress(MAGIC + _encode(value), compresslevel=6, mtime=0)


def _hash(data: bytes, digits: int) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()[:digits]


def canonical(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The same bundle with its unstable files in a stable order and named by their bytes; the bundle
    unchanged if anything in it is not as expected."""
    try:
        return _canonical(files)
    except (Unexpected, ValueError, KeyError, IndexError, TypeError, OSError, EOFError):
        return dict(files)


def _canonical(files: Mapping[str, bytes]) -> dict[str, bytes]:
    out = {path: data for path, data in files.items()
           if not (_FILTER.fullmatch(path) or _META.fullmatch(path) or path == ENTRY)}
    renamed: dict[str, str] = {}  # old chunk name -> new
    for path, data in files.items():
        found = _FILTER.fullmatch(path)
        if found:
            name, values = _read(data)
            stable = _write([name, sorted(values, key=lambda pair: pair[0])])
            new = f"{found[1]}_{_hash(stable, 7)}"
            renamed[path[len("filter/"):-len(".pf_filter")]] = new
            out[f"filter/{new}.pf_filter"] = stable
    metas: dict[str, str] = {}
    for path, data in files.items():
        found = _META.fullmatch(path)
        if found:
            meta = _read(data)
            meta[3] = sorted([name, renamed[chunk]] for name, chunk in meta[3])
            meta[4] = sorted(meta[4], key=lambda pair: pair[0])
            stable = _write(meta)
            new = f"{found[1]}_{_hash(stable, 10)}"
            metas[path[len("pagefind."):-len(".pf_meta")]] = new
            out[f"pagefind.{new}.pf_meta"] = stable
    entry = json.loads(files[ENTRY])
    for language in entry["languages"].values():
        language["hash"] = metas[language["hash"]]
    out[ENTRY] = json.dumps(entry, sort_keys=True, separators=(",", ":")).encode()
    return out
