"""Site paths that stay inside the output folder, whatever a slug, permalink or alias says.

Core owns this check because the config (a ``permalink`` pattern), the content (an ``alias``) and the
site's URLs all apply the same rule, and core is the one place all of them may import.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

_UNSAFE_SEGMENT = re.compile(r'[\x00-\x1f\\:*?"<>|]')
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}


class UnsafePath(ValueError):
    """A site path that could leave the output folder or that a file system cannot hold."""


@lru_cache(maxsize=1 << 16)
def safe_site_path(path: str) -> str:
    """Normalise a site path and refuse anything that could leave the output folder."""
    if "\x00" in path or "\\" in path:
        raise UnsafePath(f"unsafe characters in URL path {path!r}")
    segments = [segment for segment in path.split("/") if segment]
    for segment in segments:
        if segment in (".", "..") or _UNSAFE_SEGMENT.search(segment):
            raise UnsafePath(f"unsafe URL path {path!r}")
        if segment.split(".")[0].lower() in WINDOWS_RESERVED:
            raise UnsafePath(f"URL path {path!r} uses a name Windows reserves")
    trailing = path.endswith("/") or not segments
    joined = "/" + "/".join(segments)
    return joined + "/" if trailing and joined != "/" else joined


def resolve_alias(path: str, page_url: str) -> str:
    """An alias as a site path. A relative one (``old-name``, ``../old/path``) is resolved as Hugo
    resolves it: against the folder holding the page's URL (``/news/new-name/`` + ``old`` ->
    ``/news/old``); ``..`` stops at the root; a folder keeps its trailing slash."""
    if path.startswith("/"):
        return path
    base = posixpath.dirname(page_url.rstrip("/")) or "/"
    joined = posixpath.normpath(posixpath.join(base, path))
    joined = "/" + joined.lstrip("/")
    return joined + "/" if path.endswith("/") and joined != "/" else joined
