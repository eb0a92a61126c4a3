"""Where the articles are: the files under ``content/`` in a stable order, how messages name them,
and the symlinks that would lead a build outside the site folder (refused).

Finding files is the one part of reading content that walks the disk; parsing them is
:mod:`.article`'s job.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import Problem
from ..core.sitefiles import leaves_site, refusal

CONTENT_DIR = "content"
STATIC_DIR = "static"  # the site's own static files, copied as they are
ARTICLE_SUFFIXES = (".md", ".markdown")


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
    refused = ((path, refusal(path, root)) for path in sorted(links))
    return [Problem(path.relative_to(root).as_posix(), None, reason,
                    f"copy the file into {folder}/ instead of linking to it")
            for path, reason in refused if reason is not None]
