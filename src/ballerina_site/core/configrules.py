"""The rules a config value must follow beyond its type: ranges, a real time zone, a permalink that
makes safe and distinct URLs, data files inside the site folder, an http(s) ``base_url``.

They run after every key has been type-checked (:mod:`.configload`), on the values that passed, and
report through ``bad(key, message, hint)`` so every problem is listed at the key's line.
"""

from __future__ import annotations

import re
import string
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import IMAGE_FORMATS, PERMALINK_FIELDS, SCHEMA, SITEMAP_LIMIT
from .paths import UnsafePath, safe_site_path
from .urlcheck import HINT, url_problem

Bad = Callable[..., None]
"""``bad(key, message, hint=None)``: report a problem at the line of ``key``."""

ID_AUTHORITY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:@[A-Za-z0-9.-]+)?")


def check_values(values: Mapping[str, Any], bad: Bad) -> None:
    """Report every value (of those given) that breaks a rule, in the order of the rules below."""
    for rule in (check_counts, check_feeds, check_sitemap, check_images, check_timezone, check_permalink,
                 check_data_files, check_lock_file, check_base_url, check_urls):
        rule(values, bad)


def check_counts(values: Mapping[str, Any], bad: Bad) -> None:
    """Page sizes and reading speeds divide: at least 1. Counts of related articles may be 0."""
    for key in ("page_size", "words_per_minute", "max_article_mb", "search_shard_size"):
        if key in values and values[key] < 1:
            bad(key, f"`{key}` must be at least 1")
    for key in ("keep_reading", "related_window"):
        if key in values and values[key] < 0:
            bad(key, f"`{key}` must not be negative")


def check_feeds(values: Mapping[str, Any], bad: Bad) -> None:
    """A feed holds an entry at least; its id authority goes into every entry id (a ``tag:`` URI)."""
    if "feeds" not in values:
        return
    feeds = values["feeds"]
    if feeds.entries < 1:
        bad("feeds", "`feeds.entries` must be at least 1")
    if feeds.id_authority and not ID_AUTHORITY.fullmatch(feeds.id_authority):
        bad("feeds", f"`feeds.id_authority` must be a domain or e-mail address, not `{feeds.id_authority}`",
            "e.g. example.org: set it once and never change it")


def check_sitemap(values: Mapping[str, Any], bad: Bad) -> None:
    if "sitemap" in values and not 1 <= values["sitemap"].max_urls <= SITEMAP_LIMIT:
        bad("sitemap", f"`sitemap.max_urls` must be between 1 and {SITEMAP_LIMIT}",
            "search engines read at most 50,000 URLs per sitemap file")


COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
MAX_WIDTH = 8192


def check_images(values: Mapping[str, Any], bad: Bad) -> None:
    """Widths a browser can use, formats Pillow writes, qualities in range, colours as ``#rrggbb``."""
    if "images" not in values:
        return
    images = values["images"]
    if not images.widths or not all(type(w) is int and 16 <= w <= MAX_WIDTH for w in images.widths):
        bad("images", f"`images.widths` must be a list of whole numbers between 16 and {MAX_WIDTH}",
            "e.g. [480, 800, 1200, 1600]")
    unknown = [f for f in images.formats if f not in IMAGE_FORMATS]
    if unknown:
        bad("images", f"`images.formats` has unknown format `{unknown[0]}`", "use avif, webp, both or []")
    for key in ("quality", "webp_quality", "avif_quality"):
        if not 1 <= getattr(images, key) <= 100:
            bad("images", f"`images.{key}` must be between 1 and 100")
    if images.lead_min_width < 0:
        bad("images", "`images.lead_min_width` must not be negative")
    for key in ("card_background", "card_text", "card_accent"):
        if not COLOUR.fullmatch(getattr(images, key)):
            bad("images", f"`images.{key}` must be a colour written `#rrggbb`", "e.g. #100d0d")
    if images.card_font:
        try:
            safe_site_path(images.card_font)
        except UnsafePath as exc:
            bad("images", f"`images.card_font`: {exc}", "name a .ttf file inside the site folder")


def check_timezone(values: Mapping[str, Any], bad: Bad) -> None:
    if "timezone" not in values:
        return
    try:
        ZoneInfo(values["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        bad("timezone", f"unknown time zone `{values['timezone']}`", "use an IANA name such as `Europe/Paris`")


def permalink_fields(pattern: str, bad: Bad) -> list[str]:
    """The ``{field}`` names of a permalink pattern; none (and a problem) when it cannot be parsed."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        bad("permalink", f"`permalink` is not a valid pattern: {exc}")
        return []


def check_permalink(values: Mapping[str, Any], bad: Bad) -> None:
    """Known fields only, ``{slug}`` among them (two articles must not share a URL), and a path that
    stays inside the output folder whatever the fields hold."""
    if "permalink" not in values:
        return
    pattern = values["permalink"]
    fields = permalink_fields(pattern, bad)
    unknown = [name for name in fields if name not in PERMALINK_FIELDS]
    if unknown:
        bad("permalink", f"`permalink` has unknown field {{{unknown[0]}}}",
            f"fields: {', '.join('{' + f + '}' for f in PERMALINK_FIELDS)}")
    elif fields and "slug" not in fields:
        bad("permalink", "`permalink` must contain {slug}", "otherwise two articles would share one URL")
    else:
        try:
            safe_site_path(pattern.format(year="2025", month="01", day="01", slug="x", category="x", section="x"))
        except UnsafePath as exc:
            bad("permalink", f"`permalink` is not a safe URL path: {exc}",
                "use plain words, `/` and fields such as {slug}; no `..`, `\\`, `:` or reserved names")
        except (ValueError, IndexError, KeyError) as exc:
            bad("permalink", f"`permalink` is not a valid pattern: {exc}")


def check_data_files(values: Mapping[str, Any], bad: Bad) -> None:
    """``tags_file`` and ``authors_file`` are read from the site folder, never from elsewhere."""
    for key in ("tags_file", "authors_file"):
        if key not in values:
            continue
        name = values[key]
        parts = name.replace("\\", "/").split("/")
        if not name or name.startswith(("/", "\\")) or ".." in parts or ":" in name or "\x00" in name:
            bad(key, f"`{key}` must be a file inside the site folder, not `{name}`", f"e.g. {SCHEMA[key].default}")


def check_lock_file(values: Mapping[str, Any], bad: Bad) -> None:
    """The URL record is written after each build: never outside the site folder."""
    lock_file = values["redirects"].lock_file if "redirects" in values else ""
    if lock_file and (lock_file.startswith(("/", "\\")) or ".." in lock_file.replace("\\", "/").split("/")
                      or ":" in lock_file):
        bad("redirects", f"`redirects.lock_file` must be a file inside the site folder, not `{lock_file}`",
            "e.g. urls.lock")


def config_urls(values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Every URL in the config an editor wrote: (key, how a message names it, the URL)."""
    found: list[tuple[str, str, str]] = []
    for key in ("image", "logo"):
        if values.get(key):
            found.append((key, f"`{key}`", values[key]))
    author = values.get("author")
    if author is not None and author.url:
        found.append(("author", "`author.url`", author.url))
    promo = values.get("promo")
    if promo and getattr(promo, "link_url", ""):
        found.append(("promo", "`promo.link_url`", promo.link_url))
    if promo and getattr(promo, "url", ""):
        found.append(("promo", "`promo.url`", promo.url))
    for number, item in enumerate(values.get("menu") or (), 1):
        found.append(("menu", f"`menu` item {number} `url`", item.url))
    return found  # authors' url and image: checked with each profile, at its own line (configload.py)


def check_urls(values: Mapping[str, Any], bad: Bad) -> None:
    """Links and images only of the kinds a browser cannot run: see urlcheck.py."""
    for key, what, url in config_urls(values):
        problem = url_problem(url, what)
        if problem is not None:
            bad(key, problem, HINT)


def check_base_url(values: Mapping[str, Any], bad: Bad) -> None:
    if "base_url" not in values:
        return
    parts = urlsplit(values["base_url"])
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        bad("base_url", f"`base_url` must be an http(s) URL or a path, not `{values['base_url']}`",
            "e.g. https://example.org/ballerina/ or /")
