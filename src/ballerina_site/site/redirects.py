"""URLs that never break: a record of published article URLs (``urls.lock``) and redirects from old ones.

The record maps each article's source file to the URL it was published at and every URL it had
before. When an article's URL changes, the old one becomes a redirect automatically (or, with
``redirects: {strict: true}``, the build fails unless the editor lists it in ``aliases``). The record
is kept in the project, next to the content, and committed like it; it is rewritten only after a
successful build and only when it changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Literal, Mapping, MutableMapping

from ..core.errors import Problem
from ..core.model import Article, Site
from ..core.paths import UnsafePath, resolve_alias, safe_site_path
from ..core.sitefiles import refusal
from .urls import Urls

LOCK_VERSION = 1
LOCK_NOTE = ("Published article URLs, kept by ballerina-site so that a changed URL becomes a redirect. "
             "Commit this file; do not edit it by hand.")


@dataclass(frozen=True, slots=True)
class Entry:
    """An article's published URLs as urls.lock records them."""

    url: str  # site path the article is published at
    slug: str
    old: tuple[str, ...] = ()  # earlier site paths, each now a redirect
    id: str = ""  # a hash of the title and date: finds the article again when its file is renamed


def article_id(article: Article) -> str:
    """What stays when a file is renamed: its headline and date (hashed: the record stays one short
    line per article, and changes only when the headline or date does)."""
    text = f"{' '.join(article.title.split()).casefold()}\0{article.date.isoformat()}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


@dataclass(frozen=True, slots=True)
class Lock:
    """urls.lock: every URL the site has published, so none stops working."""

    entries: Mapping[str, Entry] = field(default_factory=lambda: MappingProxyType({}))  # source -> entry


Reason = Literal["alias", "moved"]


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old URL that now leads to an article."""

    path: str  # the old site path
    article: Article  # where it leads
    reason: Reason


@dataclass(frozen=True, slots=True)
class RedirectPlan:
    """This build's redirects, the lock to write, and what changed since the last."""

    redirects: tuple[Redirect, ...]
    lock: Lock
    moved: tuple[tuple[Article, str], ...]  # (article, its previous URL) found in this build
    forgotten: tuple[tuple[str, str], ...]  # (source, URL) of recorded articles whose file is gone
    problems: tuple[Problem, ...]


# --- the record ---------------------------------------------------------------------------------

def parse_lock(text: str, shown: str) -> tuple[Lock, list[Problem]]:
    """Read the record; anything malformed is an error naming the file (it is never silently reset)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Lock(), [Problem(shown, exc.lineno, f"not valid JSON: {exc.msg}",
                                "restore it from version control, or delete it to start a new record")]
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, dict):
        return Lock(), [Problem(shown, None, "missing the `articles` mapping", "restore it from version control")]
    entries: dict[str, Entry] = {}
    for source, item in articles.items():
        try:
            url = safe_site_path(item["url"])
            old = tuple(safe_site_path(p) for p in item.get("old", []))
            slug = str(item.get("slug", ""))
            ident = str(item.get("id", ""))
        except (TypeError, KeyError, AttributeError, UnsafePath):
            return Lock(), [Problem(shown, None, f"malformed entry for `{source}`",
                                    "restore the file from version control")]
        entries[str(source)] = Entry(url, slug, old, ident)
    return Lock(MappingProxyType(entries)), []


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps with an option makes an encoder per call: half the time


def dump_lock(lock: Lock) -> str:
    """Sorted, one article per line: small diffs in review, the same bytes for the same record."""
    lines = []
    for source in sorted(lock.entries):
        entry = lock.entries[source]
        item: dict[str, object] = {"url": entry.url, "slug": entry.slug}
        if entry.old:
            item["old"] = sorted(entry.old)
        if entry.id:
            item["id"] = entry.id
        lines.append(f"    {_JSON.encode(source)}: {_JSON.encode(item)}")
    body = ",\n".join(lines)
    return (f'{{\n  "note": {json.dumps(LOCK_NOTE)},\n  "version": {LOCK_VERSION},\n  "articles": {{\n'
            + (body + "\n" if body else "") + "  }\n}\n")


def load_lock(path: Path, shown: str, memo: MutableMapping[str, object] | None = None,
              root: Path | None = None) -> tuple[Lock, list[Problem]]:
    """The record in ``path`` (none yet: an empty one). ``memo``: a dict a long-lived caller (the
    preview) keeps between builds; the record is reused from it while the file's text is unchanged
    (10,000 entries: 20 ms to parse again). A Lock cannot be changed, so it can be shared."""
    if not path.is_file():
        return Lock(), []
    reason = refusal(path, root) if root is not None else None
    if reason is not None:
        return Lock(), [Problem(shown, None, reason, "keep the URL record inside the site folder")]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Lock(), [Problem(shown, None, f"cannot read the URL record: {exc}")]
    if memo is not None and memo.get("text") == text and isinstance(memo.get("lock"), Lock):
        return memo["lock"], []  # type: ignore[return-value]
    lock, problems = parse_lock(text, shown)
    if memo is not None and not problems:
        memo["text"], memo["lock"] = text, lock
    return lock, problems


def save_lock(path: Path, lock: Lock) -> bool:
    """Write the record atomically (temp file + rename); untouched when the bytes are the same."""
    text = dump_lock(lock)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


# --- planning -----------------------------------------------------------------------------------

def is_published(article: Article, now: datetime) -> bool:
    """What the record keeps: live articles only, never drafts or previews of scheduled ones."""
    return (not article.draft and article.goes_live <= now
            and (article.expiry_date is None or article.expiry_date > now))


def match_renamed(site: Site, lock: Lock, known: set[str]) -> tuple[dict[str, Entry], list[tuple[str, str]]]:
    """Recorded articles whose file is gone: renamed (the one new, unrecorded article with the same
    slug, else with the same headline and date: new source -> its old entry), or forgotten ((source,
    URL), reported)."""
    by_slug: dict[str, list[Article]] = {}
    by_id: dict[str, list[Article]] = {}
    gone = sorted((source, entry) for source, entry in lock.entries.items() if source not in known)
    if gone:  # most builds rename nothing: no hashing then
        for article in site.articles:
            if article.source not in lock.entries:
                by_slug.setdefault(article.slug, []).append(article)
                by_id.setdefault(article_id(article), []).append(article)
    renamed: dict[str, Entry] = {}
    forgotten: list[tuple[str, str]] = []
    for source, entry in gone:
        for candidates in (by_slug.get(entry.slug, []), by_id.get(entry.id, []) if entry.id else []):
            if len(candidates) == 1 and candidates[0].source not in renamed:
                renamed[candidates[0].source] = entry
                break
        else:
            forgotten.append((source, entry.url))
    return renamed, forgotten


def url_history(article: Article, entry: Entry | None, current: str, aliases: list[str], strict: bool,
                moved: list[tuple[Article, str]], problems: list[Problem]) -> list[str]:
    """Every URL the record says the article had; a move is noted in ``moved`` (and is an error under
    ``strict`` unless the old URL is one of the article's ``aliases``)."""
    if entry is None:
        return []
    if entry.url != current:
        moved.append((article, entry.url))
        if strict and entry.url not in aliases:
            problems.append(Problem(
                article.source, article.line_of("slug") or article.line_of("date") or 1,
                f"the URL changed from {entry.url} to {current} and `redirects: strict` is on",
                f"add `aliases: [{entry.url}]` to keep the old URL working, or restore the old `slug`/`date`"))
    return [*entry.old, entry.url]


def claim_old_paths(article: Article, current: str, history: list[str], aliases: list[str], taken: set[str],
                    claimed: dict[str, Redirect], problems: list[Problem]) -> list[str]:
    """Claim a redirect from each old URL and alias of the article; returns the old URLs it keeps.
    A live page always wins; an editor's alias beats a recorded old URL of another article."""
    kept_old: list[str] = []
    claims: list[tuple[str, Reason]] = [(p, "moved") for p in history] + [(p, "alias") for p in aliases]
    for path, reason in claims:
        if path == current or path in kept_old:
            continue
        if path in taken:
            if reason == "alias":
                problems.append(Problem(article.source, article.line_of("aliases"),
                                        f"alias {path} is the URL of another page of this site",
                                        "remove it from `aliases`"))
            continue  # the page now living there wins; the old URL is no longer this article's
        other = claimed.get(path)
        if other is not None and other.article is not article:
            if reason == "alias" and other.reason == "alias":
                problems.append(Problem(article.source, article.line_of("aliases"),
                                        f"alias {path} is also an alias of {other.article.source}",
                                        "keep it on one article only"))
            elif reason == "alias":
                claimed[path] = Redirect(path, article, reason)
            continue
        claimed[path] = Redirect(path, article, reason)
        if reason == "moved":
            kept_old.append(path)
    return kept_old


def plan_redirects(site: Site, urls: Urls, lock: Lock, taken: Iterable[str], now: datetime,
                   strict: bool = False, left_out: Iterable[str] = ()) -> RedirectPlan:
    """Redirects for this build and the record to keep after it.

    ``taken`` holds the site paths of every generated page: a live page always wins over a redirect.
    ``left_out``: articles whose file is there but that this build leaves out (``--keep-going``):
    their record is kept as it was.
    """
    taken_paths = set(taken)
    problems: list[Problem] = []
    known = {a.source for a in (*site.articles, *site.drafts, *site.scheduled, *site.expired)} | set(left_out)
    renamed, forgotten = match_renamed(site, lock, known)
    claimed: dict[str, Redirect] = {}
    moved: list[tuple[Article, str]] = []
    entries: dict[str, Entry] = {}
    for article in sorted(site.articles, key=lambda a: a.source):
        current = urls.article(article)
        entry = lock.entries.get(article.source) or renamed.get(article.source)
        aliases = [resolve_alias(alias, current) for alias in article.aliases]
        history = url_history(article, entry, current, aliases, strict, moved, problems)
        kept_old = claim_old_paths(article, current, history, aliases, taken_paths, claimed, problems)
        if is_published(article, now):
            old = tuple(sorted(set(kept_old)))
            if entry is not None and entry.url == current and entry.slug == article.slug and entry.old == old \
                    and entry.id == article_id(article):
                entries[article.source] = entry  # as recorded: most articles, most builds
            else:
                entries[article.source] = Entry(current, article.slug, old, article_id(article))
    for source, entry in lock.entries.items():
        if source in known and source not in entries:
            entries[source] = entry  # a draft, scheduled or expired article keeps its record as it was
    redirects = tuple(sorted(claimed.values(), key=lambda r: r.path))
    return RedirectPlan(redirects, Lock(MappingProxyType(dict(sorted(entries.items())))), tuple(moved),
                        tuple(forgotten), tuple(problems))

