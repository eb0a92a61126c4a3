"""The persistent build cache in ``<site>/.ballerina-cache/``: parsed articles, so a build after the
first skips Markdown for every file that did not change (see parsing.py for the keys).

The folder may be deleted at any time. Every file starts with a header (magic, format version,
BLAKE2 checksum of the payload); a file that is truncated, corrupt, from another version or not
ours is ignored and rebuilt, never trusted (a record of the wrong shape too). Payloads are ``marshal`` dumps of plain data this
module wrote itself (str, int, float, bytes, tuples, lists, dicts) — no pickled objects.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from ..core.errors import Problem
from ..core.model import Article, Label

CACHE_DIR = ".ballerina-cache"
MAGIC = b"BALLERINA-CACHE\n"
FORMAT = 1
_CHECKSUM_SIZE = 32
_MARSHAL_VERSION = 4


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# --- files ---------------------------------------------------------------------------------------

_remembered: dict[str, tuple[tuple[int, int, int, int], Any]] | None = None  # see keep_in_memory


def keep_in_memory() -> None:
    """For a long-running process (the live preview): keep what each cache file held, and while the
    file's size, mtime, ctime and inode say it is the very file read or written last, give that
    back instead of reading it again. A build alone does without: it would only hold memory longer."""
    global _remembered
    if _remembered is None:
        _remembered = {}


def in_memory() -> bool:
    return _remembered is not None


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _fresh_copy(value: Any) -> Any:
    """Callers may change the top level of what they load (never the values inside)."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value


def load(path: Path, kind: str) -> Any | None:
    """The payload of a cache file, or None when it is missing, damaged, foreign or outdated."""
    if _remembered is not None:
        signature = _signature(path)
        hit = _remembered.get(f"{kind}:{path}")
        if hit is not None and signature is not None and hit[0] == signature:
            return _fresh_copy(hit[1])
    value = _read(path, kind)
    if _remembered is not None and value is not None and signature is not None:
        _remembered[f"{kind}:{path}"] = (signature, _fresh_copy(value))
    return value


def _read(path: Path, kind: str) -> Any | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = MAGIC + f"{kind} {FORMAT}\n".encode()
    start = len(head) + _CHECKSUM_SIZE
    if not data.startswith(head) or len(data) < start:
        return None
    payload = memoryview(data)[start:]
    if hashlib.blake2b(payload, digest_size=_CHECKSUM_SIZE).digest() != data[len(head):start]:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def save(path: Path, kind: str, value: Any) -> bool:
    """Write atomically (temp file + rename); a cache that cannot be written is simply not kept."""
    try:
        payload = marshal.dumps(value, _MARSHAL_VERSION)
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# ballerina-site build cache: safe to delete\n*\n", encoding="utf-8")
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temp, "wb") as handle:
            handle.write(MAGIC + f"{kind} {FORMAT}\n".encode())
            handle.write(hashlib.blake2b(payload, digest_size=_CHECKSUM_SIZE).digest())
            handle.write(payload)
        os.replace(temp, path)
        if _remembered is not None:
            signature = _signature(path)
            if signature is not None:
                _remembered[f"{kind}:{path}"] = (signature, _fresh_copy(value))
        return True
    except (OSError, ValueError):
        return False


# --- plain data for model values -----------------------------------------------------------------

class Unencodable(ValueError):
    """A value the cache does not know how to store; the article is then just parsed every time."""


_DATETIME = "\x00datetime"
_DATE = "\x00date"


def encode_datetime(value: datetime) -> tuple[Any, ...]:
    zone = value.tzinfo
    naive = value.replace(tzinfo=None).isoformat()
    if zone is None:
        return (_DATETIME, naive, value.fold, "naive", None)
    if isinstance(zone, ZoneInfo) and zone.key:
        return (_DATETIME, naive, value.fold, "zone", zone.key)
    if isinstance(zone, timezone):
        offset = zone.utcoffset(None)
        if zone == timezone.utc or zone.tzname(None) == timezone(offset).tzname(None):
            return (_DATETIME, naive, value.fold, "offset", int(offset.total_seconds()))
    raise Unencodable(f"time zone {zone!r}")


_ZONES: dict[tuple[str, Any], Any] = {}


def _zone(kind: str, zone: Any) -> Any:
    found = _ZONES.get((kind, zone))
    if found is None:
        found = _ZONES[(kind, zone)] = ZoneInfo(zone) if kind == "zone" else timezone(timedelta(seconds=zone))
    return found


def decode_datetime(item: tuple[Any, ...]) -> datetime:
    _, naive, fold, kind, zone = item
    value = datetime.fromisoformat(naive)
    if fold:
        value = value.replace(fold=fold)
    if kind == "zone" or kind == "offset":
        return value.replace(tzinfo=_zone(kind, zone))
    return value


def encode_value(value: Any) -> Any:
    """Front matter values (YAML safe types) as marshal-able data; tuples mark non-YAML types."""
    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, datetime):
        return encode_datetime(value)
    if isinstance(value, date):
        return (_DATE, value.isoformat())
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, dict):
        return {encode_value(k): encode_value(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return type(value)(encode_value(item) for item in value)
    raise Unencodable(type(value).__name__)


def decode_value(value: Any) -> Any:
    if isinstance(value, tuple):
        if value and value[0] == _DATETIME:
            return decode_datetime(value)
        if value and value[0] == _DATE:
            return date.fromisoformat(value[1])
        raise ValueError("unknown cache value")
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if isinstance(value, dict):
        return {decode_value(k): decode_value(v) for k, v in value.items()}
    return value


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_DATETIMES = frozenset(("date", "updated", "publish_date", "expiry_date"))
_LABEL_LISTS = frozenset(("tags",))
_LABELS_ONE = frozenset(("category",))
_MAPPINGS = frozenset(("extra", "key_lines"))


def _label(label: Label | None) -> tuple[str, str, str] | None:
    return None if label is None else (label.kind, label.slug, label.name)


def encode_article(article: Article) -> tuple[Any, ...]:
    """An article as plain data; raises :class:`Unencodable` for a value of a type it does not know."""
    values = []
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if name in _LABEL_LISTS:
            value = tuple(_label(label) for label in value)
        elif name in _LABELS_ONE:
            value = _label(value)
        elif name in _DATETIMES:
            value = None if value is None else encode_datetime(value)
        elif name in _MAPPINGS:
            value = encode_value(dict(value))
        elif isinstance(value, tuple):
            value = _plain_tuple(value)
        else:
            value = encode_value(value)
        values.append(value)
    return tuple(values)


def _plain_tuple(value: tuple[Any, ...]) -> tuple[Any, ...]:
    """Tuples of str/int (related slugs, aliases, link lines) pass as they are; anything else is refused."""
    for item in value:
        if isinstance(item, tuple):
            _plain_tuple(item)
        elif not (item is None or isinstance(item, (bool, int, float, str))):
            raise Unencodable(type(item).__name__)
    return value


_LABELS: dict[tuple[str, str, str], Label] = {}  # a few hundred labels shared by thousands of articles


def _decode_label(item: tuple[str, str, str]) -> Label:
    label = _LABELS.get(item)
    if label is None:
        label = _LABELS[item] = Label(*item)
    return label


def _decode_labels(value: Any) -> tuple[Label, ...]:
    return tuple(map(_decode_label, value))


def _decode_optional_label(value: Any) -> Label | None:
    return _decode_label(value) if value else None


def _decode_optional_datetime(value: Any) -> datetime | None:
    return decode_datetime(value) if value else None


def _decode_mapping(value: Any) -> MappingProxyType[Any, Any]:
    return MappingProxyType(decode_value(value) if value else {})


def _decode_plain(value: Any) -> Any:
    return value if isinstance(value, tuple) else decode_value(value)


def _decoder(name: str) -> Any:
    if name in _LABEL_LISTS:
        return _decode_labels
    if name in _LABELS_ONE:
        return _decode_optional_label
    if name in _DATETIMES:
        return _decode_optional_datetime
    if name in _MAPPINGS:
        return _decode_mapping
    return _decode_plain


_DECODERS = tuple(_decoder(name) for name in _ARTICLE_FIELDS)  # chosen once, not per field per article
_SCALARS = frozenset({str, int, bool, type(None)})


def decode_article(record: tuple[Any, ...]) -> Article:
    if not isinstance(record, tuple) or len(record) != len(_ARTICLE_FIELDS):
        raise ValueError("cache record of another shape")
    return Article(*[value if type(value) in _SCALARS and decode is _decode_plain else decode(value)
                     for decode, value in zip(_DECODERS, record)])


def encode_problem(problem: Problem) -> tuple[Any, ...]:
    return (problem.path, problem.line, problem.message, problem.hint, problem.level, problem.column)


def decode_problem(record: tuple[Any, ...]) -> Problem:
    if not isinstance(record, tuple) or len(record) != 6:
        raise ValueError("cache record of another shape")
    return Problem(*record)
