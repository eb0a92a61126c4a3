"""The Jinja environment and page rendering: pages in, bytes out, nothing written.

Templates come from the site's ``templates/`` first, then the theme inside the package, so a site
overrides any single file. Autoescape is on and undefined names are errors with file and line.
"""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import jinja2

from .errors import Problem
from .model import Site
from .pages import Page
from .seo import page_meta
from .urls import Urls

THEME_DIR = Path(__file__).parent / "theme"
TEMPLATES_DIR = "templates"


def make_environment(root: Path, site: Site, urls: Urls, generator: str) -> jinja2.Environment:
    search = [str(root / TEMPLATES_DIR), str(THEME_DIR / TEMPLATES_DIR)]
    env = jinja2.Environment(
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


def render_pages(env: jinja2.Environment, pages: Iterable[Page], root: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """Render every page; one problem per distinct template fault, naming the first page it broke."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    seen: set[tuple[str | None, int | None, str]] = set()
    for page in pages:
        try:
            template = env.get_template(page.template)
            html = template.render(page=page, **page.context)
        except jinja2.TemplateSyntaxError as exc:
            key = (exc.filename, exc.lineno, exc.message or "")
            if key not in seen:
                seen.add(key)
                problems.append(Problem(_shown(exc.filename, root), exc.lineno,
                                        f"template syntax error: {exc.message}",
                                        f"while rendering {page.path}"
                                        + (f" from {page.source}" if page.source else "")))
            continue
        except jinja2.TemplateNotFound as exc:
            key = (None, None, str(exc))
            if key not in seen:
                seen.add(key)
                problems.append(Problem("templates", None, f"template not found: {exc.name}",
                                        f"needed for {page.path}"))
            continue
        except Exception as exc:  # noqa: BLE001 - any template fault becomes a message, not a traceback
            filename, line = _template_line(exc)
            message = str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
            key = (filename, line, message)
            if key not in seen:
                seen.add(key)
                problems.append(Problem(_shown(filename, root), line, f"template error: {message}",
                                        f"while rendering {page.path}"
                                        + (f" from {page.source}" if page.source else "")))
            continue
        files[page.output] = html.encode("utf-8")
    return files, problems
