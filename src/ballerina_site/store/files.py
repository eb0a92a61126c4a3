"""One file of the store: a header (magic, name, format, version key, checksum) and a marshal payload.

The checksum is a CRC-32 of the payload, as zip and PNG use against a damaged or truncated file: it
need not resist a forger (the payload is plain data whatever it holds), and a 10,000-article edit
reads 60 MB of records, which BLAKE2b took 65 ms to check and CRC-32 takes 15.

A file that is truncated, corrupt, foreign, of another format or written under another version key
reads as missing, so a store can always be deleted, and a damaged one is rebuilt, never trusted.
Payloads are ``marshal`` dumps of plain data (str, int, float, bytes, tuples, lists, dicts): no
pickled objects, so reading a planted file cannot run code.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import zlib
from pathlib import Path
from typing import Any, Callable

MAGIC = b"BALLERINA-STORE\n"
FORMAT = 3
MARSHAL_VERSION = 4
IGNORE_NOTE = "# ballerina-site build store: safe to delete\n*\n"


def _crc32(payload: bytes | memoryview) -> bytes:
    return zlib.crc32(payload).to_bytes(4, "big")


def _blake2b(payload: bytes | memoryview) -> bytes:
    return hashlib.blake2b(payload, digest_size=32).digest()


CHECKSUMS: dict[int, tuple[int, Callable[[bytes | memoryview], bytes]]] = {FORMAT: (4, _crc32), 2: (32, _blake2b)}
"""Each readable format's checksum (size, function): format 2 files are still read, so that the
processed pictures kept across upgrades (store/images.py) are not all made again."""


def header(name: str, key: str, form: int = FORMAT) -> bytes:
    return MAGIC + f"{name} {form} {key}\n".encode()


def read(path: Path, name: str, key: str) -> Any | None:
    """The payload, or None when the file is missing, damaged, foreign or of another version."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    for form, (size, checksum) in CHECKSUMS.items():
        head = header(name, key, form)
        if data.startswith(head):
            break
    else:
        return None
    start = len(head) + size
    payload = memoryview(data)[start:]
    if len(data) < start or checksum(payload) != data[len(head):start]:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def make_folder(folder: Path) -> None:
    """The store's folder, with a .gitignore that keeps it out of version control."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(IGNORE_NOTE, encoding="utf-8")


def write(path: Path, name: str, key: str, value: Any) -> bool:
    """Atomically (temp file, then rename), into a folder the caller made; a store that cannot be
    written is simply not kept."""
    try:
        payload = marshal.dumps(value, MARSHAL_VERSION)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temp, "wb") as handle:
            handle.write(header(name, key))
            handle.write(_crc32(payload))
            handle.write(payload)
        os.replace(temp, path)
        return True
    except (OSError, ValueError):
        return False


def signature(path: Path) -> tuple[int, int, int, int] | None:
    """Size, mtime, ctime and inode: the ctime, which nothing can set back, tells any rewrite."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
