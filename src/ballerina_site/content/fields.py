"""Front matter values read one key at a time: texts, lists, dates, aliases, tags, a category, a slug.

Each reader takes what an editor plausibly wrote (a list or a comma-separated text, a number as a
title) and reports anything else as a problem at the key's line, so one run lists every mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from ..core.dates import DateError, parse_date
from ..core.errors import Level, Problem
from ..core.model import Label
from ..core.paths import UnsafePath, safe_site_path
from ..core.slugs import slugify

KNOWN_KEYS = ("title", "date", "tags", "summary", "slug", "category", "categories", "author", "authors", "updated", "draft",
              "image", "image_alt", "image_caption", "image_credit", "related", "related_exclude", "publish_date",
              "expiry_date", "aliases")
SYNONYMS = {"publishdate": "publish_date", "expirydate": "expiry_date", "lastmod": "updated"}
"""Hugo's names (any case) for keys we know under another name: honoured, not "did you mean"."""
MAX_TAGS = 200
"""More tags than this on one article is a mistake, and each tag is a page to render."""


@dataclass(frozen=True, slots=True)
class Fields:
    """One article's front matter, and the list its problems join (each at its key's line)."""

    source: str
    meta: Mapping[str, Any]
    lines: Mapping[str, int]
    problems: list[Problem]

    def problem(self, key: str, message: str, hint: str | None = None, level: Level = "error") -> None:
        """A problem with ``key``, at its line (line 1 when the key is not written)."""
        self.problems.append(Problem(self.source, self.lines.get(key, 1), message, hint, level))

    def text(self, key: str) -> str:
        """A text value (a number is taken as written); empty when not given."""
        value = self.meta.get(key)
        if value is None:
            return ""
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        self.problems.append(Problem(self.source, self.lines.get(key),
                                     f"`{key}` must be text, not {type(value).__name__}"))
        return ""

    def items(self, key: str, spaces: bool = False) -> list[str]:
        """A list value, or a comma-separated text (with ``spaces``, a text without a comma is split
        at spaces, as Jekyll reads ``tags: release ruby``); empty when not given."""
        value, line = self.meta.get(key), self.lines.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            parts = value.split(",") if "," in value or not spaces else value.split()
            return [part.strip() for part in parts if part.strip()]
        if not isinstance(value, list):
            self.problems.append(Problem(self.source, line, f"`{key}` must be a list or a comma-separated text, "
                                                            f"not {type(value).__name__}",
                                         f"e.g. {key}: [Ballerina, John Wick]"))
            return []
        items = []
        for item in value:
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                self.problems.append(Problem(self.source, line, f"`{key}` entries must be text, not "
                                                                f"{type(item).__name__}"))
            elif str(item).strip():
                items.append(str(item).strip())
            else:
                self.problems.append(Problem(self.source, line, f"empty entry in `{key}`", "remove it"))
        return items

    def date(self, key: str, zone: ZoneInfo) -> datetime | None:
        """An optional date (``updated``, ``publish_date``...), in ``zone`` when written without one."""
        if self.meta.get(key) is None:
            return None
        try:
            return parse_date(self.meta[key], zone).value
        except DateError as exc:
            self.problem(key, f"`{key}`: {exc}")
            return None

    def extra(self) -> Mapping[str, Any]:
        """The editor's own keys, kept for templates; one a typo away from a known key is warned about."""
        extra: dict[str, Any] = {}
        for key in self.meta:
            if key in KNOWN_KEYS:
                continue
            extra[key] = self.meta[key]
            guess = near_known_key(key)
            if guess:
                self.problem(key, f"unknown front matter key `{key}`", f"did you mean `{guess}`?", "warning")
        return MappingProxyType(extra)


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def near_known_key(key: str, known: tuple[str, ...] = KNOWN_KEYS) -> str | None:
    """The known key ``key`` is one typo (or a case change) away from, if any."""
    folded = key.casefold()
    for name in known:
        if folded == name or _edit_distance_at_most_one(folded, name):
            return name
    return None


def with_synonyms(source: str, meta: Mapping[str, Any], lines: Mapping[str, int],
                  problems: list[Problem]) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter with Hugo's key names (:data:`SYNONYMS`) under ours; both given is an error."""
    if not any(key.casefold() in SYNONYMS for key in meta):
        return dict(meta), dict(lines)
    renamed, at = dict(meta), dict(lines)
    for key in meta:
        ours = SYNONYMS.get(key.casefold())
        if ours is None:
            continue
        if ours in meta:
            problems.append(Problem(source, lines.get(key, 1), f"`{key}` and `{ours}` are the same key; "
                                                               f"both are given", f"keep `{ours}`"))
            continue
        renamed[ours], at[ours] = renamed.pop(key), at.pop(key, 1)
    return renamed, at


def bundle_stem(source: str) -> str:
    """The name an article file stands for: its own, or for a page bundle (``post/index.md``) its folder's."""
    path = Path(source)
    if path.stem.casefold() == "index" and len(path.parts) > 2:
        return path.parent.name
    return path.stem


def file_date(source: str) -> str | None:
    """The ``YYYY-MM-DD`` a file (or bundle folder) name starts with, as Jekyll dates posts."""
    stem = bundle_stem(source)
    if len(stem) >= 10 and stem[:10].replace("-", "").isdigit() and stem[4] == stem[7] == "-" \
            and (len(stem) == 10 or stem[10] == "-"):
        return stem[:10]
    return None


def default_slug(source: str) -> str:
    """The file name (a page bundle's folder name) without a leading ``YYYY-MM-DD-``: URLs stay put
    when a headline is rewritten."""
    stem = bundle_stem(source)
    if len(stem) > 11 and file_date(source) is not None:
        stem = stem[11:]
    return slugify(stem)


@dataclass(frozen=True, slots=True)
class AliasFault:
    """Why an `aliases:` entry is refused, and what to write instead."""

    message: str
    hint: str


def check_alias(alias: str) -> str | AliasFault:
    """An old address of an article as a site path (``/2024/05/old-title/``), relative to
    ``base_url`` like every site path, so aliases survive a change of ``base_url``."""
    text = alias.strip()
    if "://" in text or text.startswith("//"):
        return AliasFault(f"alias `{alias}` must be a path of this site, not a full URL",
                          "write only the path after base_url, e.g. /2024/05/old-title/")
    if "?" in text or "#" in text:
        return AliasFault(f"alias `{alias}` must be a plain path", "a static host cannot redirect a query or #part")
    if not text or text in (".", "./"):
        return AliasFault(f"alias `{alias}` is no path", "e.g. aliases: [/2024/05/old-title/]")
    last = text.rstrip("/").rsplit("/", 1)[-1]
    if "." not in last or last == "..":
        text = text.rstrip("/") + "/"  # a folder: written as .../index.html, as static hosts expect
    relative = not text.startswith("/")  # Hugo's page-relative form: resolved against the article's URL later
    try:
        checked = safe_site_path("/" + "/".join(p for p in text.split("/") if p not in (".", "..")) if relative
                                 else text)
    except UnsafePath as exc:
        return AliasFault(f"alias `{alias}`: {exc}", "use a plain path such as /2024/05/old-title/")
    return re.sub(r"/+", "/", text) if relative else checked


def read_aliases(fields: Fields) -> tuple[str, ...]:
    aliases = []
    for alias in fields.items("aliases"):
        checked = check_alias(alias)
        if isinstance(checked, str):
            aliases.append(checked)
        else:
            fields.problem("aliases", checked.message, checked.hint)
    return tuple(aliases)


def read_tags(fields: Fields, more: tuple[str, ...] = ()) -> tuple[Label, ...]:
    """Tags as written (spellings are merged into terms later, across the whole site), then ``more``
    (the categories after the first); a name given twice counts once."""
    names = fields.items("tags", spaces=True) + list(more)
    if len(names) > MAX_TAGS:
        fields.problem("tags", f"{len(names):,} tags; at most {MAX_TAGS} are allowed", "keep the few that matter")
        names = []
    tags: list[Label] = []
    for name in names:
        if slugify(name):
            if all(tag.slug != slugify(name) for tag in tags):
                tags.append(Label("tag", slugify(name), " ".join(name.split())))
        else:
            fields.problem("tags", f"tag `{name}` has no letters or digits to make a URL from", "remove or reword it")
    return tuple(tags)


def read_categories(fields: Fields) -> tuple[str, list[str]]:
    """``category:`` (one name), else the first of a ``categories:`` list or space-separated text, as
    Jekyll and Hugo write them; the names after it, to be read as tags."""
    if "category" in fields.meta or "categories" not in fields.meta:
        if "categories" in fields.meta:
            return fields.text("category"), fields.items("categories", spaces=True)
        return fields.text("category"), []
    names = fields.items("categories", spaces=True)
    return (names[0], names[1:]) if names else ("", [])


def read_category(fields: Fields, name: str | None = None) -> Label | None:
    name = fields.text("category") if name is None else name
    if not name:
        return None
    if not slugify(name):
        fields.problem("category", f"category `{name}` has no letters or digits to make a URL from")
        return None
    return Label("category", slugify(name), " ".join(name.split()))


def read_slug(fields: Fields) -> str:
    """The ``slug:`` as written, else one made from the file name; never empty without a problem."""
    written = fields.text("slug")
    slug = slugify(written) if written else default_slug(fields.source)
    if not slug:
        fields.problem("slug" if written else "title", "the slug is empty after removing punctuation",
                       "set `slug:` to a few words")
    return slug


def read_authors(fields: Fields) -> tuple[str, ...]:
    """``authors: [Jane, Raj]`` (or a comma-separated text), or ``author:``: one name, or a list of
    names (a comma in ``author: Doe, Jane`` is part of the name)."""
    if "authors" in fields.meta and "author" in fields.meta:
        fields.problem("authors", "both `author` and `authors` are given", "list every author under `authors:`")
    if "authors" in fields.meta:
        names = fields.items("authors")
    elif isinstance(fields.meta.get("author"), list):
        names = fields.items("author")
    else:
        names = [name for name in [fields.text("author")] if name]
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(" ".join(name.split()).casefold(), name)
    return tuple(unique.values())


def read_draft(fields: Fields) -> bool:
    draft = fields.meta.get("draft", False)
    if not isinstance(draft, bool):
        fields.problem("draft", "`draft` must be true or false")
        return False
    return draft


def read_slugs(fields: Fields, key: str) -> tuple[str, ...]:
    """``related`` and ``related_exclude``: other articles named by slug (or by title, slugified)."""
    return tuple(slugify(name) for name in fields.items(key))
