"""``ballerina-site init`` and ``new``: a new site folder, a new article."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from datetime import datetime, timezone

from .common import Commands


def add_init_parser(commands: Commands) -> None:
    init = commands.add_parser("init", help="create a new site folder",
                               description="Create site.yaml, content/ with a first article, templates/ "
                                           "and static/ in DIR.")
    init.add_argument("directory", type=Path, metavar="DIR")


def add_new_parser(commands: Commands) -> None:
    new = commands.add_parser("new", help="start an article with its front matter filled in",
                              description="Create content/YYYY-MM-DD-<slug>.md dated now, as a draft.")
    new.add_argument("title")
    new.add_argument("--source", "-s", type=Path, default=Path("."), metavar="DIR",
                     help="site folder (default: current folder)")
    new.add_argument("--tags", default="", help="comma-separated tags")
    new.add_argument("--category", default="", help="category name")


def cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init_site

    created = init_site(args.directory, datetime.now(timezone.utc))
    for path in created:
        print(f"created {path}")
    print(f"next: cd {args.directory} && ballerina-site build")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from ..core.configload import load_config
    from ..core.sitefiles import not_a_site
    from .scaffold import new_article

    problem = not_a_site(args.source)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    config = load_config(args.source)
    tags = [t.strip() for t in args.tags.split(",") if t.strip()]
    path = new_article(args.source, args.title, config, datetime.now(timezone.utc), tags=tags,
                       category=args.category)
    print(f"created {path} (a draft: remove `draft: true` to publish)")
    return 0
