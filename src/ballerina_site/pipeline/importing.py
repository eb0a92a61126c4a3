"""``ballerina-site import``: an old Jekyll or Hugo site's posts -> our articles in ``content/``
(and the files they use in ``static/``). A flow of its own, beside the build:

    old site files -> content/imports (jekyll, hugo: convert, note) -> here: write new files only

Nothing is overwritten, each file is written whole or not at all (``output/newfiles.py``), nothing
is read outside the old site's folder, nothing is written outside ``content/`` and ``static/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..content.discover import CONTENT_DIR, STATIC_DIR
from ..content.imports.assets import unknown_links
from ..content.imports.common import Converted, Note
from ..content.imports.hugo import HugoSite
from ..content.imports.jekyll import JekyllSite
from ..core.errors import Problem, SiteError
from ..core.paths import UnsafePath, safe_site_path
from ..output.newfiles import write_new

Kind = Literal["jekyll", "hugo"]


@dataclass
class ImportReport:
    """What an import wrote, left out and wants a human to look at."""

    written: list[Converted] = field(default_factory=list)  # posts written as new articles
    left_out: list[Note] = field(default_factory=list)  # why each other post was not
    notes: list[Note] = field(default_factory=list)  # adjusted and needs-a-human, of the posts written
    copied: list[str] = field(default_factory=list)  # files written under static/
    skipped: list[Note] = field(default_factory=list)  # left out on purpose: one line per other language
    posts: int = 0
    lang: str | None = None  # the language imported (Hugo)
    other_languages: list[str] = field(default_factory=list)  # the languages left out (Hugo)


def convert_site(kind: Kind, src: Path, shown: str, lang: str | None = None) -> tuple[list[Converted], ImportReport]:
    """Every post of the old site (of one language), converted in memory, and a report that notes
    the languages left out. Raises :class:`SiteError` when its settings are wrong or it has no
    such language."""
    if kind == "jekyll":
        if lang:
            raise SiteError([Problem(shown, None, "--lang is for a Hugo site", "a Jekyll site is imported whole")])
        jekyll = JekyllSite(src, shown)
        bad_config(shown, jekyll.config_problem)
        return [jekyll.convert(path, draft) for path, draft in jekyll.posts], ImportReport()
    hugo = HugoSite(src, shown, lang)
    bad_config(shown, hugo.config_problem)
    if hugo.lang not in hugo.languages.known:
        raise SiteError([Problem(shown, None, f"the old site has no language `{lang}`",
                                 f"its languages: {', '.join(hugo.languages.known)}")])
    report = ImportReport(skipped=hugo.skipped(), lang=hugo.lang, other_languages=[c for c in hugo.others if c])
    return [hugo.convert(path) for path in hugo.pages], report


def bad_config(shown: str, problem: str | None) -> None:
    if problem:
        raise SiteError([Problem(shown, None, problem, "fix the old site's config first")])


def import_site(kind: Kind, src: Path, root: Path, shown: str | None = None, lang: str | None = None) -> ImportReport:
    """Raises :class:`SiteError` when there is nothing to import into or from."""
    shown = shown or src.as_posix()
    if not (root / "site.yaml").is_file():
        raise SiteError([Problem(str(root), None, "not a site folder (no site.yaml)",
                                 "run `ballerina-site init DIR` first, or pass --source DIR")])
    if not src.is_dir():
        raise SiteError([Problem(shown, None, "no such folder")])
    posts, report = convert_site(kind, src, shown, lang)
    if not posts:
        where = "`_posts/` folder" if kind == "jekyll" else \
            f"Markdown file of language `{report.lang}` under its content folder"
        raise SiteError([Problem(shown, None, f"no posts found (no {where})",
                                 f"is this the root of a {kind.title()} site?")])
    report.posts = len(posts)
    old_urls = {alias for post in posts for alias in aliases_of(post.text)}
    for post in posts:
        if post.text:
            unknown_links(post, old_urls)
    taken: set[str] = set()
    for post in posts:
        write_post(post, root, taken, report)
    copy_files(report, root)
    return report


def aliases_of(text: str) -> list[str]:
    """The ``aliases:`` line our front matter writer wrote (one line, in brackets)."""
    for line in text.split("\n")[1:]:
        if line == "---":
            break
        if line.startswith("aliases: [") and line.endswith("]"):
            return [item.strip().strip("'\"") for item in line[len("aliases: ["):-1].split(",") if item.strip()]
    return []


def write_post(post: Converted, root: Path, taken: set[str], report: ImportReport) -> None:
    errors = [note for note in post.notes if note.kind == "error"]
    if errors or not post.text:
        report.left_out += errors or [Note("error", post.source, None, "could not be converted")]
        return
    try:
        target = safe_site_path("/" + post.target).lstrip("/")
    except UnsafePath as exc:
        report.left_out.append(Note("error", post.source, None, f"no safe file name for it: {exc}"))
        return
    path = root / CONTENT_DIR / target
    if target in taken or not write_new(path, post.text.encode("utf-8")):
        report.left_out.append(Note("error", post.source, None, f"{CONTENT_DIR}/{target} already exists; "
                                                               f"not overwritten (move it away to import this post)"))
        return
    taken.add(target)
    post.target = target
    report.written.append(post)
    report.notes += [note for note in post.notes if note.kind != "error"]


def copy_files(report: ImportReport, root: Path) -> None:
    """The files the written posts use, each once; an existing different file is never replaced."""
    done: set[str] = set()
    for post in report.written:
        for copy in post.copies:
            if copy.target in done:
                continue
            done.add(copy.target)
            try:
                path = root / STATIC_DIR / safe_site_path("/" + copy.target).lstrip("/")
            except UnsafePath:
                continue
            try:
                data = copy.source.read_bytes()
            except OSError as exc:
                report.notes.append(Note("human", post.source, None, f"cannot copy {copy.target}: {exc.strerror}"))
                continue
            if path.exists():
                if not path.is_file() or path.read_bytes() != data:
                    report.notes.append(Note("human", post.source, None, f"{STATIC_DIR}/{copy.target} exists and "
                                                                         f"differs; not overwritten"))
                continue
            if write_new(path, data):
                report.copied.append(copy.target)
