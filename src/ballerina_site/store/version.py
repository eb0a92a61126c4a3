"""The store's one version key: everything besides the site's own files that shapes what it keeps.

The tool's version and its whole source (every module and theme file, so a local edit counts), the
Python version, and the versions of the libraries whose output we keep (Markdown's HTML, Jinja's
pages, YAML's values, slugs). A store written under another key is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from .. import __version__

PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = ("jinja2", "markupsafe", "markdown", "pyyaml", "python-slugify", "text-unidecode", "pillow")


def library_versions() -> list[str]:
    """Each library as ``name=version``, read off the name of the first metadata folder for it on
    sys.path: ``<name>-<version>.dist-info``, as the packaging standard names it, or setuptools'
    ``.egg-info`` (Debian's packages); ``none`` when there is none with a version in its name (not
    installed, or an old-style editable install). Listing a few folders takes half a millisecond,
    where importing importlib.metadata took 14 ms of every build: 7% of a 1,000-article build that
    finds nothing changed."""
    wanted = {_normal(name) for name in LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            stem, _, suffix = entry.rpartition(".")
            name, _, version = stem.partition("-")
            key = _normal(name)
            if suffix in _METADATA and version and key in wanted and key not in found:
                found[key] = version
    return [f"{name}={found.get(_normal(name), 'none')}" for name in LIBRARIES]


_METADATA = ("dist-info", "egg-info")


def _normal(name: str) -> str:
    """A distribution's name as the standard compares them: any run of ``-``, ``_`` and ``.`` is one."""
    return re.sub(r"[-_.]+", "_", name).lower()


def source_digest(folder: Path = PACKAGE) -> bytes:
    """Every file under the package (code and theme), by relative path and bytes."""
    hasher = hashlib.blake2b(digest_size=16)
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = Path(base, name)
            hasher.update(path.relative_to(folder).as_posix().encode() + b"\0")
            hasher.update(path.read_bytes())
    return hasher.digest()


@lru_cache(maxsize=1)  # the code cannot change under a running process that has imported it
def version_key() -> str:
    hasher = hashlib.blake2b(digest_size=12)
    hasher.update(repr((__version__, sys.version, library_versions())).encode())
    hasher.update(source_digest())
    return hasher.hexdigest()
