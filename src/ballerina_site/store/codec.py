"""Model values as plain data for the store (marshal stores no objects), and back.

Front matter values are YAML's safe types; datetimes keep their zone by name or offset. A value of a
type this module does not know raises :class:`Unencodable`: that article is then parsed every time.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from ..core.errors import Problem
from ..core.model import Article, Label


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


@lru_cache(maxsize=256)  # a handful of zones shared by thousands of dates
def _zone(kind: str, zone: Any) -> Any:
    return ZoneInfo(zone) if kind == "zone" else timezone(timedelta(seconds=zone))


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


@lru_cache(maxsize=4096)  # a few hundred labels shared by thousands of articles: one object each
def _decode_label(item: tuple[str, str, str]) -> Label:
    return Label(*item)


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
