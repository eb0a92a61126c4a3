"""The store's one version key: everything besides the site's own files that shapes what it keeps.

The tool's version and its whole source (every module and theme file, so a local edit counts), the
Python version, and the versions of the libraries whose output we keep (Markdown's HTML, Jinja's
pages, YAML's values, slugs). A store written under another key is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .. import __version__

PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = ("jinja2", "markupsafe", "markdown", "pyyaml", "python-slugify", "text-unidecode", "pillow")


def library_versions() -> list[str]:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return found


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
