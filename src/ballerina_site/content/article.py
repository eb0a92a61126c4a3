"""Read article files into :class:`Article` values, collecting every problem on the way.

``parse_article`` is pure (text in, article and problems out) so it can be cached and run in
worker processes; ``find_sources`` and ``read_source`` are the thin edges that touch the disk.
"""

from __future__ import annotations

import math
import os
import re
from datetime import datetime
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..core.config import SiteConfig
from ..core.dates import DateError, parse_date
from ..core.errors import Problem
from .frontmatter import FrontMatterFailure, split_front_matter
from .markup import MarkupTooDeep, count_words, first_paragraph, local_links, plain_text, render_markdown_checked
from ..core.model import Article, Label
from ..site.urls import UnsafePath, safe_site_path, slugify

CONTENT_DIR = "content"
ARTICLE_SUFFIXES = (".md", ".markdown")

MAX_ARTICLE_BYTES = 2 * 1024 * 1024
"""Larger files are refused before parsing: a news article is a few KB, and Markdown needs ~3 s per MB."""
MAX_TAGS = 200
"""More tags than this on one article is a mistake, and each tag is a page to render."""

KNOWN_KEYS = ("title", "date", "tags", "summary", "slug", "category", "author", "updated", "draft",
              "image", "image_alt", "related", "related_exclude", "publish_date", "expiry_date", "aliases")


@dataclass(frozen=True, slots=True)
class Parsed:
    article: Article | None
    problems: tuple[Problem, ...]


def find_sources(root: Path) -> list[Path]:
    """Article files under ``content/``, in a stable order; hidden and ``_``-prefixed names skipped,
    and so are symlinks that lead outside the site (see :func:`escaping_links`)."""
    content = root / CONTENT_DIR
    if not content.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    check_all = leaves_site(content, root)  # content/ itself a link out of the site: check every file
    todo = [("", str(content))]
    while todo:  # os.scandir: a stat-free walk, ten times faster than rglob on a big archive
        prefix, folder = todo.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith((".", "_")):
                    continue
                relative = prefix + entry.name
                if entry.is_dir() and not entry.is_symlink():
                    todo.append((relative + "/", entry.path))
                elif os.path.splitext(entry.name)[1].lower() in ARTICLE_SUFFIXES and entry.is_file():
                    path = content / relative
                    if (check_all or entry.is_symlink()) and leaves_site(path, root):
                        continue
                    found.append((relative, path))
    return [path for _, path in sorted(found)]


def source_name(path: Path, root: Path) -> str:
    """How messages and the cache name an article file: its path from the site folder, with ``/``.
    For the paths :func:`find_sources` makes (``root / ...``) a string slice, not pathlib's parsing,
    which cost a tenth of a rebuild of 10,000 articles in the preview."""
    text, base = str(path), str(root).rstrip("/")
    if os.sep == "/":
        if base == "." and not text.startswith(("/", "./", "../")) and text != "..":
            return text
        if text.startswith(base + "/") and len(text) > len(base) + 1:
            return text[len(base) + 1:]
    return path.relative_to(root).as_posix()


def leaves_site(path: Path, root: Path) -> bool:
    """True when ``path`` (or a symlinked folder on the way to it) resolves outside the site."""
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


def escaping_links(root: Path, folder: str) -> list[Problem]:
    """Every symlink in ``folder`` that points outside the site: refused, each with its own message.
    Symlinked folders are not followed, so a link to ``/`` costs nothing."""
    base = root / folder
    if not base.is_dir():
        return []
    links: list[Path] = []
    todo = [str(base)]
    while todo:  # os.scandir knows a symlink from the directory entry: no stat per file
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        links.append(Path(entry.path))
                    elif entry.is_dir():
                        todo.append(entry.path)
        except OSError:  # unreadable: whatever is in it cannot be read either
            continue
    return [Problem(path.relative_to(root).as_posix(), None, "symlink points outside the site folder; refused",
                    f"copy the file into {folder}/ instead of linking to it")
            for path in sorted(links) if leaves_site(path, root)]


def decode(data: bytes, source: str) -> str | Problem:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        return Problem(source, line, f"not UTF-8 text (bad byte 0x{data[exc.start]:02x} at byte offset "
                                     f"{exc.start})", "save the file as UTF-8", column=column)


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
    folded = key.casefold()
    for name in known:
        if folded == name or _edit_distance_at_most_one(folded, name):
            return name
    return None


def _as_list(value: Any, key: str, source: str, line: int | None, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                text = str(item).strip()
                if text:
                    items.append(text)
                else:
                    problems.append(Problem(source, line, f"empty entry in `{key}`", "remove it"))
            else:
                problems.append(Problem(source, line, f"`{key}` entries must be text, not "
                                                      f"{type(item).__name__}"))
        return items
    problems.append(Problem(source, line, f"`{key}` must be a list or a comma-separated text, "
                                          f"not {type(value).__name__}", f"e.g. {key}: [Ballerina, John Wick]"))
    return []


def _text(meta: dict[str, Any], key: str, source: str, lines: dict[str, int],
          problems: list[Problem]) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    problems.append(Problem(source, lines.get(key), f"`{key}` must be text, not {type(value).__name__}"))
    return ""


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


def _optional_date(meta: dict[str, Any], key: str, zone: Any, problem: Any) -> datetime | None:
    if meta.get(key) is None:
        return None
    try:
        return parse_date(meta[key], zone).value
    except DateError as exc:
        problem(key, f"`{key}`: {exc}")
        return None


def parse_article(source: str, text: str, config: SiteConfig) -> Parsed:
    problems: list[Problem] = []
    split = split_front_matter(text)
    if isinstance(split, FrontMatterFailure):
        return Parsed(None, (Problem(source, split.line, split.message, split.hint, column=split.column),))
    meta, lines = split.meta, split.key_lines

    def problem(key: str, message: str, hint: str | None = None, level: str = "error") -> None:
        problems.append(Problem(source, lines.get(key, 1), message, hint, level))  # type: ignore[arg-type]

    extra: dict[str, Any] = {}
    for key in meta:
        if key in KNOWN_KEYS:
            continue
        extra[key] = meta[key]
        guess = near_known_key(key)
        if guess:
            problem(key, f"unknown front matter key `{key}`", f"did you mean `{guess}`?", "warning")

    title = _text(meta, "title", source, lines, problems)
    if "title" not in meta:
        problems.append(Problem(source, 1, "missing `title`", "add `title: Your headline` to the front matter"))
    elif not title:
        problem("title", "`title` is blank", "write the headline after `title:`")

    zone = config.zone
    date = None
    has_time = False
    if "date" not in meta or meta["date"] is None:
        problems.append(Problem(source, lines.get("date", 1), "missing `date`",
                                "add e.g. `date: 2025-06-02T23:14:00-04:00`"))
    else:
        try:
            parsed = parse_date(meta["date"], zone)
            date, has_time = parsed.value, parsed.has_time
            if parsed.assumed_zone:
                problem("date", f"`date` has a time but no zone; assumed {config.timezone}",
                        "add an offset such as -04:00 to be explicit", "warning")
        except DateError as exc:
            problem("date", f"`date`: {exc}")

    updated = None
    if meta.get("updated") is not None:
        try:
            updated = parse_date(meta["updated"], zone).value
        except DateError as exc:
            problem("updated", f"`updated`: {exc}")

    publish_date = _optional_date(meta, "publish_date", zone, problem)
    expiry_date = _optional_date(meta, "expiry_date", zone, problem)
    live = publish_date or date
    if expiry_date is not None and live is not None and expiry_date <= live:
        problem("expiry_date", f"`expiry_date` {expiry_date.isoformat()} is not after the article goes live "
                               f"({live.isoformat()})", "the article would never be shown")

    aliases = []
    for alias in _as_list(meta.get("aliases"), "aliases", source, lines.get("aliases"), problems):
        checked = check_alias(alias)
        if isinstance(checked, str):
            aliases.append(checked)
        else:
            problem("aliases", checked.message, checked.hint)

    tags = []
    tag_names = _as_list(meta.get("tags"), "tags", source, lines.get("tags"), problems)
    if len(tag_names) > MAX_TAGS:
        problem("tags", f"{len(tag_names):,} tags; at most {MAX_TAGS} are allowed", "keep the few that matter")
        tag_names = []
    for name in tag_names:
        if slugify(name):
            tags.append(Label("tag", slugify(name), " ".join(name.split())))
        else:
            problem("tags", f"tag `{name}` has no letters or digits to make a URL from", "remove or reword it")

    category = None
    category_name = _text(meta, "category", source, lines, problems)
    if category_name:
        if slugify(category_name):
            category = Label("category", slugify(category_name), " ".join(category_name.split()))
        else:
            problem("category", f"category `{category_name}` has no letters or digits to make a URL from")

    slug_text = _text(meta, "slug", source, lines, problems)
    slug = slugify(slug_text) if slug_text else default_slug(source)
    if not slug:
        problem("slug" if slug_text else "title", "the slug is empty after removing punctuation",
                "set `slug:` to a few words")

    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        problem("draft", "`draft` must be true or false")
        draft = False

    markup_problems: tuple = ()
    try:
        body_html, markup_problems = render_markdown_checked(split.body, config.markdown.unsafe_html)
    except MarkupTooDeep as exc:
        problems.append(Problem(source, split.body_line + exc.line - 1, str(exc), "flatten the list or quote"))
        body_html = ""
    except RecursionError:
        problems.append(Problem(source, split.body_line, "the body is nested too deeply to convert",
                                "flatten deeply nested lists or quotes"))
        body_html = ""
    body_lines = split.body.split("\n")
    for fault in markup_problems:
        index = next((i for i, line in enumerate(body_lines) if line.rstrip() == fault.line_text.rstrip()), None)
        problems.append(Problem(source, split.body_line + index if index is not None else split.body_line,
                                fault.message, fault.hint))
    if not split.body.strip():
        problems.append(Problem(source, split.body_line, "the article has no body text", level="warning"))
    summary = _text(meta, "summary", source, lines, problems)
    summary = plain_text(summary) if summary else first_paragraph(body_html)
    words = count_words(body_html)

    if any(p.is_error for p in problems) or date is None:
        return Parsed(None, tuple(problems))
    article = Article(
        source=source, slug=slug, title=title, date=date, has_time=has_time, updated=updated,
        summary=summary, body_html=body_html, word_count=words,
        reading_minutes=max(1, math.ceil(words / config.words_per_minute)),
        tags=tuple(tags), category=category,
        author=_text(meta, "author", source, lines, problems) or config.author.name,
        draft=draft,
        image=_text(meta, "image", source, lines, problems),
        image_alt=_text(meta, "image_alt", source, lines, problems),
        related=tuple(slugify(s) for s in _as_list(meta.get("related"), "related", source,
                                                   lines.get("related"), problems)),
        related_exclude=tuple(slugify(s) for s in _as_list(meta.get("related_exclude"), "related_exclude",
                                                           source, lines.get("related_exclude"), problems)),
        publish_date=publish_date, expiry_date=expiry_date, aliases=tuple(aliases),
        extra=MappingProxyType(extra),
        key_lines=MappingProxyType(dict(lines)),
        links=link_lines(body_html, split.body, split.body_line),
    )
    return Parsed(article, tuple(problems))


def link_lines(body_html: str, body: str, body_line: int) -> tuple[tuple[str, int], ...]:
    """Local link targets with the file line where each is first written (the body line if not found)."""
    lines = body.split("\n")
    found = []
    for target in local_links(body_html):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "//")) or not target:
            continue
        index = next((i for i, text in enumerate(lines) if target in text), 0)
        found.append((target, body_line + index))
    return tuple(found)


def parse_settings(config: SiteConfig) -> tuple[object, ...]:
    """Every config value :func:`parse_article` reads: the build cache keys parsed articles on them,
    so keep this in step with parse_article (a value missing here would serve stale articles)."""
    return (config.timezone, str(config.zone), config.words_per_minute, config.author.name,
            config.markdown.unsafe_html)


def read_data(path: Path, root: Path) -> tuple[str, bytes | Parsed]:
    """The source name and the file's bytes, or the problem reading them (too big, unreadable)."""
    source = source_name(path, root)
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return source, Parsed(None, (Problem(source, None, f"file is {size / 1024 / 1024:.1f} MB; articles may "
                                                               f"be at most {MAX_ARTICLE_BYTES // 1024 // 1024} MB",
                                                 "split it, or move large data out of the article"),))
        return source, path.read_bytes()
    except OSError as exc:
        return source, Parsed(None, (Problem(source, None, f"cannot read file: {exc.strerror}"),))


def parse_data(source: str, data: bytes, config: SiteConfig) -> Parsed:
    text = decode(data, source)
    if isinstance(text, Problem):
        return Parsed(None, (text,))
    return parse_article(source, text, config)


def read_source(path: Path, root: Path, config: SiteConfig) -> Parsed:
    source, data = read_data(path, root)
    return data if isinstance(data, Parsed) else parse_data(source, data, config)
