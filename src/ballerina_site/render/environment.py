"""The Jinja environment and page rendering: pages in, bytes out, nothing written.

Templates come from the site's ``templates/`` first, then the theme inside the package, so a site
overrides any single file. Autoescape is on and undefined names are errors with file and line.
"""

from __future__ import annotations

import traceback
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Sequence, TypeVar

import jinja2
from jinja2.loaders import split_template_path

from ..core.errors import Problem
from ..core.sitefiles import read_site_text
from ..core.model import Site
from ..site.assets import Assets
from ..site.pages import Page
from .partials import MEMOIZED_PARTIALS, Known, install
from .pictures import template_picture
from .seo import meta_tags, page_meta
from ..site.urls import Urls

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
TEMPLATES_DIR = "templates"


class TemplateFileError(jinja2.TemplateNotFound):
    """A template file that may not or cannot be used: a symlink out of the site, not UTF-8. A kind of
    "not found" to the code that only asks whether a template is there (the render names the cause)."""

    def __init__(self, name: str, problem: Problem):
        super().__init__(name, f"{problem.path}: {problem.message}")
        self.problem = problem


class SiteLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, reading each file through the site's one rule (core/sitefiles.py): a
    template of the site that leads outside it is refused, and a file that is not UTF-8 is named."""

    def __init__(self, root: Path):
        super().__init__([str(root / TEMPLATES_DIR), str(THEME_DIR / TEMPLATES_DIR)])
        self.owners = [root, THEME_DIR]

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder, owner in zip(self.searchpath, self.owners):
            path = Path(folder).joinpath(*pieces)
            if not path.is_file():
                continue
            text = read_site_text(path, owner, encoding="utf-8")
            if isinstance(text, Problem):
                raise TemplateFileError(template, text)
            mtime = path.stat().st_mtime
            return text, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime
        raise jinja2.TemplateNotFound(template)


def make_environment(root: Path, site: Site, urls: Urls, generator: str,
                     compiled: Path | None = None,
                     memoized: frozenset[str] = MEMOIZED_PARTIALS, assets: Assets | None = None,
                     partial_inputs: Known | None = None) -> jinja2.Environment:
    """``compiled``: a folder for Jinja's compiled templates (keyed by each template's source, so
    an edit recompiles it), which saves compiling the theme on every build that renders a page.
    ``memoized``: the partials that ``partial()`` renders once per distinct inputs (see partials.py);
    ``partial_inputs``: their inputs as earlier builds found them, brought up to date (see install).
    ``assets``: the fingerprinted static files, linked by ``asset()`` and by the ``url`` filter."""
    bytecode = None
    if compiled is not None:
        try:
            compiled.mkdir(parents=True, exist_ok=True)
            bytecode = jinja2.FileSystemBytecodeCache(str(compiled))
        except OSError:
            bytecode = None
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=SiteLoader(root),
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
        moment = local(value)  # once: show_date's and the time's
        text = moment.strftime(config.date_format)
        return f"{text} at {moment.strftime(config.time_format)}" if has_time else text

    known = assets
    renamed = assets.names if assets is not None else {}

    def asset(name: str) -> str:
        """``asset('style.css')``: the link of a static file, by its fingerprinted name if it has one
        (with no static files given, by its own name under ``/assets/``)."""
        if known is None:
            return urls.href("/assets/" + str(name).lstrip("/").removeprefix("assets/"))
        found = known.path(str(name))
        if found is None:
            raise jinja2.UndefinedError(f"asset({name!r}): no such file in static/assets/ or the theme")
        return urls.href(found)

    env.globals.update(site=site, config=config, generator=generator, asset=asset,
                       url=urls.href, abs_url=urls.absolute, feed=urls.feed,
                       page_meta=lambda page: page_meta(page, site, urls),
                       meta_tags=lambda meta: meta_tags(meta, urls.href),
                       picture=template_picture(urls.href, config.images.sizes, config.images.card_sizes))
    @jinja2.pass_context  # not for the context: so that Jinja never works out '/x/' | url when compiling,
    def url_filter(context: Any, target: Any, page: int = 1) -> str:  # into bytecode kept across builds
        return urls.href(renamed.get(target, target) if type(target) is str else target, page)

    # url is a filter too ({{ x | url }}, as the theme writes it): Jinja calls a filter directly, and a
    # global function through Context.call, 1.3 us more each, some 20 times a page
    env.filters.update(url=url_filter, date=show_date, datetime=show_datetime,
                       isoformat=lambda value: value.isoformat(),
                       month=lambda value: value.strftime("%B %Y"))
    install(env, memoized, partial_inputs)  # once the filters are in: finding a partial's inputs compiles it
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
R = TypeVar("R")


def render_page(env: jinja2.Environment, page: Page, root: Path) -> bytes | Failure:
    """One page's bytes, or its fault as (dedupe key, problem): template faults never escape."""
    try:
        template = env.get_template(page.template)
        html = template.render(page=page, **page.context)
    except jinja2.TemplateSyntaxError as exc:
        return ((exc.filename, exc.lineno, exc.message or ""),
                Problem(_shown(exc.filename, root), exc.lineno, f"template syntax error: {exc.message}",
                        f"while rendering {page.path}" + (f" from {page.source}" if page.source else "")))
    except TemplateFileError as exc:
        return ((exc.problem.path, None, exc.problem.message),
                Problem(exc.problem.path, None, exc.problem.message,
                        exc.problem.hint or f"needed for {page.path}"))
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


def collect(pages: Sequence[Page], results: Iterable[R | Failure]) -> tuple[dict[str, R], list[Problem]]:
    """Pages' bytes by output path, and one problem per distinct
    fault, naming the first page it broke."""
    files: dict[str, R] = {}
    problems: list[Problem] = []
    seen: set[tuple[str | None, int | None, str]] = set()
    for page, result in zip(pages, results):
        if not isinstance(result, tuple):  # a Failure is the only tuple
            files[page.output] = result
        elif result[0] not in seen:
            seen.add(result[0])
            problems.append(result[1])
    return files, problems


RENDER_POOL_THRESHOLD = 200  # fewer pages than this: forking workers costs more than it saves


def _render_one(env: jinja2.Environment, page: Page, root: Path, also: Callable[[Page], Any] | None) -> Any:
    result = render_page(env, page, root)
    return result if also is None else (result, also(page))


def heaviest_first(pages: Sequence[Page]) -> list[int]:
    """Page numbers, the one-of-a-kind pages first (the archive, the term indexes: each lists the whole
    site: the archive of 10,000 articles takes 0.17-0.25 s), so that no worker starts one of
    them when the others are nearly done and have to wait for it."""
    kinds = Counter(page.kind for page in pages)
    return sorted(range(len(pages)), key=lambda index: kinds[pages[index].kind] > 1)


RenderState = tuple[jinja2.Environment, Sequence[Page], Path, "Callable[[Page], Any] | None"]


class Spread(Protocol):
    """What spreads the work over processes: ``pipeline.parallel.run``, given by the pipeline (render
    comes before it in the flow, so it does not import it)."""

    def __call__(self, func: Callable[[RenderState, Sequence[int]], list[Any]], items: Sequence[int],
                 state: RenderState, jobs: int, *, portable: bool = ...,
                 each: Callable[[Sequence[int], list[Any]], list[Any]] | None = ...,
                 meanwhile: Callable[[], None] | None = ...) -> list[Any]: ...


def render_chunk(state: RenderState, chunk: Sequence[int]) -> list[Any]:
    """In a worker (forked: the environment is not picklable) or here: pages ``chunk`` of the state's."""
    env, pages, root, also = state
    return [_render_one(env, pages[index], root, also) for index in chunk]


def render_all(env: jinja2.Environment, pages: Sequence[Page], root: Path, jobs: int = 1,
               progress: Callable[[str, int, int], None] | None = None,
               meanwhile: Callable[[], None] | None = None,
               also: Callable[[Page], Any] | None = None,
               spread: Spread | None = None,
               deliver: Callable[[str, bytes], Any] | None = None
               ) -> tuple[dict[str, Any], list[Problem], dict[str, Any]]:
    """Render every page, spread over ``jobs`` workers when there are enough pages and a ``spread``
    is given (else here); the same bytes and the same problems (in page order) either way; nothing
    is written. ``meanwhile``: other work for this process while the workers render. ``also``: a value
    computed for each page where it is rendered (e.g. its fingerprint), returned by output path.
    ``deliver(output path, bytes)``: handed each page as it arrives; what it returns is kept in place
    of the bytes (so a big site's pages need not all be held at once)."""
    pages = list(pages)
    total = len(pages)
    done = 0

    def arrived(chunk: Sequence[int], results: list[Any]) -> list[Any]:
        if progress:
            nonlocal done
            done += len(chunk)
            progress("rendering", done, total)
        if deliver is None:
            return results
        return [_delivered(deliver, pages[index].output, result, also is not None)
                for index, result in zip(chunk, results)]

    order = heaviest_first(pages)
    state: RenderState = (env, pages, root, also)
    if spread is not None and jobs > 1 and total >= RENDER_POOL_THRESHOLD:
        ordered = spread(render_chunk, order, state, jobs, portable=False, each=arrived, meanwhile=meanwhile)
    else:
        if meanwhile is not None:
            meanwhile()
        ordered = []
        for start in range(0, total, 100):
            chunk = order[start:start + 100]
            ordered += arrived(chunk, render_chunk(state, chunk))
    results: list[Any] = [None] * total
    for index, result in zip(order, ordered):
        results[index] = result
    if also is None:
        return (*collect(pages, results), {})
    return (*collect(pages, [result for result, _ in results]),
            {page.output: extra for page, (_, extra) in zip(pages, results)})


def _delivered(deliver: Callable[[str, bytes], Any], output: str, result: Any, paired: bool) -> Any:
    """A rendered page handed on; a failure (a tuple, see :func:`render_page`) stays as it is."""
    page = result[0] if paired else result
    if isinstance(page, tuple):
        return result
    kept = deliver(output, page)
    return (kept, result[1]) if paired else kept
