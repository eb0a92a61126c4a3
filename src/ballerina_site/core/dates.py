"""Front matter dates: a day, a datetime with or without zone, or text in ISO form.

One rule for zones: a date keeps the offset it is written with (feeds and structured data say the
moment as written), and whatever a reader sees of it as a day (the date shown, the archive month,
the date in the URL) is that moment in the site's zone, through :func:`local_day`: an article
written at ``2025-05-31T23:00-04:00`` on a UTC site is a June 1 article everywhere. Years outside
:data:`FIRST_YEAR`..:data:`LAST_YEAR` are an error: far-off dates overflow date arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NEWS_WINDOW = timedelta(hours=48)
"""How long an article stays in the news sitemap (Google News reads two days): the build store
knows when that changes what a build writes, without importing the renderers."""

_ZONE_SUFFIX = re.compile(r"^(?P<stamp>.+?)\s+(?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|UTC|GMT)$")
_LOOSE = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?"
    r"(?:\s+(?P<y2>\d{4}))?)?"
    r"\s*(?P<z>[Zz]|(?P<sign>[-+])(?P<zh>\d{1,2})(?::?(?P<zm>\d{2}))?)?")
"""What YAML and Jekyll (Ruby's Time.parse) also accept: single-digit months, days and hours, a space
before the offset, an offset without a colon (``2013-11-22 5:00:00 +0000``) or of hours only (``-5``),
and the year said again after the time, as ``Time#to_s``-style stamps do (``... 18:30:22 2023 -0800``)."""


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A front matter date made aware, and whether the site's zone had to be assumed."""

    value: datetime  # aware
    has_time: bool
    assumed_zone: bool  # a time was given without a zone; the site's zone was used


class DateError(ValueError):
    pass


FIRST_YEAR = 1000
LAST_YEAR = 9000


def local_day(value: datetime, zone: tzinfo) -> datetime:
    """The moment ``value`` in the site's ``zone``: the one day a reader sees it under."""
    return value.astimezone(zone)


def loose_datetime(text: str) -> datetime:
    """A datetime in one of the looser forms of :data:`_LOOSE`; ValueError when it is none of them."""
    match = _LOOSE.fullmatch(text)
    if not match:
        raise ValueError("unreadable")
    if match["h"] is None and match["z"] is not None or match["y2"] not in (None, match["y"]):
        raise ValueError("unreadable")
    zone = None
    if match["z"] in ("Z", "z"):
        zone = timezone.utc
    elif match["z"]:
        minutes = int(match["zh"]) * 60 + int(match["zm"] or 0)
        if minutes >= 24 * 60:
            raise ValueError("offset out of range")
        zone = timezone(timedelta(minutes=-minutes if match["sign"] == "-" else minutes))
    fraction = (match["f"] or "").ljust(6, "0")
    return datetime(int(match["y"]), int(match["mo"]), int(match["d"]), int(match["h"] or 0), int(match["mi"] or 0),
                    int(match["s"] or 0), int(fraction or 0), tzinfo=zone)


def parse_date(raw: object, zone: ZoneInfo) -> ParsedDate:
    """:func:`read_date`, refused outside the years this tool can count with (in the site's zone too)."""
    parsed = read_date(raw, zone)
    try:
        local = local_day(parsed.value, zone)
    except (OverflowError, ValueError):
        local = None
    if local is None or not all(FIRST_YEAR <= year <= LAST_YEAR for year in (local.year, parsed.value.year)):
        raise DateError(f"`{raw}` is too far in the past or the future (years {FIRST_YEAR} to {LAST_YEAR})")
    return parsed


def read_date(raw: object, zone: ZoneInfo) -> ParsedDate:
    """Accept YAML dates and datetimes and ISO 8601 text; a zone may be an offset or an IANA name
    (``2025-06-02 23:14 America/New_York``). A day alone is midnight in the site's zone."""
    if isinstance(raw, datetime):
        if raw.tzinfo is None:
            return ParsedDate(raw.replace(tzinfo=zone), True, True)
        return ParsedDate(raw, True, False)
    if isinstance(raw, date):
        return ParsedDate(datetime.combine(raw, time(0, 0), tzinfo=zone), False, False)
    if not isinstance(raw, str) or not raw.strip():
        raise DateError("expected a date such as 2025-06-02 or 2025-06-02T23:14:00-04:00")
    text = raw.strip()
    named_zone = None
    match = _ZONE_SUFFIX.match(text)
    if match:
        try:
            named_zone = timezone.utc if match["zone"] in ("UTC", "GMT") else ZoneInfo(match["zone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise DateError(f"unknown time zone `{match['zone']}`") from None
        text = match["stamp"]
    text = re.sub(r"(?i)z$", "+00:00", text)
    try:
        day_only = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if day_only:
            day = date(*(int(part) for part in day_only.groups()))
            return ParsedDate(datetime.combine(day, time(0, 0), tzinfo=named_zone or zone), False, False)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            value = loose_datetime(text)
    except ValueError as exc:
        reason = str(exc)
        if "out of range" in reason or "must be in" in reason:
            raise DateError(f"impossible date `{raw}` ({reason})") from None
        raise DateError(f"unreadable date `{raw}`") from None
    if value.tzinfo is None:
        return ParsedDate(value.replace(tzinfo=named_zone or zone), True, named_zone is None)
    return ParsedDate(value, True, False)
