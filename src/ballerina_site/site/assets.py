"""Fingerprinted assets: stylesheets and scripts under ``assets/`` (the theme's and the site's own
``static/assets/``) are also published under a name that carries a hash of their bytes,
``assets/style.3f2a9c1b.css``, and the templates link that name (the ``asset()`` helper and the
``url`` filter both give it). A host may then let browsers keep such a file for a year
(``Cache-Control: immutable``): a changed file gets a new name, and every page names the new one;
an unchanged file keeps its name from build to build.

The plain name is published too, with the same bytes: a link written by hand in an article or
elsewhere (``/assets/app.js``) keeps working, at short caching.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

FOLDER = "assets/"
SUFFIXES = (".css", ".js")
HASH_LENGTH = 8  # hex digits: 32 bits, plenty to tell a handful of versions of one file apart


@dataclass(frozen=True, slots=True)
class Assets:
    """The fingerprinted files of one build, by site path: ``/assets/style.css`` -> ``/assets/style.3f2a9c1b.css``."""

    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    known: frozenset[str] = frozenset()  # every static file's site path, fingerprinted or not

    @property
    def token(self) -> bytes:
        """What pages depend on: the names they link (a page kept from the last build must name the same)."""
        return "\n".join(f"{plain} {named}" for plain, named in sorted(self.names.items())).encode()

    @property
    def published(self) -> frozenset[str]:
        """The site paths of the fingerprinted copies, which never change their bytes."""
        return frozenset(self.names.values())

    def path(self, name: str) -> str | None:
        """The site path to link for ``name`` (``style.css``, ``assets/style.css`` or ``/assets/style.css``):
        its fingerprinted name if it has one, else its own; None when there is no such static file."""
        site_path = "/" + name.lstrip("/")
        if site_path not in self.known:
            site_path = "/" + FOLDER + name.lstrip("/")
        if site_path not in self.known:
            return None
        return self.names.get(site_path, site_path)


def fingerprinted_name(relative: str, data: bytes) -> str:
    """``assets/style.css`` -> ``assets/style.3f2a9c1b.css`` (the hash of the bytes)."""
    stem, suffix = posixpath.splitext(relative)
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}{suffix}"


def fingerprint_static(static: Mapping[str, Path]) -> tuple[dict[str, Path], Assets]:
    """The static files with a fingerprinted copy of each stylesheet and script under ``assets/``.
    An unreadable file is left as it is (copying it reports the fault)."""
    published = dict(static)
    names: dict[str, str] = {}
    for relative, source in sorted((relative, source) for relative, source in static.items()
                                   if relative.startswith(FOLDER) and relative.endswith(SUFFIXES)):
        try:
            data = source.read_bytes()
        except OSError:
            continue
        named = fingerprinted_name(relative, data)
        if named in static:  # the site ships a file by that very name: leave both alone
            continue
        published[named] = source
        names["/" + relative] = "/" + named
    return published, Assets(MappingProxyType(names), frozenset("/" + relative for relative in static))
