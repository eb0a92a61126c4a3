"""Full-text search with Pagefind: a build step that indexes the staged output folder.

Pagefind (the ``pagefind`` PyPI package with its ``pagefind_bin_extended`` binary) reads the built
HTML and writes a static, chunked index plus its small WebAssembly search runtime into
``pagefind/``; the theme's ``/assets/search.js`` queries it in the browser. Nothing is fetched from
anywhere else, so search works on any static host. The step runs on the staging folder before the
atomic swap: a failed index leaves the previous output in place.

What is indexed is decided by the templates: only elements marked ``data-pagefind-body`` (the
article body), with ``data-pagefind-filter`` (tags, category) and ``data-pagefind-meta`` (date,
summary) attributes.

Indexing is bounded in time (:func:`search_timeout`): a Pagefind that hangs (it does when the disk
has no free inodes) is killed, the build fails with a message, and the output lock is released. A
failure caused by a full disk is reported as such, not as a fault of the indexer.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..core.errors import Problem, SiteError

BUNDLE_DIR = "pagefind"
ENTRY_FILE = f"{BUNDLE_DIR}/pagefind-entry.json"
TIMEOUT_BASE = 60.0  # seconds; Pagefind takes about 3 s per 1,000 articles on a 2-core machine
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


def _failed(folder: Path, message: str, said: str = "") -> SiteError:
    """The real cause first: a full disk is not the indexer's fault."""
    disk = disk_trouble(folder, said)
    if disk is not None:
        return SiteError([Problem("search", None, f"cannot write the search index: {disk}",
                                  "free some space and build again; the previous output is unchanged")])
    return SiteError([Problem("search", None, message, HINT)])


@dataclass(frozen=True, slots=True)
class SearchIndex:
    pages: int  # how many pages went into the index
    files: int  # files written under pagefind/


def pagefind_binary() -> Path | None:
    """The binary shipped in the Python wheel (or ``PAGEFIND_BINARY_PATH``); never downloaded."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        found = get_executable()
    except (FileNotFoundError, OSError):
        return None
    return found if found is not None and found.is_file() else None


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


def index_folder(folder: Path, language: str, binary: Path | None = None, timeout: float | None = None
                 ) -> SearchIndex:
    """Run Pagefind over a built site folder, for at most ``timeout`` seconds (default: by the number
    of HTML files, see :func:`search_timeout`); raises :class:`SiteError` if it fails."""
    binary = binary or require_pagefind()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}
    command = [str(binary), "--site", str(folder), "--output-subdir", BUNDLE_DIR, "--quiet"]
    if language:
        command += ["--force-language", language.split("-")[0].lower()]
    if timeout is None:
        timeout = search_timeout(sum(1 for _ in folder.rglob("*.html")))
    try:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              errors="replace", timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise _failed(folder, f"Pagefind did not finish within {timeout:g} s and was stopped "
                              f"(set {TIMEOUT_ENV} to allow it longer)") from None
    except OSError as exc:
        raise _failed(folder, f"Pagefind could not run: {exc}") from None
    if done.returncode != 0:
        said = done.stderr or done.stdout or ""
        detail = " ".join(said.split())[-400:]
        raise _failed(folder, f"Pagefind failed (exit {done.returncode}): {detail}", said)
    try:
        entry = json.loads((folder / ENTRY_FILE).read_text(encoding="utf-8"))
        pages = sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())
    except (OSError, ValueError, AttributeError):
        raise _failed(folder, "Pagefind wrote no index") from None
    files = sum(1 for path in (folder / BUNDLE_DIR).rglob("*") if path.is_file())
    return SearchIndex(pages, files)
