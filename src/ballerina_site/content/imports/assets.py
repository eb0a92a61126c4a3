"""Files a post uses (images, downloads), found in its body and front matter, to copy into ``static/``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Sequence

from .common import Converted, Copy

REFERENCE = re.compile(r"""(!?\[[^\]]*\]\(\s*<?)([^)\s>]+)|(\b(?:src|href|poster)=["'])([^"']+)""")
PAGES = (".md", ".markdown", ".html", ".htm", ".xml")


def inside(path: Path, root: Path) -> bool:
    """True when ``path`` is a file really inside ``root`` (no symlink out, no ``..``): the importer
    reads nothing outside the old site's folder."""
    try:
        return path.is_file() and path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def site_file(reference: str, root: Path, under: str = "") -> tuple[str, Path] | None:
    """A site path (``/assets/x.png``) the old site publishes from ``root`` (at the site path
    ``/<under>/``), with its file."""
    path = re.split(r"[?#]", reference, maxsplit=1)[0]
    if not path.startswith("/") or path.startswith("//") or path.lower().endswith(PAGES) or path.endswith("/"):
        return None
    parts = [part for part in path.split("/") if part]
    if not parts or any(part in (".", "..") or part.startswith(("_", ".")) for part in parts):
        return None
    mount = [part for part in under.split("/") if part]
    if parts[:len(mount)] != mount or len(parts) == len(mount):
        return None
    file = root.joinpath(*parts[len(mount):])
    return ("/".join(parts), file) if inside(file, root) else None


def collect_files(post: Converted, text: str, roots: Sequence[tuple[Path, str]]) -> None:
    """Note every site-absolute file ``text`` refers to that the old site has, to copy it; ``roots``:
    the folders the old site publishes files from, each with the site path it publishes them at."""
    for match in REFERENCE.finditer(text):
        for root, under in roots:
            found = site_file(match.group(2) or match.group(4), root, under)
            if found is not None:
                if all(copy.target != found[0] for copy in post.copies):
                    post.copies.append(Copy(found[1], found[0]))
                break


LINK = re.compile(r"\]\(\s*<?(/[^)\s>#?]*)")


def unknown_links(post: Converted, known: set[str]) -> None:
    """Note each link to a page of the old site that is neither an imported post (by its old URL)
    nor a copied file: it will not exist on the new site."""
    if post.origin is None:
        return
    try:
        old_lines = post.origin.read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError):
        old_lines = []
    copied = {"/" + copy.target for copy in post.copies}
    for target in dict.fromkeys(LINK.findall(post.text)):
        if target.startswith("//") or target.lower().endswith((".md", ".markdown")) or target in copied:
            continue
        if target in known or target.rstrip("/") + "/" in known or target == "/":
            continue
        line = next((i + 1 for i, text in enumerate(old_lines) if target in text), None)
        post.note("human", line, f"link to {target}: a page of the old site that was not imported; it will not "
                                 f"exist on this site (point it elsewhere, or add the page)")


def bundle_resources(post: Converted, folder: Path, site_folder: str) -> Callable[[str], str]:
    """For a page bundle: a relative path to a file beside the post -> its site path once copied to
    ``static/<site_folder>/``; anything else unchanged."""

    def resource(reference: str) -> str:
        path = re.split(r"[?#]", reference, maxsplit=1)[0]
        if not path or "://" in path or path.startswith(("/", "#", "mailto:")) or ".." in path.split("/") \
                or path.lower().endswith(PAGES):
            return reference
        file = folder / path
        if not inside(file, folder):
            return reference
        target = f"{site_folder}/{path}".strip("/")
        if all(copy.target != target for copy in post.copies):
            post.copies.append(Copy(file, target))
        return "/" + target + reference[len(path):]

    return resource


def rewrite_resources(text: str, resource: Callable[[str], str]) -> str:
    """Relative links and images in Markdown and HTML through ``resource``."""

    def swap(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(1) + resource(match.group(2))
        return match.group(3) + resource(match.group(4))

    return REFERENCE.sub(swap, text)
