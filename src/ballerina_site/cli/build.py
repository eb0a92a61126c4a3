"""``ballerina-site build``: build the site into the output folder, print the summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import Problem
from ..pipeline.report import BuildSummary
from .check import check_content, check_output
from .common import (Commands, Progress, count, force_option, keep_going_option, print_problems, site_options,
                     speed_options, strict_option)


def add_parser(commands: Commands) -> None:
    build = commands.add_parser("build", help="build the site into the output folder",
                                description="Build the site. The previous output is replaced only if "
                                            "the whole build succeeds.")
    site_options(build)
    build.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="output folder (default: public/ inside the site folder)")
    force_option(build)
    build.add_argument("--expired", action="store_true", help="include articles past their expiry_date")
    build.add_argument("--no-search", dest="search", action="store_false", default=None,
                       help="leave out the search index, page and box (overrides `search` in site.yaml)")
    strict_option(build)
    keep_going_option(build)
    build.add_argument("--check", action="store_true",
                       help="after building, check every internal link as `check` does (exit 1 if broken)")
    speed_options(build)


def run(args: argparse.Namespace) -> int:
    from ..pipeline.build import BuildOptions, build
    from ..pipeline.options import default_jobs

    progress = Progress(not args.quiet and sys.stderr.isatty())
    options = BuildOptions(root=args.source, output=args.output, base_url=args.base_url,
                           drafts=args.drafts, future=args.future, expired=args.expired, search=args.search,
                           strict=args.strict, keep_going=args.keep_going, cache=not args.no_cache,
                           jobs=args.jobs or default_jobs(), progress=progress, skip_unchanged=not args.check,
                           force=args.force)
    try:
        report = build(options)
    finally:
        progress.clear()
    print_summary(report.summary)
    if report.set_aside is not None:
        print(f"moved what was in {report.output} before to {report.set_aside} (nothing deletes it there)")
    status = 1 if report.summary.rejected else 0
    if args.check:
        site = report.site if report.site is not None else check_content(args).site
        assert site is not None  # a check always loads the site
        return check_output(site, report.output) or status
    return status


def precompressed(files: int, kept: int, original: int, brotli: int, gzip: int, seconds: float) -> str:
    """Bytes saved and what it cost (the benchmark reads the seconds: docs/performance.md)."""
    sizes = [f"{size / 1e6:,.1f} MB" if size >= 1e6 else f"{size / 1e3:,.0f} KB" for size in (original, brotli, gzip)]
    return (f"{count(files, 'file')} precompressed in {seconds:.2f} s: {sizes[0]} -> {sizes[1]} Brotli, "
            f"{sizes[2]} gzip" + (f", {kept} unchanged kept their copies" if kept else ""))


def print_rejected(rejected: tuple[Problem, ...]) -> None:
    """``--keep-going``: each article left out, then its errors."""
    sources = sorted({p.path for p in rejected})
    for source in sources:
        print(f"left out: {source}", file=sys.stderr)
        print_problems([p for p in rejected if p.path == source])
    if sources:
        print(f"build incomplete: {count(len(sources), 'article')} left out with errors (fix them and build "
              f"again)", file=sys.stderr)


def print_summary(summary: BuildSummary) -> None:
    print_problems(summary.warnings)
    for source, when in summary.scheduled:
        print(f"scheduled: {source} publishes {when}")
    for source, when in summary.expired:
        print(f"expired: {source} expired {when}")
    for source, old in summary.moved:
        print(f"moved: {source} from {old} (the old URL redirects)")
    for source, url in summary.forgotten:
        print(f"gone: {source} was published at {url}; its file is gone, so that URL now gives 404 "
              f"(add it to another article's `aliases` to redirect it)")
    print_rejected(summary.rejected)
    if summary.next_change is not None:
        where = f"; see {summary.build_info}" if summary.build_info else ""
        print(f"next change: {summary.next_change} (rebuild then{where})")
    extra = []
    if summary.up_to_date:
        extra.append("nothing changed since the last build")
    if summary.search_pages is not None:
        indexed, shards = summary.search_shards
        extra.append(f"search index of {count(summary.search_pages, 'page')} ({indexed} of "
                     f"{count(shards, 'shard')} indexed)" if shards > 1 or not indexed else
                     f"search index of {count(summary.search_pages, 'page')}")
    if summary.redirects:
        extra.append(count(summary.redirects, "redirect"))
    if summary.scheduled:
        extra.append(f"{len(summary.scheduled)} scheduled")
    if summary.expired:
        extra.append(f"{len(summary.expired)} expired")
    if summary.drafts:
        extra.append(f"{count(summary.drafts, 'draft')} left out")
    if summary.warnings:
        extra.append(count(len(summary.warnings), "warning"))
    if summary.rejected:
        extra.append(f"{count(len({p.path for p in summary.rejected}), 'article')} left out")
    if summary.reused:
        extra.append(f"{summary.pages - summary.reused} rendered, {summary.reused} reused unrendered")
    if summary.kept:
        written = summary.pages + summary.static_files - summary.kept
        extra.append(f"{count(written, 'file')} written, {summary.kept} unchanged kept")
    if summary.images or summary.images_cached:  # pictures and social cards
        extra.append(f"{count(summary.images, 'image')} processed, {summary.images_cached} kept from earlier builds")
    if summary.cached:
        extra.append(f"{summary.cached} of {summary.cached + summary.parsed} articles from the build cache")
    if summary.packed and summary.packed[0]:
        extra.append(precompressed(*summary.packed))
    print(f"built {summary.pages} pages from {count(summary.articles, 'article')}"
          f" and copied {summary.static_files} static files to {summary.output} in {summary.seconds:.2f} s"
          + (f" ({', '.join(extra)})" if extra else ""))
