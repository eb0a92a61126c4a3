"""The Jinja environment and page rendering: pages in, bytes out, nothing written.

Templates come from the site's ``templates/`` first, then the theme inside the package, so a site
overrides any single file. Autoescape is on and undefined names are errors with file and line.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Sequence

import jinja2

from . import workers
from .errors import Problem
from .model import Site
from .pages import Page
from .seo import page_meta
from .urls import Urls

THEME_DIR = Path(__file__).parent / "theme"
TEMPLATES_DIR = "templates"


def make_environment(root: Path, site: Site, urls: Urls, generator: str,
                     compiled: Path | None = None) -> jinja2.Environment:
    """``compiled``: a folder for Jinja's compiled templates (keyed by each template's source, so
    an edit recompiles it), which saves compiling the theme on every build that renders a page."""
    search = [str(root / TEMPLATES_DIR), str(THEME_DIR / TEMPLATES_DIR)]
    bytecode = None
    if compiled is not None:
        try:
            compiled.mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(compiled))
        except OSError:
            bytecode = None
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat every template at every include
    )
    config = site.config
    zone = config.zone

    def local(value: datetime) -> datetime:
        return value.astimezone(zone)

    def show_date(value: datetime) -> str:
        return local(value).strftime(config.date_format)

    def show_datetime(value: datetime, has_time: bool = True) -> str:
        text = show_date(value)
        return f"{text} at {local(value).strftime(config.time_format)}" if has_time else text

    env.globals.update(site=site, config=config, url=urls.href, abs_url=urls.absolute, generator=generator,
                       feed=urls.feed, page_meta=lambda page: page_meta(page, site, urls))
    env.filters.update(date=show_date, datetime=show_datetime,
                       isoformat=lambda value: value.isoformat(),
                       month=lambda value: value.strftime("%B %Y"))
    return env


def _template_line(exc: BaseException) -> tuple[str | None, int | None]:
    """Where in a template an error happened: Jinja rewrites tracebacks to template lines."""
    found: tuple[str | None, int | None] = (None, None)
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2")):
            found = (filename, line)
    return found


def _shown(filename: str | None, root: Path) -> str:
    if not filename:
        return "templates"
    path = Path(filename)
    for base in (root, THEME_DIR.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return filename


Failure = tuple[tuple[str | None, int | None, str], Problem]


def render_page(env: jinja2.Environment, page: Page, root: Path) -> bytes | Failure:
    """One page's bytes, or its fault as (dedupe key, problem): template faults never escape."""
    try:
        template = env.get_template(page.template)
        html = template.render(page=page, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        return ((exc.filename, exc.lineno, exc.message or ""),
                Problem(_shown(exc.filename, root), exc.lineno, f"template syntax error: {exc.message}",
                        f"while rendering {page.path}" + (f" from {page.source}" if page.source else "")))
    except jinja2.TemplateNotFound as exc:
        return ((None, None, str(exc)),
                Problem("templates", None, f"template not found: {exc.name}", f"needed for {page.path}"))
    except Exception as exc:  # noqa: BLE001 - any template fault becomes a message, not a traceback
        filename, line = _template_line(exc)
        message = str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
        return ((filename, line, message),
                Problem(_shown(filename, root), line, f"template error: {message}",
                        f"while rendering {page.path}" + (f" from {page.source}" if page.source else "")))
    return html.encode("utf-8")


def collect(pages: Sequence[Page], results: Iterable[bytes | Failure]) -> tuple[dict[str, bytes], list[Problem]]:
    """Pages' bytes by output path, and one problem per distinct fault, naming the first page it broke."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    seen: set[tuple[str | None, int | None, str]] = set()
    for page, result in zip(pages, results):
        if isinstance(result, bytes):
            files[page.output] = result
        elif result[0] not in seen:
            seen.add(result[0])
            problems.append(result[1])
    return files, problems


def render_pages(env: jinja2.Environment, pages: Iterable[Page], root: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """Render every page in this process; one problem per distinct template fault."""
    pages = list(pages)
    return collect(pages, (render_page(env, page, root) for page in pages))


RENDER_POOL_THRESHOLD = 200  # fewer pages than this: forking workers costs more than it saves


def _render_chunk(chunk: Sequence[int]) -> list[bytes | Failure]:
    """In a forked worker: the environment, pages and root were shared by the parent before the fork."""
    env, pages, root = workers.shared()
    return [render_page(env, pages[index], root) for index in chunk]


def render_all(env: jinja2.Environment, pages: Sequence[Page], root: Path, jobs: int = 1,
               progress: Callable[[str, int, int], None] | None = None) -> tuple[dict[str, bytes], list[Problem]]:
    """Render every page, over ``jobs`` forked workers when there are enough pages; the same bytes and
    the same problems (in page order) either way."""
    pages = list(pages)
    total = len(pages)
    if jobs <= 1 or total < RENDER_POOL_THRESHOLD:
        results = []
        for page in pages:
            results.append(render_page(env, page, root))
            if progress and len(results) % 100 == 0:
                progress("rendering", len(results), total)
        return collect(pages, results)
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("rendering", done, total)

    indices = list(range(total))
    parts = workers.run(_render_chunk, workers.chunks(indices, jobs), (env, pages, root), jobs, step)
    return collect(pages, [result for part in parts for result in part])
