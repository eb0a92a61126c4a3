"""Full-text search with Pagefind: a build step that indexes the staged output folder.

Pagefind (the ``pagefind`` PyPI package with its ``pagefind_bin_extended`` binary) reads the built
HTML and writes a static, chunked index plus its small WebAssembly search runtime into
``pagefind/``; the theme's ``/assets/search.js`` queries it in the browser. Nothing is fetched from
anywhere else, so search works on any static host. The step runs on the staging folder before the
atomic swap: a failed index leaves the previous output in place.

What is indexed is decided by the templates: only elements marked ``data-pagefind-body`` (the
article body), with ``data-pagefind-filter`` (tags, category) and ``data-pagefind-meta`` (date,
summary) attributes.
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
TIMEOUT_SECONDS = 600


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


def index_folder(folder: Path, language: str, binary: Path | None = None) -> SearchIndex:
    """Run Pagefind over a built site folder; raises :class:`SiteError` if it fails."""
    binary = binary or require_pagefind()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}
    command = [str(binary), "--site", str(folder), "--output-subdir", BUNDLE_DIR, "--quiet"]
    if language:
        command += ["--force-language", language.split("-")[0].lower()]
    try:
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SiteError([Problem("search", None, f"Pagefind could not run: {exc}",
                                 "set `search: false` in site.yaml to build without search")]) from None
    if done.returncode != 0:
        detail = " ".join((done.stderr or done.stdout).split())[-400:]
        raise SiteError([Problem("search", None, f"Pagefind failed (exit {done.returncode}): {detail}",
                                 "set `search: false` in site.yaml to build without search")])
    try:
        entry = json.loads((folder / ENTRY_FILE).read_text(encoding="utf-8"))
        pages = sum(int(lang.get("page_count", 0)) for lang in entry.get("languages", {}).values())
    except (OSError, ValueError, AttributeError):
        raise SiteError([Problem("search", None, "Pagefind wrote no index",
                                 "set `search: false` in site.yaml to build without search")]) from None
    files = sum(1 for path in (folder / BUNDLE_DIR).rglob("*") if path.is_file())
    return SearchIndex(pages, files)
