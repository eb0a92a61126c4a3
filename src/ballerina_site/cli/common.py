"""What every command shares: the common options, problem and count printing, the progress line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from ..core.errors import Problem

Commands = Any  # what ``ArgumentParser.add_subparsers()`` returns (argparse keeps its class private)


def site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", "-s", type=Path, default=Path("."), metavar="DIR",
                        help="site folder holding site.yaml and content/ (default: current folder)")
    parser.add_argument("--base-url", metavar="URL",
                        help="override base_url from site.yaml, e.g. / to serve at the root")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")


def force_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="build into an existing folder that ballerina-site did not make; its files are "
                             "moved aside to DIR.before-ballerina-<time>, never deleted")


def strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (e.g. a link to a missing file) as errors")


def keep_going_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep-going", "-k", action="store_true",
                        help="build every valid article and list the ones left out with their errors "
                             "(exit status 1 when any is left out)")


def jobs_option(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def speed_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=jobs_option, metavar="N",
                        help="worker processes for Markdown conversion and page rendering (default: one per core; "
                             "1 does everything in one process)")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the build cache in .ballerina-cache/")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress counter (the summary line is still printed)")


class Progress:
    """A one-line counter on stderr, only in a terminal and only once a build has run a second."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.after = float(os.environ.get("BALLERINA_PROGRESS_AFTER", "1"))  # seconds before it shows
        self.started = time.monotonic()
        self.shown = False
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < self.after or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        self.shown = True
        sys.stderr.write(f"\r{stage} {done}/{total} ({100 * done // max(1, total)}%)\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def fail(problems: Sequence[Problem], command: str) -> int:
    print_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{command} failed: {count(errors, 'error')}"
          + (f", {count(warnings, 'warning')}" if warnings else "")
          + ("; nothing was written" if command == "build" else ""), file=sys.stderr)
    return 1
