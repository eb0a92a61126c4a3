"""The command line: parse arguments, call the library, print for humans, return an exit status.

The only module that prints or exits; everything else returns values or raises SiteError.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import __version__
from .errors import Problem, SiteError

if TYPE_CHECKING:
    from .model import Site


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", "-s", type=Path, default=Path("."), metavar="DIR",
                        help="site folder holding site.yaml and content/ (default: current folder)")
    parser.add_argument("--base-url", metavar="URL",
                        help="override base_url from site.yaml, e.g. / to serve at the root")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ballerina-site",
                                     description="Build a static film-news site from Markdown articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    build = commands.add_parser("build", help="build the site into the output folder",
                                description="Build the site. The previous output is replaced only if "
                                            "the whole build succeeds.")
    _site_options(build)
    build.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="output folder (default: public/ inside the site folder)")
    build.add_argument("--check", action="store_true",
                       help="after building, check every internal link as `check` does (exit 1 if broken)")

    check = commands.add_parser("check", help="check the site and the links of the built output",
                                description="Load the site and report its problems, then check that every "
                                            "internal href/src/srcset in the output folder leads to a "
                                            "built file and every #anchor exists. Exit 1 if anything "
                                            "is broken.")
    _site_options(check)
    check.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="built site to check (default: public/ inside the site folder)")

    init = commands.add_parser("init", help="create a new site folder",
                               description="Create site.yaml, content/ with a first article, templates/ "
                                           "and static/ in DIR.")
    init.add_argument("directory", type=Path, metavar="DIR")

    new = commands.add_parser("new", help="start an article with its front matter filled in",
                              description="Create content/YYYY-MM-DD-<slug>.md dated now, as a draft.")
    new.add_argument("title")
    new.add_argument("--source", "-s", type=Path, default=Path("."), metavar="DIR",
                     help="site folder (default: current folder)")
    new.add_argument("--tags", default="", help="comma-separated tags")
    new.add_argument("--category", default="", help="category name")

    related = commands.add_parser("related", help="explain an article's Keep Reading scores",
                                  description="Print every Keep Reading candidate of one article with its "
                                              "score per part, best first.")
    related.add_argument("path", type=Path, metavar="PATH", help="the article file, e.g. content/x.md")
    _site_options(related)
    related.add_argument("--limit", type=int, default=20, help="candidates to show (default: 20)")
    return parser


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _fail(problems: Sequence[Problem], command: str = "build") -> int:
    _print_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{command} failed: {errors} error{'s' * (errors != 1)}"
          + (f", {warnings} warning{'s' * (warnings != 1)}" if warnings else "")
          + ("; nothing was written" if command == "build" else ""), file=sys.stderr)
    return 1


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build

    options = BuildOptions(root=args.source, output=args.output, base_url=args.base_url,
                           drafts=args.drafts, future=args.future)
    report = build(options)
    _print_problems(report.warnings)
    site = report.site
    for article in site.scheduled:
        print(f"scheduled: {article.source} publishes {article.date.isoformat()}")
    extra = []
    if site.scheduled:
        extra.append(f"{len(site.scheduled)} scheduled")
    if site.drafts:
        extra.append(f"{len(site.drafts)} draft{'s' * (len(site.drafts) != 1)} left out")
    if report.warnings:
        extra.append(f"{len(report.warnings)} warning{'s' * (len(report.warnings) != 1)}")
    print(f"built {report.pages} pages from {report.articles} article{'s' * (report.articles != 1)}"
          f" and copied {report.static_files} static files to {report.output} in {report.seconds:.2f} s"
          + (f" ({', '.join(extra)})" if extra else ""))
    if args.check:
        return _check_output(site, report.output)
    return 0


def _check_output(site: Site, output: Path) -> int:
    """The link step shared by `check` and `build --check`: print broken links, return the status."""
    from .linkcheck import check_links, page_sources
    from .urls import Urls

    urls = Urls(site.config)
    sources = page_sources((urls.article(a), a.source) for a in site.articles)
    report = check_links(output, site.config.base_url, sources)
    for broken in report.broken:
        print(broken, file=sys.stderr)
    summary = (f"checked {report.links} internal link{'s' * (report.links != 1)} on {report.pages} "
               f"page{'s' * (report.pages != 1)} in {output}")
    if report.broken:
        count = len(report.broken)
        print(f"{summary}: {count} broken link{'s' * (count != 1)}", file=sys.stderr)
        return 1
    print(f"{summary}: all good")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """First the site itself (its problems, all at once), then the links of the built output."""
    from .build import BuildOptions, load_site

    options = BuildOptions(root=args.source, output=args.output, base_url=args.base_url,
                           drafts=args.drafts, future=args.future)
    loaded = load_site(options)  # raises SiteError with every content problem
    _print_problems(loaded.warnings)
    output = options.output_dir
    if not (output / "index.html").is_file():
        print(f"{output}: no built site here (run `ballerina-site build` first, or pass --output DIR)",
              file=sys.stderr)
        return 1
    return _check_output(loaded.site, output)


def cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init_site

    created = init_site(args.directory, datetime.now(timezone.utc))
    for path in created:
        print(f"created {path}")
    print(f"next: cd {args.directory} && ballerina-site build")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .config import load_config
    from .scaffold import new_article

    config = load_config(args.source)
    tags = [t.strip() for t in args.tags.split(",") if t.strip()]
    path = new_article(args.source, args.title, config, datetime.now(timezone.utc), tags=tags,
                       category=args.category)
    print(f"created {path} (a draft: remove `draft: true` to publish)")
    return 0


def cmd_related(args: argparse.Namespace) -> int:
    from .build import BuildOptions, load_site
    from .related import RelatedIndex

    loaded = load_site(BuildOptions(root=args.source, base_url=args.base_url, drafts=True, future=True))
    site = loaded.site
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


COMMANDS = {"build": cmd_build, "check": cmd_check, "init": cmd_init, "new": cmd_new, "related": cmd_related}


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SiteError as exc:
        return _fail(exc.problems, args.command)
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
