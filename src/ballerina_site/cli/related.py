"""``ballerina-site related``: why Keep Reading shows what it shows for one article."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .check import check_content
from .common import Commands, site_options


def add_parser(commands: Commands) -> None:
    related = commands.add_parser("related", help="explain an article's Keep Reading scores",
                                  description="Print every Keep Reading candidate of one article with its "
                                              "score per part, best first.")
    related.add_argument("path", type=Path, metavar="PATH", help="the article file, e.g. content/x.md")
    site_options(related)
    related.add_argument("--limit", type=int, default=20, help="candidates to show (default: 20)")


def run(args: argparse.Namespace) -> int:
    from ..site.related import RelatedIndex

    site = check_content(args, drafts=True, future=True).site
    assert site is not None  # a check always loads the site
    wanted = args.path.resolve()
    article = next((a for a in site.articles if (args.source / a.source).resolve() == wanted), None)
    if article is None:
        print(f"{args.path}: not an article of this site", file=sys.stderr)
        return 1
    index = RelatedIndex(site.articles, site.tags, site.categories, site.config.related_window)
    chosen = site.keep_reading(article)
    print(f"Keep Reading for {article.source} ({article.title})")
    print(f"{len(site.articles)} articles; tag weight = ln(1 + N/df), category weight = 0.5 * ln(1 + N/df)")
    if article.related:
        print(f"pinned: {', '.join(article.related)}")
    if article.related_exclude:
        print(f"excluded: {', '.join(article.related_exclude)}")
    candidates = index.candidates(article)
    if not candidates:
        print("no article shares a tag or category; Keep Reading falls back to the newest articles")
    for rank, candidate in enumerate(candidates[:args.limit], 1):
        mark = "*" if candidate.article in chosen else " "
        parts = " + ".join(f"{label.name} {weight:.3f}" for label, weight in candidate.shared_tags)
        if candidate.category_score:
            parts += (" + " if parts else "") + f"category {candidate.category_score:.3f}"
        print(f"{mark}{rank:3d}. {candidate.score:7.3f}  {candidate.article.source}  "
              f"[{parts}; {candidate.days_apart:.1f} days apart]")
    print("shown in Keep Reading (in order): " + (", ".join(a.source for a in chosen) or "nothing"))
    return 0
