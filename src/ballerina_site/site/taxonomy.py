"""Tags and categories: one term per spelling-insensitive name, one display name, no slug clashes.

``tags.yaml`` (optional) gives a tag its display name, aliases and a description::

    john-wick:                # the tag's slug or any spelling of it
      name: John Wick
      aliases: [JW, Wick]
      description: Everything from the world of John Wick.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from ..core.errors import Problem, display_path
from ..core.model import Article, Label, Term, TermKind
from ..core.sitefiles import read_site_text
from ..core.slugs import slugify, term_key
from ..core.yamlload import YamlFailure, load_mapping

TAG_ENTRY_KEYS = ("name", "aliases", "description")


@dataclass(frozen=True, slots=True)
class TermInfo:
    """What tags.yaml says of one tag: its name, the spellings it covers, its description."""

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
    text = read_site_text(path, root)
    if isinstance(text, Problem):
        return EMPTY_TAG_DATA, [text]
    loaded = load_mapping(text)
    if isinstance(loaded, YamlFailure):
        return EMPTY_TAG_DATA, [Problem(shown, loaded.line, loaded.message, loaded.hint)]
    return parse_tag_data(loaded.data, shown, loaded.key_lines)


def _slug_by_key(info: dict[str, TermInfo], key: str, fallback: str) -> str:
    entry = info.get(key)
    return slugify(entry.name) if entry and entry.name else fallback


def labels_of(article: Article, kind: TermKind) -> tuple[Label, ...]:
    """An article's tags, or its category as a one-label tuple (none without one)."""
    if kind == "tag":
        return article.tags
    return (article.category,) if article.category else ()


@dataclass(frozen=True, slots=True)
class Spellings:
    """Every spelling of each term in use, counted, and where each term was first seen (for messages)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # key -> spelling -> articles, first seen first
    first_file: dict[str, str] = field(default_factory=dict)
    first_line: dict[str, int | None] = field(default_factory=dict)
    key_of: dict[str, str] = field(default_factory=dict)  # spelling -> term key


def count_spellings(articles: list[Article], kind: TermKind, tag_data: TagData) -> Spellings:
    """Spellings grouped by term key (case, spacing and tags.yaml aliases merged), in publication order."""
    found = Spellings()
    field_name = "tags" if kind == "tag" else "category"
    for article in sorted(articles, key=lambda a: (a.date.timestamp(), a.source)):
        for label in labels_of(article, kind):
            name = label.name
            key = found.key_of.get(name)  # a few hundred spellings across thousands of articles
            if key is None:
                key = term_key(name)
                key = found.key_of[name] = tag_data.alias_of.get(key, key) if kind == "tag" else key
            counts = found.counts.get(key)
            if counts is None:
                counts = found.counts[key] = {}
                found.first_file[key] = article.source
                found.first_line[key] = article.line_of(field_name)
            counts[name] = counts.get(name, 0) + 1
    return found


def choose_labels(found: Spellings, kind: TermKind, tag_data: TagData) -> tuple[dict[str, Label], list[Problem]]:
    """One label per term key: tags.yaml's name, else the spelling most articles use (ties: the first
    seen). Two terms with one slug are an error naming both files; the later one gets no label."""
    labels: dict[str, Label] = {}
    problems: list[Problem] = []
    by_slug: dict[str, str] = {}
    for key, counts in found.counts.items():
        info = tag_data.info.get(key) if kind == "tag" else None
        if info and info.name:
            name = info.name
        else:  # the most used spelling; on a tie, the first seen (max keeps the first of equals)
            name = max(counts, key=counts.__getitem__)
        slug = slugify(name) or slugify(key)
        if slug in by_slug and by_slug[slug] != key:
            other = by_slug[slug]
            problems.append(Problem(
                found.first_file[key], found.first_line.get(key),
                f"{kind} `{name}` and {kind} `{labels[other].name}` (in {found.first_file[other]}) "
                f"would share the URL slug `{slug}`",
                "rename one of them, or make one an alias in tags.yaml" if kind == "tag" else "rename one"))
            continue
        by_slug[slug] = key
        labels[key] = Label(kind, slug, name)
    return labels, problems


def relabel(article: Article, kind: TermKind, label_of: dict[str, Label | None]) -> Article:
    """The article pointing at the chosen labels (the same object when nothing changes)."""
    new_labels: list[Label] = []
    for label in labels_of(article, kind):
        found = label_of[label.name]
        if found is not None and all(found is not other for other in new_labels):  # one Label per key
            new_labels.append(found)
    if kind == "tag":
        return replace(article, tags=tuple(new_labels)) if tuple(new_labels) != article.tags else article
    category = new_labels[0] if new_labels else None
    return replace(article, category=category) if category != article.category else article


def resolve_terms(articles: Iterable[Article], kind: TermKind,
                  tag_data: TagData = EMPTY_TAG_DATA) -> tuple[list[Article], dict[str, str], list[Problem]]:
    """Merge spellings into terms, give each a display name, and point articles at the result.
    Returns the relabelled articles, each tag's description by slug, and the problems.

    Display name: ``tags.yaml``'s name, else the spelling most articles use, ties to the first seen
    in publication order. Two different names with one slug are an error naming both files.
    """
    articles = list(articles)
    found = count_spellings(articles, kind, tag_data)
    labels, problems = choose_labels(found, kind, tag_data)
    label_of = {name: labels.get(key) for name, key in found.key_of.items()}  # None: a spelling whose slug clashed
    resolved = [relabel(article, kind, label_of) for article in articles]
    descriptions = {label.slug: tag_data.info[key].description
                    for key, label in labels.items() if kind == "tag" and key in tag_data.info}
    return resolved, descriptions, problems


def collect_terms(articles: Iterable[Article], kind: TermKind, descriptions: dict[str, str]) -> tuple[Term, ...]:
    """Terms with their articles (given newest first), sorted by name."""
    members: dict[str, list[Article]] = {}
    labels: dict[str, Label] = {}
    for article in articles:
        for label in labels_of(article, kind):
            labels[label.slug] = label
            members.setdefault(label.slug, []).append(article)
    terms = [Term(labels[slug], descriptions.get(slug, ""), tuple(group)) for slug, group in members.items()]
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))
