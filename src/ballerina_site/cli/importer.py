"""``ballerina-site import jekyll|hugo SRC``: bring an old site's posts over, print what was done."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import Commands, count


def add_parser(commands: Commands) -> None:
    command = commands.add_parser("import", help="convert a Jekyll or Hugo site's posts into articles",
                                  description="Convert the posts of a Jekyll or Hugo site into articles in "
                                              "this site's content/ (and the files they use into static/). "
                                              "Existing files are never overwritten; each post's old URL "
                                              "becomes an alias, so it redirects.")
    command.add_argument("kind", choices=("jekyll", "hugo"), help="the generator the old site was made with")
    command.add_argument("old_site", type=Path, metavar="SRC",
                         help="the old site's folder (with _config.yml, or hugo.toml / config.*)")
    command.add_argument("--lang", metavar="CODE",
                         help="the language to import from a multilingual Hugo site (default: its default language)")
    command.add_argument("--source", "-s", type=Path, default=Path("."), metavar="DIR",
                         help="the site to import into (default: the current folder)")


def run(args: argparse.Namespace) -> int:
    from ..pipeline.importing import import_site

    report = import_site(args.kind, args.old_site, args.source, str(args.old_site).rstrip("/") or ".", args.lang)
    for post in report.written:
        print(f"converted: {post.source} -> content/{post.target}")
    adjusted = [note for note in report.notes if note.kind == "adjusted"]
    human = [note for note in report.notes if note.kind == "human"]
    for note in adjusted:
        print(f"adjusted: {note}")
    for note in human:
        print(f"needs a human: {note}", file=sys.stderr)
    for note in report.left_out:
        print(f"left out: {note}", file=sys.stderr)
    for note in report.skipped:
        print(f"left out: {note}", file=sys.stderr)
    left = len({note.path for note in report.left_out})
    languages = len(report.other_languages)
    print(f"imported {len(report.written)} of {count(report.posts, 'post')}"
          + (f" in language `{report.lang}`" if languages else "")
          + f" into content/ ({count(len(report.copied), 'file')} copied into static/): {len(adjusted)} adjusted, "
          f"{len(human)} for a human to check, {left} left out"
          + (f", {count(languages, 'other language')} not imported (--lang CODE)" if languages else "")
          + ("; build to see them, old URLs redirect" if report.written else ""))
    return 1 if left else 0
