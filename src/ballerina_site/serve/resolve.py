"""Which file of the output folder answers a request path, as a static host would decide it.

Pure path logic: ``index.html`` for folders, a redirect to the trailing slash, the ``base_url``
sub-path, and never a byte from outside the output folder, whatever the request says.
"""

from __future__ import annotations

import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}
# Encoded "/", "\" and NUL: a static host treats them as part of one name; we refuse them outright.
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Found:
    """A request answered by a file of the output."""

    file: Path


@dataclass(frozen=True, slots=True)
class Redirect:
    """A request answered by a redirect, as the host would."""

    location: str


@dataclass(frozen=True, slots=True)
class Missing:
    """A request for nothing: the site's 404 page."""


@dataclass(frozen=True, slots=True)
class BadRequest:
    """A request the preview refuses, and why (a malformed path)."""

    reason: str


Target = Found | Redirect | Missing | BadRequest


def inside(real_root: str, path: str) -> bool:
    return os.path.commonpath([real_root, path]) == real_root


def resolve(root: Path, base_path: str, request_path: str) -> Target:
    """Map a request target to a file under ``root``, a redirect, or a refusal.

    ``base_path`` is the path of ``base_url`` (``/`` or ``/ballerina/``): the site lives under it.
    Dot segments, empty segments, backslashes, encoded separators and links out of the folder all
    end as :class:`Missing`; undecodable or control characters as :class:`BadRequest`.
    """
    raw, _, query = request_path.partition("?")
    raw = raw.partition("#")[0]
    if not raw.startswith("/"):
        return BadRequest("the request target must be a path starting with /")
    if "\\" in raw or _ENCODED_SEPARATOR.search(raw):
        return Missing()
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return BadRequest("the path is not valid UTF-8")
    if _CONTROL.search(path):
        return BadRequest("control characters in the path")
    if "\\" in path:
        return Missing()
    suffix = f"?{query}" if query else ""
    if base_path != "/":
        if path in ("/", base_path.rstrip("/")):
            return Redirect(base_path + suffix)
        if not path.startswith(base_path):
            return Missing()
        path = path[len(base_path) - 1:]
    segments = path.split("/")[1:]
    trailing = segments[-1] == ""
    names = segments[:-1] if trailing else segments
    if any(name in ("", ".", "..") for name in names):
        return Missing()
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *names))
    if not inside(real_root, real):
        return Missing()
    if os.path.isdir(real):
        if not trailing:
            return Redirect(raw + "/" + suffix)
        real = os.path.realpath(os.path.join(real, "index.html"))
        if not inside(real_root, real):
            return Missing()
        return Found(Path(real)) if os.path.isfile(real) else Missing()
    if trailing or not os.path.isfile(real):
        return Missing()
    return Found(Path(real))
