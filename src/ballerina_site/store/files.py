"""One file of the store: a header (magic, name, format, version key, checksum) and a marshal payload.

A file that is truncated, corrupt, foreign, of another format or written under another version key
reads as missing, so a store can always be deleted, and a damaged one is rebuilt, never trusted.
Payloads are ``marshal`` dumps of plain data (str, int, float, bytes, tuples, lists, dicts): no
pickled objects, so reading a planted file cannot run code.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

MAGIC = b"BALLERINA-STORE\n"
FORMAT = 2
CHECKSUM_SIZE = 32
MARSHAL_VERSION = 4
IGNORE_NOTE = "# ballerina-site build store: safe to delete\n*\n"


def header(name: str, key: str) -> bytes:
    return MAGIC + f"{name} {FORMAT} {key}\n".encode()


def read(path: Path, name: str, key: str) -> Any | None:
    """The payload, or None when the file is missing, damaged, foreign or of another version."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = header(name, key)
    start = len(head) + CHECKSUM_SIZE
    if not data.startswith(head) or len(data) < start:
        return None
    payload = memoryview(data)[start:]
    if hashlib.blake2b(payload, digest_size=CHECKSUM_SIZE).digest() != data[len(head):start]:
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
    """Atomically (temp file, then rename); a store that cannot be written is simply not kept."""
    try:
        payload = marshal.dumps(value, MARSHAL_VERSION)
        make_folder(path.parent)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temp, "wb") as handle:
            handle.write(header(name, key))
            handle.write(hashlib.blake2b(payload, digest_size=CHECKSUM_SIZE).digest())
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
