"""Full-text search with Pagefind: search records from the content model, indexed in shards.

Each published article becomes one Pagefind record: its body as plain text (so results are ranked
and excerpted from the body alone, never from the title, standfirst or byline around it), its title,
dates and summary as meta, its tags and category as filters. No HTML is parsed. A bundle's records
go in newest first (:func:`reading_order`): Pagefind lists a search without words in that order, so
no sort list is needed (a date sort was a fifth of each shard's meta file, which every reader's
first search downloads).

The archive is split into shards by a hash of each article's source path: an edit changes one
shard, a new article one shard, and only those are indexed again (pipeline/searching.py). The
number of shards is a power of two that grows with the archive (:func:`shard_count`), so a shard
stays near ``search_shard_size`` articles and memory stays bounded. Shard 0 is Pagefind's primary
bundle in ``pagefind/`` with the runtime; shard *k* is in ``pagefind/shard-k/``, listed in
``pagefind/shards.json``; the theme's ``/assets/search.js`` merges them in the browser with
Pagefind's own ``mergeIndex``. Nothing is fetched from anywhere else, so search works on any
static host.

Indexing is bounded in time (:func:`search_timeout`): a Pagefind that hangs (it does when the disk
has no free inodes) is killed, the build fails with a message, and the output lock is released. A
failure caused by a full disk is reported as such, not as a fault of the indexer.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Container, Iterable, Mapping

from ..content.markup import plain_text
from ..core.errors import Problem, SiteError
from ..core.model import Article, Site
from ..site.urls import Urls

BUNDLE_DIR = "pagefind"
SHARDS_FILE = f"{BUNDLE_DIR}/shards.json"  # the shards search.js merges into the primary bundle
Record = dict[str, Any]
TIMEOUT_BASE = 60.0  # seconds; a minute, and more per article indexed
TIMEOUT_PER_PAGE = 0.02
TIMEOUT_ENV = "BALLERINA_SEARCH_TIMEOUT"
HINT = "set `search: false` in site.yaml (or use --no-search) to build without search"
_DISK_FULL = ("no space left on device", "os error 28", "disk quota exceeded", "os error 122")


def search_timeout(pages: int) -> float:
    """How long Pagefind may run: a minute, and a second more per 50 pages (about ten times what it
    needs); ``BALLERINA_SEARCH_TIMEOUT`` (seconds) sets it outright."""
    given = os.environ.get(TIMEOUT_ENV, "")
    try:
        if given and float(given) > 0:
            return float(given)
    except ValueError:
        pass
    return TIMEOUT_BASE + TIMEOUT_PER_PAGE * pages


def disk_trouble(folder: Path, said: str = "") -> str | None:
    """The disk holding ``folder`` is full or out of inodes (or the tool said so), else None."""
    if any(mark in said.lower() for mark in _DISK_FULL):
        return f"the disk holding {folder.parent} is full"
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    if stats.f_bavail * stats.f_frsize < 1 << 20:
        return f"the disk holding {folder.parent} is full"
    if stats.f_files and stats.f_favail == 0:
        return f"the disk holding {folder.parent} has no free inodes (too many files)"
    return None


def search_failure(folder: Path, message: str, said: str = "") -> SiteError:
    """The real cause first: a full disk is not the indexer's fault."""
    disk = disk_trouble(folder, said)
    if disk is not None:
        return SiteError([Problem("search", None, f"cannot write the search index: {disk}",
                                  "free some space and build again; the previous output is unchanged")])
    return SiteError([Problem("search", None, message, HINT)])


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The search index a build left, for the summary line."""

    pages: int  # how many pages went into the index
    files: int  # files under pagefind/
    shards: int = 1  # bundles the index is split into
    indexed: int = 0  # shards indexed by this build (the others were kept from the previous output)


def shard_count(articles: int, size: int) -> int:
    """The smallest power of two that keeps shards at ``size`` articles or fewer on average
    (``search_shard_size``): it changes only when the archive doubles, and then every shard is
    indexed once again."""
    count = 1
    while count * size < articles:
        count *= 2
    return count


def shard_of(article: Article, count: int) -> int:
    """Stable: by the source path, never by position, so adding an article moves no other."""
    digest = hashlib.blake2b(article.source.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def shard_folder(shard: int) -> str:
    return BUNDLE_DIR if shard == 0 else f"{BUNDLE_DIR}/shard-{shard}"


DELTA_FOLDER = f"{BUNDLE_DIR}/delta"  # the articles changed since their shard was indexed


def language_code(language: str) -> str:
    return language.split("-")[0].lower() if language else "en"


def record(article: Article, site: Site, urls: Urls) -> Record:
    """One article as Pagefind indexes it: the body alone is the content; the rest is meta and filters.
    The URL is the site path: Pagefind puts the base path in front in the browser (search.js)."""
    config = site.config
    moment = article.date.astimezone(config.zone)
    meta = {"title": article.title, "date": moment.strftime(config.date_format),
            "datetime": article.date.isoformat()}
    if article.summary:
        meta["summary"] = article.summary
    filters = {"tag": [tag.name for tag in article.tags]}
    if article.category is not None:
        filters["category"] = [article.category.name]
    return {"url": urls.article(article), "content": plain_text(article.body_html),
            "language": language_code(config.language), "meta": meta, "filters": filters}


RECORDS = 2
"""The shape and order of the records: a change makes every shard be indexed again."""


def reading_order(urls: Urls) -> Callable[[Article], tuple[float, str]]:
    """Newest first by the moment of publication, not by its text (``2025-06-02T01:00:00+02:00`` is
    older than ``2025-06-01T23:30:00-05:00``), then by URL."""
    return lambda article: (-article.date.timestamp(), urls.article(article))


def fingerprint(article: Article, site: Site, urls: Urls, whole: bytes | None = None) -> bytes:
    """What :func:`record` depends on, cheaply: the record itself is made only for shards that changed.
    ``whole``: a hash of every field of the article as assembled, when the build has one (the page
    fingerprints' token), standing in for the fields and the body, which need not be hashed again."""
    config = site.config
    settings = (urls.article(article), config.date_format, str(config.zone), config.language)
    if whole is not None:
        return hashlib.blake2b(repr(settings).encode() + whole, digest_size=16).digest()
    parts = (*settings, article.title, article.date.isoformat(), article.summary,
             [tag.name for tag in article.tags], article.category.name if article.category else None)
    hasher = hashlib.blake2b(repr(parts).encode(), digest_size=16)
    hasher.update(article.body_html.encode())
    return hasher.digest()


def keep_file(path: str, runtime: Container[str]) -> bool:
    """Of a bundle's files, the index (entry, meta, chunks, fragments, filters) and ``runtime``, the
    part of Pagefind's the browser loads (none outside the primary bundle)."""
    return "/" in path or path == "pagefind-entry.json" or path.endswith(".pf_meta") or path in runtime


def runtime_files(files: Mapping[str, bytes]) -> set[str]:
    """``pagefind.js`` and the WebAssembly its entry names for the index's language (Pagefind brings
    one per language it can stem, and one for the others: only the named one is ever loaded). No UI
    kits: search.js runs Pagefind without its worker."""
    try:
        entry = json.loads(files["pagefind-entry.json"])
        wasm = {f"wasm.{lang['wasm']}.pagefind" for lang in entry["languages"].values()}
    except (KeyError, ValueError, TypeError, AttributeError):
        wasm = {path for path in files if path.startswith("wasm.")}  # an entry of another shape: keep them all
    return {"pagefind.js", *wasm}


def bundle_files(files: Mapping[str, bytes], folder: str) -> dict[str, bytes]:
    """A bundle as output paths -> bytes; the runtime only in the primary bundle, ``pagefind/``."""
    runtime = runtime_files(files) if folder == BUNDLE_DIR else set()
    return {f"{folder}/{path}": data for path, data in sorted(files.items()) if keep_file(path, runtime)}


def fragment_ids(files: Mapping[str, bytes]) -> dict[str, str]:
    """Each page's URL -> its id in the bundle (a result's ``id`` in the browser: its fragment's name)."""
    found = {}
    for path, data in files.items():
        if path.startswith("fragment/") and path.endswith(".pf_fragment"):
            raw = gzip.decompress(data)
            found[json.loads(raw[len(b"pagefind_dcd"):])["url"]] = path[len("fragment/"):-len(".pf_fragment")]
    return found


def shards_manifest(folders: list[str], stale: list[str]) -> bytes:
    """``pagefind/shards.json``: the bundles to merge into the primary one (folders relative to
    ``pagefind/``), and the ids of pages they hold that are out of date (edited or deleted since their
    shard was indexed: the delta bundle has the edited ones), which search.js leaves out."""
    bundles = [folder[len(BUNDLE_DIR) + 1:] + "/" for folder in folders]
    return (json.dumps({"bundles": bundles, "stale": sorted(stale)}, sort_keys=True) + "\n").encode()


def pages_in(files: Mapping[str, bytes]) -> int:
    """Pages in a bundle, as its ``pagefind-entry.json`` says."""
    try:
        entry = json.loads(files["pagefind-entry.json"])
        return sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())
    except (KeyError, ValueError, AttributeError):
        return 0


BINARY_ENV = "PAGEFIND_BINARY_PATH"  # names the binary to use, as for Pagefind's own API
BINARY_PACKAGES = ("pagefind_bin_extended", "pagefind_bin")  # the wheels `pip install pagefind[extended]` brings


def pagefind_binary() -> Path | None:
    """The binary shipped in a Pagefind wheel (or ``PAGEFIND_BINARY_PATH``, or one on the ``PATH``);
    never downloaded. Found in the order Pagefind's own Python API looks, through the wheels' public
    ``get_executable``, without importing that API: it brings asyncio and ssl, a sixth of an edit's start-up."""
    given = os.environ.get(BINARY_ENV)
    if given is not None:
        return Path(given) if Path(given).is_file() else None
    for package in BINARY_PACKAGES:
        try:
            found = Path(importlib.import_module(package).get_executable())
        except (ImportError, FileNotFoundError, OSError):
            continue
        if found.is_file():
            return found
    external = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(external) if external is not None else None


def kept_binary(path: object) -> Path | None:
    """``path`` (the binary an earlier build used, as the store kept it) while :func:`pagefind_binary`
    would still take it: no ``PAGEFIND_BINARY_PATH``, and a file in the folder of the first Pagefind
    wheel installed, found without importing it. Else None, to look again; so a path read from a
    store is never run unless it lies there (a planted store names no program)."""
    if not isinstance(path, str) or os.environ.get(BINARY_ENV) is not None:
        return None
    binary = Path(path)
    return binary if binary.is_file() and binary.parent == _wheel_folder() else None


def _wheel_folder() -> Path | None:
    """The folder of the first Pagefind wheel installed, in the order :func:`pagefind_binary` tries them."""
    for package in BINARY_PACKAGES:
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is not None and spec.submodule_search_locations:
            return Path(list(spec.submodule_search_locations)[0])
    return None


def check_paths(paths: Iterable[str]) -> list[Problem]:
    """Pagefind owns ``pagefind/`` in the output; a page or static file there would be overwritten."""
    return [Problem(f"static/{path}", None, f"{path} is inside {BUNDLE_DIR}/, where the search index goes",
                    "move the file, or set `search: false` in site.yaml")
            for path in sorted(paths) if path.split("/", 1)[0] == BUNDLE_DIR]


def require_pagefind() -> Path:
    binary = pagefind_binary()
    if binary is None:
        raise SiteError([Problem("site.yaml", None, "search is on but the Pagefind binary is not installed",
                                 "pip install 'pagefind[extended]', or set `search: false` / use --no-search")])
    return binary


