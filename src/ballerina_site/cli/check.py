"""``ballerina-site check``: every problem of the site at once, nothing written; then the built links."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import Commands, count, print_problems, site_options, strict_option

if TYPE_CHECKING:  # the CLI's start imports no stage (see build.py)
    from ..core.model import Site
    from ..pipeline.report import BuildReport


def add_parser(commands: Commands) -> None:
    check = commands.add_parser("check", help="report every problem in the site, then check the built links",
                                description="Read site.yaml, every article, tags.yaml and the templates, "
                                            "render every page in memory and report every problem (nothing "
                                            "is written); then, if the output folder holds a built site, "
                                            "check that every internal href/src/srcset leads to a built file "
                                            "and every #anchor exists. Exit 1 if anything is wrong.")
    site_options(check)
    strict_option(check)
    check.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="built site to check the links of (default: public/ inside the site folder)")


def check_content(args: argparse.Namespace, drafts: bool | None = None, future: bool | None = None
                  ) -> BuildReport:
    """Content validation for ``check``: everything a build does but writing. Raises SiteError."""
    from ..pipeline.build import BuildOptions, build

    return build(BuildOptions(root=args.source, base_url=args.base_url,
                              drafts=args.drafts if drafts is None else drafts,
                              future=args.future if future is None else future,
                              strict=getattr(args, "strict", False), write=False))


def run(args: argparse.Namespace) -> int:
    """First the site itself (every problem at once, nothing written), then the links of the built output."""
    from ..pipeline.options import DEFAULT_OUTPUT

    checked = check_content(args)
    print_problems(checked.warnings)
    site = checked.site
    assert site is not None  # a check always loads the site
    print(f"checked {count(len(site.articles), 'article')} and {count(checked.pages, 'page')}: "
          + (f"no errors, {count(len(checked.warnings), 'warning')}" if checked.warnings else "no problems"))
    output = args.output if args.output is not None else args.source / DEFAULT_OUTPUT
    if not (output / "index.html").is_file():
        print(f"{output}: no built site here, so no links checked (run `ballerina-site build` first, "
              "or pass --output DIR)")
        return 0
    return check_output(site, output)


def check_output(site: Site, output: Path) -> int:
    """The link step shared by `check` and `build --check`: print broken links, return the status."""
    from .linkcheck import check_links, page_sources
    from ..site.urls import Urls

    urls = Urls(site.config)
    sources = page_sources((urls.article(a), a.source) for a in site.articles)
    report = check_links(output, site.config.base_url, sources)
    for broken in report.broken:
        print(broken, file=sys.stderr)
    summary = (f"checked {count(report.links, 'internal link')} on {count(report.pages, 'page')} "
               f"in {output}")
    if report.broken:
        print(f"{summary}: {count(len(report.broken), 'broken link')}", file=sys.stderr)
        return 1
    print(f"{summary}: all good")
    return 0
