"""The one build: ``build(options) -> BuildReport``, all that the CLI, the preview and ``check`` call.

    files -> content model -> site model -> plan -> rendered bytes -> written output
    (load.py)              (load.py)      (plan.py) (rendering.py)  (output/; in a row in stages.py)

When nothing changed since the last build into the same output, the store says so before anything
is loaded (store/uptodate.py) and the report says the same as that build did; the stages, and
Markdown and Jinja with them, are then not even imported.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from ..core.errors import Problem, raise_if_errors
from ..core.sitefiles import not_a_site
from ..content.discover import CONTENT_DIR, STATIC_DIR
from ..output.ownership import real_folder
from ..store import uptodate
from . import parallel
from .options import BuildOptions, build_time, options_key
from .report import BuildReport, from_plain, unchanged_since

__all__ = ["BuildOptions", "BuildReport", "build"]


def build(options: BuildOptions) -> BuildReport:
    """Raises :class:`SiteError` with every problem found; a failed build leaves the output as it was."""
    started = time.perf_counter()
    raise_if_errors([problem for problem in [not_a_site(options.root)] if problem is not None])
    options = replace(options, now=build_time(options))
    store = options.open_store()
    if not options.write:
        from . import stages
        return stages.check(options, store, started)
    raise_if_errors(check_output_dir(options.root, options.output_dir))
    options = replace(options, output=real_folder(options.output_dir))  # behind a symlink: its folder
    seen: uptodate.Stats = {}  # the inputs' stats, taken by the check before anything was read
    if store.enabled and options.skip_unchanged:
        same = uptodate.check(store, options.root, options.output_dir, options_key(options), options.now,
                              split=parallel.ahead, seen=seen)
        if same is not None:
            summary = unchanged_since(from_plain(same.summary), time.perf_counter() - started, same.written,
                                      same.published_info)
            return BuildReport(summary, None)
    from . import stages  # here, not above: a build that finds nothing changed never imports it
    with _without_cycle_collector():
        return stages.build_all(options, store, started, seen)


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """A build makes millions of small objects and next to no reference cycles; the cyclic collector
    would walk them again and again (half a second of a 3.5 s rebuild of 10,000 articles). Whatever
    cycles there are go at the first collection after the build."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def check_output_dir(root: Path, output: Path) -> list[Problem]:
    """The output is replaced whole, so it may not hold (or be inside) anything an editor wrote."""
    out = output.resolve()
    site = root.resolve()
    inputs = [site / CONTENT_DIR, site / "templates", site / STATIC_DIR]
    if out == site or site.is_relative_to(out):
        reason = "it is the site folder" if out == site else "it contains the site folder"
    elif any(out.is_relative_to(folder) for folder in inputs):
        reason = "it is inside content/, templates/ or static/"
    else:
        return []
    return [Problem(str(output), None, f"refusing to use this folder as the output: {reason}, and a build "
                                       "replaces the output folder entirely", "choose a new folder such as public/")]
