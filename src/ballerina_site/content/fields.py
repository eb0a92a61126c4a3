"""Front matter values read one key at a time: texts, lists, dates, aliases, tags, a category, a slug.

Each reader takes what an editor plausibly wrote (a list or a comma-separated text, a number as a
title) and reports anything else as a problem at the key's line, so one run lists every mistake.
"""

from __future__ import annotations

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

KNOWN_KEYS = ("title", "date", "tags", "summary", "slug", "category", "author", "updated", "draft",
              "image", "image_alt", "image_caption", "image_credit", "related", "related_exclude", "publish_date", "expiry_date", "aliases")
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

    def items(self, key: str) -> list[str]:
        """A list value, or a comma-separated text; empty when not given."""
        value, line = self.meta.get(key), self.lines.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
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


def default_slug(source: str) -> str:
    """The file name without a leading ``YYYY-MM-DD-``: URLs stay put when a headline is rewritten."""
    stem = Path(source).stem
    if len(stem) > 11 and stem[:10].replace("-", "").isdigit() and stem[4] == stem[7] == stem[10] == "-":
        stem = stem[11:]
    return slugify(stem)


@dataclass(frozen=True, slots=True)
class AliasFault:
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
    if not text.startswith("/"):
        return AliasFault(f"alias `{alias}` must be a path starting with /", "e.g. aliases: [/2024/05/old-title/]")
    if "." not in text.rstrip("/").rsplit("/", 1)[-1]:
        text = text.rstrip("/") + "/"  # a folder: written as .../index.html, as static hosts expect
    try:
        return safe_site_path(text)
    except UnsafePath as exc:
        return AliasFault(f"alias `{alias}`: {exc}", "use a plain path such as /2024/05/old-title/")


def read_aliases(fields: Fields) -> tuple[str, ...]:
    aliases = []
    for alias in fields.items("aliases"):
        checked = check_alias(alias)
        if isinstance(checked, str):
            aliases.append(checked)
        else:
            fields.problem("aliases", checked.message, checked.hint)
    return tuple(aliases)


def read_tags(fields: Fields) -> tuple[Label, ...]:
    """Tags as written (spellings are merged into terms later, across the whole site)."""
    names = fields.items("tags")
    if len(names) > MAX_TAGS:
        fields.problem("tags", f"{len(names):,} tags; at most {MAX_TAGS} are allowed", "keep the few that matter")
        names = []
    tags = []
    for name in names:
        if slugify(name):
            tags.append(Label("tag", slugify(name), " ".join(name.split())))
        else:
            fields.problem("tags", f"tag `{name}` has no letters or digits to make a URL from", "remove or reword it")
    return tuple(tags)


def read_category(fields: Fields) -> Label | None:
    name = fields.text("category")
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


def read_draft(fields: Fields) -> bool:
    draft = fields.meta.get("draft", False)
    if not isinstance(draft, bool):
        fields.problem("draft", "`draft` must be true or false")
        return False
    return draft


def read_slugs(fields: Fields, key: str) -> tuple[str, ...]:
    """``related`` and ``related_exclude``: other articles named by slug (or by title, slugified)."""
    return tuple(slugify(name) for name in fields.items(key))
