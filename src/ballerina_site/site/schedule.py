"""``build-info.json``: when this build was made and when the next rebuild would change the site.

A cron job (e.g. a scheduled CI workflow) reads ``next_change`` and rebuilds at that time, so a
scheduled article goes live, and an expired one goes away, on time. The file is public, so it names
no scheduled article: a time says nothing about what is embargoed.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the store's up-to-date check reads info_bytes without the model
    from ..core.model import Site

BUILD_INFO = "build-info.json"


def utc_stamp(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def following_changes(site: Site) -> list[str]:
    """The upcoming publish and expiry times, soonest first, as build-info.json states them."""
    return [utc_stamp(moment) for moment in sorted({change.at for change in site.upcoming})]


def build_info(site: Site, built_at: datetime, generator: str) -> bytes:
    return info_bytes(following_changes(site), built_at, generator)


def info_bytes(following: list[str], built_at: datetime, generator: str) -> bytes:
    data = {
        "generator": generator,
        "built_at": utc_stamp(built_at),
        "next_change": following[0] if following else None,
        "upcoming_changes": following[:20],
    }
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")
