"""What a caller asks of a build: :class:`BuildOptions`, and the build's clock."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..store.store import Store

if TYPE_CHECKING:
    from ..core.model import Site

DEFAULT_OUTPUT = "public"


def default_jobs() -> int:
    """The cores this process may use: the worker count the CLI asks for (here, not in parallel.py,
    so that a build which finds nothing changed does not import the process pools)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """One build's settings, from the command line or the preview."""

    root: Path = Path(".")
    output: Path | None = None  # default: <root>/public
    base_url: str | None = None  # overrides site.yaml
    drafts: bool = False
    future: bool = False
    expired: bool = False  # include articles past their expiry_date
    now: datetime | None = None  # "now" for future-dated articles; default: the clock
    strict: bool = False  # warnings count as errors
    keep_going: bool = False  # build without the articles that have errors (listed; the CLI exits 1)
    search: bool | None = None  # None: as site.yaml says (`search`, default on)
    search_shard_size: int | None = None  # None: as site.yaml says (the preview indexes in smaller shards)
    record_urls: bool = True  # keep urls.lock up to date after a successful build
    cache: bool = False  # keep what later builds can reuse in the store (the CLI turns it on)
    jobs: int = 1  # worker processes; 1: all in this process
    write: bool = True  # False: check everything, write nothing (``ballerina-site check``)
    force: bool = False  # replace an output folder the tool did not make (its files are set aside)
    skip_unchanged: bool = True  # False: build even when nothing changed since the last build
    store: Store | None = None  # a long-lived store (the preview's); None: one for this build
    progress: Callable[[str, int, int], None] | None = None  # (stage, done, total), for a progress display
    published: Callable[[Site], None] | None = None  # called once the new output is in place

    @property
    def output_dir(self) -> Path:
        return self.output if self.output is not None else self.root / DEFAULT_OUTPUT

    def open_store(self) -> Store:
        if self.store is not None:
            return self.store
        return Store(self.root, enabled=self.cache)


def build_time(options: BuildOptions) -> datetime:
    if options.now is not None:
        return options.now
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc)


def options_key(options: BuildOptions) -> str:
    """The options that shape the output (the clock is judged apart, see store/uptodate.py)."""
    return repr((str(options.output_dir.absolute()), options.base_url, options.drafts, options.future,
                 options.expired, options.strict, options.search, options.search_shard_size,
                 options.record_urls, options.keep_going))
