"""``ballerina-site related``: why Keep Reading shows what it shows for one article."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .check import check_content
from .common import Commands, site_options

if TYPE_CHECKING:
    from ..core.model import Article
    from ..site.related import RelatedIndex


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
        print("no article shares a tag or category")
    for rank, candidate in enumerate(candidates[:args.limit], 1):
        mark = "*" if candidate.article in chosen else " "
        parts = " + ".join(f"{label.name} {weight:.3f}" for label, weight in candidate.shared_tags)
        if candidate.category_score:
            parts += (" + " if parts else "") + f"category {candidate.category_score:.3f}"
        print(f"{mark}{rank:3d}. {candidate.score:7.3f}  {candidate.article.source}  "
              f"[{parts}; {candidate.days_apart:.1f} days apart]")
    if len(candidates) < site.config.keep_reading + len(article.related_exclude):
        print_alike(index, article, chosen, args.limit)
    print("shown in Keep Reading (in order): " + (", ".join(a.source for a in chosen) or "nothing"))
    return 0


def print_alike(index: RelatedIndex, article: Article, chosen: tuple[Article, ...], limit: int) -> None:
    """The text similarity ranking that fills the slots tags and category leave over."""
    alike = index.text.candidates(index.number[id(article)])
    print("too few share a tag or category: the rest are alike in words; word weight = (1 + ln tf) * "
          "ln(1 + N/df), scaled to unit length; score = sum of products")
    if not alike:
        print("no article is alike in words either; Keep Reading falls back to the newest articles")
    for rank, candidate in enumerate(alike[:limit], 1):
        mark = "*" if candidate.article in chosen else " "
        words = " + ".join(f"{word} {part:.3f}" for word, part in candidate.shared[:6])
        more = f" + {len(candidate.shared) - 6} more" if len(candidate.shared) > 6 else ""
        print(f"{mark}{rank:3d}. {candidate.score:7.3f}  {candidate.article.source}  "
              f"[words: {words}{more}; {candidate.days_apart:.1f} days apart]")
