"""The command line: parse arguments, call the library, print for humans, return an exit status.

The only module that prints or exits; everything else returns values or raises SiteError.
"""

from __future__ import annotations

import argparse
import signal
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


def _strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (e.g. a link to a missing file) as errors")


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
    build.add_argument("--expired", action="store_true", help="include articles past their expiry_date")
    build.add_argument("--no-search", dest="search", action="store_false", default=None,
                       help="leave out the search index, page and box (overrides `search` in site.yaml)")
    _strict_option(build)
    build.add_argument("--check", action="store_true",
                       help="after building, check every internal link as `check` does (exit 1 if broken)")

    check = commands.add_parser("check", help="report every problem in the site, then check the built links",
                                description="Read site.yaml, every article, tags.yaml and the templates, "
                                            "render every page in memory and report every problem (nothing "
                                            "is written); then, if the output folder holds a built site, "
                                            "check that every internal href/src/srcset leads to a built file "
                                            "and every #anchor exists. Exit 1 if anything is wrong.")
    _site_options(check)
    _strict_option(check)
    check.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="built site to check the links of (default: public/ inside the site folder)")

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


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _fail(problems: Sequence[Problem], command: str) -> int:
    _print_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{command} failed: {_count(errors, 'error')}"
          + (f", {_count(warnings, 'warning')}" if warnings else "")
          + ("; nothing was written" if command == "build" else ""), file=sys.stderr)
    return 1


def check_content(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Content validation for ``check``: everything a build does but writing. Raises SiteError."""
    from .build import BuildOptions, check

    return check(BuildOptions(root=args.source, base_url=args.base_url, drafts=args.drafts,
                              future=args.future, strict=args.strict))


def cmd_check(args: argparse.Namespace) -> int:
    """First the site itself (every problem at once, nothing written), then the links of the built output."""
    from .build import DEFAULT_OUTPUT

    rendered = check_content(args)
    _print_problems(rendered.warnings)
    site = rendered.loaded.site
    print(f"checked {_count(len(site.articles), 'article')} and {_count(len(rendered.pages), 'page')}: "
          + (f"no errors, {_count(len(rendered.warnings), 'warning')}" if rendered.warnings else "no problems"))
    output = args.output if args.output is not None else args.source / DEFAULT_OUTPUT
    if not (output / "index.html").is_file():
        print(f"{output}: no built site here, so no links checked (run `ballerina-site build` first, "
              "or pass --output DIR)")
        return 0
    return _check_output(site, output)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build

    options = BuildOptions(root=args.source, output=args.output, base_url=args.base_url,
                           drafts=args.drafts, future=args.future, expired=args.expired, search=args.search,
                           strict=args.strict)
    report = build(options)
    _print_problems(report.warnings)
    site = report.site
    for article in site.scheduled:
        print(f"scheduled: {article.source} publishes {article.goes_live.isoformat()}")
    for article in site.expired:
        print(f"expired: {article.source} expired {article.expiry_date.isoformat() if article.expiry_date else ''}")
    plan = report.redirects
    if plan is not None:
        for article, old in plan.moved:
            print(f"moved: {article.source} from {old} (the old URL redirects)")
        for source, url in plan.forgotten:
            print(f"gone: {source} was published at {url}; its file is gone, so that URL now gives 404 "
                  f"(add it to another article's `aliases` to redirect it)")
    if site.next_change is not None:
        print(f"next change: {site.next_change.isoformat()} (rebuild then; see build-info.json)")
    extra = []
    if report.search is not None:
        extra.append(f"search index of {report.search.pages} page{'s' * (report.search.pages != 1)}")
    if plan is not None and plan.redirects:
        extra.append(f"{len(plan.redirects)} redirect{'s' * (len(plan.redirects) != 1)}")
    if site.scheduled:
        extra.append(f"{len(site.scheduled)} scheduled")
    if site.expired:
        extra.append(f"{len(site.expired)} expired")
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


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM (e.g. from a service manager) stops a build the way Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    from .writer import OutputError

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return COMMANDS[args.command](args)
    except SiteError as exc:
        return _fail(exc.problems, "check" if args.command == "check" else "build")
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous output is unchanged", file=sys.stderr)
        return 130
    except RecursionError:
        print("error: input nested too deeply to process (a YAML or Markdown structure hundreds of levels "
              "deep?)", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
