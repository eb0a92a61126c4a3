"""The one rule for reading a site's files: nothing from outside the site folder reaches the output.

Templates, static files, articles, ``site.yaml``, the tags and authors files and ``urls.lock`` are all
read through here (or checked with :func:`leaves_site` before being read). A path that leads out of
the site folder (a symlink such as ``templates/404.html -> /proc/self/environ``, a symlinked folder
on the way, or a ``../`` in a configured file name) is refused with the file's name: a CI build of a
pull request must not publish the runner's secrets.

Trusted set-ups that keep shared files elsewhere on purpose (a theme checked out beside the site
and linked in) opt in with the environment variable :data:`FOLLOW_ENV` set to ``1``; it is not a
``site.yaml`` key, since the site's own files are exactly what is not trusted.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problem, display_path

FOLLOW_ENV = "BALLERINA_FOLLOW_SYMLINKS"
REFUSED = "symlink points outside the site folder; refused"
HIDDEN = "symlink points into a hidden file or folder of the site (such as .git); refused"


def follow_outside_links() -> bool:
    """The documented opt-in for trusted set-ups (see the module docstring)."""
    return os.environ.get(FOLLOW_ENV, "") == "1"


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def refusal(path: Path, root: Path) -> str | None:
    """Why ``path`` may not be read into the output, or None: it (or a symlinked folder on the way to
    it) resolves outside ``root``, or a link leads into a hidden part of the site (``.git/config``
    holds a CI checkout's token, ``.env`` secrets). Always None under the opt-in."""
    if follow_outside_links():
        return None
    try:
        target, base = path.resolve(), root.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return REFUSED
    if not target.is_relative_to(base):
        return REFUSED
    try:
        written = path.absolute().relative_to(root.absolute()).parts
    except ValueError:
        written = ()
    if _hidden(target.relative_to(base).parts) and not _hidden(written):
        return HIDDEN
    return None


def leaves_site(path: Path, root: Path) -> bool:
    """True when :func:`refusal` refuses ``path``."""
    return refusal(path, root) is not None


class OutsideSite(ValueError):
    """A site file that resolves outside the site folder (or into a hidden part of it)."""

    def __init__(self, shown: str, hint: str, reason: str = REFUSED):
        super().__init__(f"{shown}: {reason} ({hint})")
        self.shown = shown
        self.hint = hint
        self.reason = reason

    def problem(self) -> Problem:
        return Problem(self.shown, None, self.reason, self.hint)


def not_a_site(root: Path) -> Problem | None:
    """A site folder holds ``site.yaml`` or ``content/``; anything else is a mistyped ``--source``
    (which must not silently build an empty site, nor make the folder)."""
    hint = "pass --source with the site folder, or start a site with `ballerina-site init DIR`"
    if not root.is_dir():
        return Problem(str(root), None, "no such site folder", hint)
    if not (root / "site.yaml").is_file() and not (root / "content").is_dir():
        return Problem(str(root), None, "not a site folder: it has neither site.yaml nor content/", hint)
    return None


def shown_name(path: Path, root: Path) -> str:
    """How a message names a site file: its own path in the site, not where a symlink leads."""
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return display_path(path, root)


def read_site_bytes(path: Path, root: Path) -> bytes:
    """The file's bytes; raises :class:`OutsideSite` for a file outside the site, OSError as usual."""
    reason = refusal(path, root)
    if reason is not None:
        raise OutsideSite(shown_name(path, root), "copy the file into the site folder instead of linking to it",
                          reason)
    return path.read_bytes()


def read_site_text(path: Path, root: Path, encoding: str = "utf-8-sig") -> str | Problem:
    """The file's text, or the problem with it named by its path in the site: outside the site,
    unreadable, or not UTF-8."""
    shown = shown_name(path, root)
    try:
        data = read_site_bytes(path, root)
        return data.decode(encoding)
    except OutsideSite as exc:
        return exc.problem()
    except UnicodeDecodeError as exc:
        return Problem(shown, None, f"not UTF-8 text (byte offset {exc.start})", "save it as UTF-8")
    except OSError as exc:
        return Problem(shown, None, f"cannot read the file: {exc.strerror or exc}")
