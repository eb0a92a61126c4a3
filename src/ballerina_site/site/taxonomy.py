"""Tags and categories: one term per spelling-insensitive name, one display name, no slug clashes.

``tags.yaml`` (optional) gives a tag its display name, aliases and a description::

    john-wick:                # the tag's slug or any spelling of it
      name: John Wick
      aliases: [JW, Wick]
      description: Everything from the world of John Wick.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

from ..core.errors import Problem, display_path
from ..core.model import Article, Label, Term, TermKind
from ..core.slugs import slugify, term_key
from ..core.yamlload import YamlFailure, load_mapping

TAG_ENTRY_KEYS = ("name", "aliases", "description")


@dataclass(frozen=True, slots=True)
class TermInfo:
    name: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class TagData:
    """What ``tags.yaml`` says, keyed by term key (case- and space-insensitive)."""

    info: dict[str, TermInfo]
    alias_of: dict[str, str]  # alias key -> canonical key


EMPTY_TAG_DATA = TagData({}, {})


def parse_tag_data(data: dict[str, Any], source: str, key_lines: dict[str, int]) -> tuple[TagData, list[Problem]]:
    problems: list[Problem] = []
    info: dict[str, TermInfo] = {}
    alias_of: dict[str, str] = {}
    for raw_key, entry in data.items():
        line = key_lines.get(raw_key)
        if entry is None:
            entry = {}
        if isinstance(entry, str):
            entry = {"description": entry}
        if not isinstance(entry, dict):
            problems.append(Problem(source, line, f"tag `{raw_key}` must map to name/aliases/description"))
            continue
        unknown = [k for k in entry if k not in TAG_ENTRY_KEYS]
        for key in unknown:
            problems.append(Problem(source, line, f"unknown key `{key}` for tag `{raw_key}`",
                                    f"known keys: {', '.join(TAG_ENTRY_KEYS)}"))
        name = str(entry.get("name") or "").strip()
        aliases = entry.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list):
            problems.append(Problem(source, line, f"`aliases` of tag `{raw_key}` must be a list"))
            aliases = []
        canonical = term_key(name or str(raw_key))
        info[canonical] = TermInfo(name, tuple(str(a) for a in aliases), str(entry.get("description") or "").strip())
        for spelling in [str(raw_key), *map(str, aliases)]:
            key = term_key(spelling)
            if key != canonical:
                alias_of[key] = canonical
    return TagData(info, alias_of), problems


def load_tag_data(root: Path, filename: str) -> tuple[TagData, list[Problem]]:
    path = root / filename
    if not path.is_file():
        return EMPTY_TAG_DATA, []
    shown = display_path(path, root)
    try:
        loaded = load_mapping(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        return EMPTY_TAG_DATA, [Problem(shown, None, f"not UTF-8 text (byte offset {exc.start})")]
    if isinstance(loaded, YamlFailure):
        return EMPTY_TAG_DATA, [Problem(shown, loaded.line, loaded.message, loaded.hint)]
    return parse_tag_data(loaded.data, shown, loaded.key_lines)


def _slug_by_key(info: dict[str, TermInfo], key: str, fallback: str) -> str:
    entry = info.get(key)
    return slugify(entry.name) if entry and entry.name else fallback


def resolve_terms(articles: Iterable[Article], kind: TermKind,
                  tag_data: TagData = EMPTY_TAG_DATA) -> tuple[list[Article], dict[str, str], list[Problem]]:
    """Merge spellings into terms, give each a display name, and point articles at the result.
    Returns the relabelled articles and each tag's description by slug.

    Display name: ``tags.yaml``'s name, else the spelling most articles use, ties to the first seen
    in publication order. Two different names with one slug are an error naming both files.
    """
    articles = list(articles)
    problems: list[Problem] = []
    field = "tags" if kind == "tag" else "category"
    spellings: dict[str, dict[str, int]] = {}  # key -> spelling -> articles using it, in order first seen
    first_file: dict[str, str] = {}
    first_line: dict[str, int | None] = {}
    chronological = sorted(articles, key=lambda a: (a.date.timestamp(), a.source))

    def labels_of(article: Article) -> tuple[Label, ...]:
        if kind == "tag":
            return article.tags
        return (article.category,) if article.category else ()

    keys: dict[str, str] = {}  # a few hundred spellings across thousands of articles

    def canonical(name: str) -> str:
        found = keys.get(name)
        if found is None:
            key = term_key(name)
            found = keys[name] = tag_data.alias_of.get(key, key) if kind == "tag" else key
        return found

    for article in chronological:
        for label in labels_of(article):
            name = label.name
            key = canonical(name)
            counts = spellings.get(key)
            if counts is None:
                counts = spellings[key] = {}
                first_file[key] = article.source
                first_line[key] = article.line_of(field)
            counts[name] = counts.get(name, 0) + 1

    labels: dict[str, Label] = {}
    by_slug: dict[str, str] = {}
    for key, counts in spellings.items():
        info = tag_data.info.get(key) if kind == "tag" else None
        if info and info.name:
            name = info.name
        else:  # the most used spelling; on a tie, the first seen (max keeps the first of equals)
            name = max(counts, key=counts.__getitem__)
        slug = slugify(name) or slugify(key)
        if slug in by_slug and by_slug[slug] != key:
            other = by_slug[slug]
            problems.append(Problem(
                first_file[key], first_line.get(key),
                f"{kind} `{name}` and {kind} `{labels[other].name}` (in {first_file[other]}) "
                f"would share the URL slug `{slug}`",
                f"rename one of them, or make one an alias in tags.yaml" if kind == "tag" else "rename one"))
            continue
        by_slug[slug] = key
        labels[key] = Label(kind, slug, name)

    label_of = {name: labels.get(key) for name, key in keys.items()}  # None: a spelling whose slug clashed
    resolved: list[Article] = []
    for article in articles:
        new_labels: list[Label] = []
        for label in labels_of(article):
            found = label_of[label.name]
            if found is not None and all(found is not other for other in new_labels):  # one Label per key
                new_labels.append(found)
        if kind == "tag":
            if tuple(new_labels) != article.tags:
                article = replace(article, tags=tuple(new_labels))
        else:
            category = new_labels[0] if new_labels else None
            if category != article.category:
                article = replace(article, category=category)
        resolved.append(article)
    descriptions = {label.slug: tag_data.info[key].description
                    for key, label in labels.items() if kind == "tag" and key in tag_data.info}
    return resolved, descriptions, problems


def collect_terms(articles: Iterable[Article], kind: TermKind, descriptions: dict[str, str]) -> tuple[Term, ...]:
    """Terms with their articles (given newest first), sorted by name."""
    members: dict[str, list[Article]] = {}
    labels: dict[str, Label] = {}
    for article in articles:
        for label in (article.tags if kind == "tag" else (article.category,) if article.category else ()):
            labels[label.slug] = label
            members.setdefault(label.slug, []).append(article)
    terms = [Term(labels[slug], descriptions.get(slug, ""), tuple(group)) for slug, group in members.items()]
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))
