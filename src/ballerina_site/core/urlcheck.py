"""The one check for a URL an editor writes (config or front matter): a menu link, an author's page,
the promo link, an image. Allowed: ``http``, ``https``, ``mailto`` and relative paths (``/x/``,
``x.png``, ``//host/x``, ``#part``); anything else (``javascript:``, ``data:``, ``vbscript:``,
``file:`` ...) would run or leak something in a reader's browser, and is an error at its line.

A browser drops tabs and line breaks anywhere in a URL and spaces and control characters around it
before it reads the scheme (``java\\tscript:``), so this check does too.
"""

from __future__ import annotations

import re

ALLOWED_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_IGNORED = re.compile(r"[\t\n\r]")
HINT = "use an http(s) or mailto: URL, or a path such as /about/ or images/x.png"


def url_problem(value: str, what: str) -> str | None:
    """Why ``value`` may not be used as a link or image, or None when it may. ``what`` names it in
    the message, e.g. "`image`"."""
    seen = _IGNORED.sub("", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12"
                                         "\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20")
    if any(ord(char) < 0x20 or ord(char) == 0x7f for char in seen):
        return f"{what} contains a control character"
    match = _SCHEME.match(seen)
    if match is None:
        return None
    scheme = match.group(1).lower()
    if scheme not in ALLOWED_SCHEMES:
        return f"{what} uses the scheme `{scheme}:`, which is not allowed in a link or image"
    if scheme in ("http", "https") and not seen[match.end():].startswith("//"):
        return f"{what} `{value}` has no host after `{scheme}:`"
    return None
