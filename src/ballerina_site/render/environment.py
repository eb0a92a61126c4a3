"""The Jinja environment and page rendering: pages in, bytes out, nothing written.

Templates come from the site's ``templates/`` first, then the theme inside the package, so a site
overrides any single file. Autoescape is on and undefined names are errors with file and line.
"""

from __future__ import annotations

import traceback
from collections import ChainMap, Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, MutableMapping, Protocol, Sequence, TypeVar
from weakref import WeakSet

import jinja2
import markupsafe
from jinja2 import meta
from jinja2.compiler import Frame
from jinja2.runtime import Context
from jinja2.utils import internalcode, missing

from ..core import escaping

from ..core.errors import Problem
from ..core.model import Article, Label, Person, Site, Term
from ..site.pages import Page
from .seo import meta_tags, page_meta
from ..site.urls import Urls

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
TEMPLATES_DIR = "templates"

MEMOIZED_PARTIALS = frozenset({"partials/card.html", "partials/site_header.html", "partials/site_footer.html",
                               "partials/promo.html"})
"""Partials that pages include again and again with the same inputs: an article's card is on the
home page, its tag, category and author listings and under the articles that recommend it; the
masthead and navigation differ only by the kind of page (and the category shown), and the footer and
the promo box are the same on every page."""

_VALUE_TYPES = frozenset({str, int, bool, type(None), Article, Label, Term, Person})
"""Values a rendering can be keyed by: immutable, and equal only when they render alike (the model's
frozen objects compare by identity, labels by value). The type is part of the key, as ``True == 1``;
floats are left out, as ``0.0 == -0.0``."""
_GLOBAL = ("global",)  # the build-wide global of that name: the same on every page
_UNDEFINED = ("undefined",)


def _frozen(value: Any) -> tuple[Any, ...] | None:
    """``value`` as part of a memo key, or None if it is not known to be immutable."""
    kind = type(value)
    if kind in _VALUE_TYPES:
        return (kind, value)
    if kind is tuple:
        items = tuple(_frozen(item) for item in value)
        return None if None in items else (tuple, items)
    if value is missing:
        return _UNDEFINED
    return None


class _Context(Context):
    """A template context that calls the build's own helpers (``url()`` and the like) directly.

    ``Context.call`` looks each callable over for Jinja's ``pass_context``-style markers first, which
    costs more than a memoised link, and a page makes some forty such calls. Any other callable goes
    the usual way.

    It also makes :attr:`globals_keys` (the names of the template's globals, which only ``{% import %}``
    reads) when first asked: Jinja makes it for every context, one per page and one per include, and
    that set was half the cost of making an include's context."""

    _globals: Mapping[str, Any] | None = None
    _globals_keys: set[str] | None = None

    def __init__(self, environment: jinja2.Environment, parent: dict[str, Any], name: str | None,
                 blocks: dict[str, Callable[[Context], Iterator[str]]],
                 globals: MutableMapping[str, Any] | None = None):
        super().__init__(environment, parent, name, blocks, None)
        self._globals = globals
        self._globals_keys = None

    @property  # type: ignore[override]
    def globals_keys(self) -> set[str]:
        if self._globals_keys is None:
            self._globals_keys = set() if self._globals is None else set(self._globals)
        return self._globals_keys

    @globals_keys.setter
    def globals_keys(self, keys: set[str]) -> None:
        self._globals_keys = keys

    @internalcode
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - as Jinja names it
        if __self.environment.direct_calls.get(id(__obj)) is __obj:  # type: ignore[attr-defined]
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__obj, *args, **kwargs)


class _Reads(meta.TrackingCodeGenerator):
    """Jinja's own analysis of the names a template looks up in its context (that of
    ``meta.find_undeclared_variables``), but with the globals' names kept: a page may hide a global
    under a value of its own (``{% set site = ... %}``), and a memo key that left the name out would
    not see it."""

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        self.undeclared_identifiers.update(name for action, name in frame.symbols.loads.values()
                                           if action == "resolve")


def _plain_escapes(template: jinja2.Template) -> None:
    """Make the template print each value with :func:`escaping.escape_text`: the very characters that
    ``markupsafe.escape`` gives, joined into the same page, without a ``Markup`` object per value (a
    page prints some hundred values). Jinja's compiled template calls its escaping ``escape``, in the
    namespace its functions share; should that ever be otherwise, the template is left as it is."""
    namespace = getattr(template.root_render_func, "__globals__", None)
    if escaping.FAST and namespace is not None and namespace.get("escape") is markupsafe.escape:
        namespace["escape"] = escaping.escape_text


class _Environment(jinja2.Environment):
    """Renders each of :data:`MEMOIZED_PARTIALS` once per distinct set of inputs, and reuses the text.

    A template's inputs are the context variables that it, or any template it pulls in, reads (as
    Jinja's own analysis finds them, the globals' names included: see :class:`_Reads`). The memo is
    used only when every input is the build-wide global of that name or an immutable value (see
    :func:`_frozen`): an input like a page or a loop, a template pulled in by a computed name, and the
    partial is rendered as usual. So a site's own version of a partial is safe whatever it reads.

    Each template loaded through :meth:`get_template` also prints its values with
    :func:`escaping.escape_text` (see :func:`_plain_escapes`)."""

    context_class = _Context

    def __init__(self, **options: Any):
        super().__init__(**options)
        self._prepared: WeakSet[jinja2.Template] = WeakSet()
        self._loaded: dict[str, jinja2.Template] = {}
        self.direct_calls: dict[int, Callable[..., Any]] = {}

    def add_helpers(self, **helpers: Callable[..., Any]) -> None:
        """Globals that are plain functions (no ``pass_context`` or the like): templates call them
        without Jinja's checks, see :class:`_Context`."""
        self.globals.update(helpers)
        self.direct_calls.update((id(helper), helper) for helper in helpers.values())

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        """A page gets some ten templates (its own, ``base.html``, each include): without
        ``auto_reload``, a template once loaded by name is that name's for good, so it is looked up
        in a plain dict first rather than through Jinja's locked cache."""
        plain = globals is None and type(name) is str and not self.auto_reload and self.cache is not None
        if plain:
            found = self._loaded.get(name)  # type: ignore[arg-type]
            if found is not None:
                return found
        template = super().get_template(name, parent, globals)
        if template not in self._prepared:
            self._prepared.add(template)
            _plain_escapes(template)
            if template.name in MEMOIZED_PARTIALS:
                inputs = self._inputs(template.name)
                if inputs is not None:
                    template.root_render_func = self._memoizing(template.root_render_func, inputs)
        if plain and template.name == name:
            self._loaded[name] = template  # type: ignore[index]
        return template

    def _inputs(self, name: str) -> tuple[str, ...] | None:
        """The context variables ``name`` and every template it pulls in read; None if unknown."""
        names: set[str] = set()
        todo, seen = [name], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                tree = self.parse(self.loader.get_source(self, current)[0])  # type: ignore[union-attr]
            except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
                return None  # rendering reports it
            reads = _Reads(self)
            reads.visit(tree)
            names |= reads.undeclared_identifiers
            for pulled in meta.find_referenced_templates(tree):
                if pulled is None:
                    return None
                todo.append(pulled)
        return tuple(sorted(names))

    def _memoizing(self, render: Callable[[Context], Iterator[str]],
                   inputs: tuple[str, ...]) -> Callable[[Context], Iterator[str]]:
        constants: Mapping[str, Any] = self.globals
        rendered: dict[tuple[Any, ...], str] = {}

        def key(context: Context) -> tuple[Any, ...] | None:
            parts = []
            for name in inputs:
                value = context.resolve_or_missing(name)
                part = _GLOBAL if name in constants and value is constants[name] else _frozen(value)
                if part is None:
                    return None
                parts.append(part)
            return tuple(parts)

        def root(context: Context) -> Iterator[str]:
            found = key(context)
            if found is None:
                yield from render(context)
                return
            text = rendered.get(found)
            if text is None:
                text = rendered[found] = "".join(render(context))
            yield text

        return root


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
    env = _Environment(
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
        moment = local(value)  # once: show_date's and the time's
        text = moment.strftime(config.date_format)
        return f"{text} at {moment.strftime(config.time_format)}" if has_time else text

    env.globals.update(site=site, config=config, generator=generator)
    env.add_helpers(url=urls.href, abs_url=urls.absolute, feed=urls.feed,
                    page_meta=lambda page: page_meta(page, site, urls),
                    meta_tags=lambda meta: meta_tags(meta, urls.href))
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
R = TypeVar("R")
Sink = Callable[[str, bytes], Any]  # output path, page bytes -> what stands for the page


def _render(template: jinja2.Template, page: Page) -> str:
    """``template.render(page=page, **page.context)``, with the context's variables made by merging the
    dicts behind the template's globals (a ``ChainMap``) rather than by reading the ``ChainMap`` key by
    key, which costs 5 µs a page."""
    env = template.environment
    found = template.globals
    if type(found) is not ChainMap or env.is_async:
        return template.render(page=page, **page.context)
    variables: dict[str, Any] = {}
    for layer in reversed(found.maps):  # the first map wins, as in the ChainMap
        variables.update(layer)
    variables.update(page=page, **page.context)
    context = template.new_context(variables, shared=True)  # shared: taken as it is, globals and all
    try:
        return env.concat(template.root_render_func(context))  # type: ignore[attr-defined,no-any-return]
    except Exception:  # as Template.render: raised again with the traceback on template lines
        env.handle_exception()


def render_page(env: jinja2.Environment, page: Page, root: Path) -> bytes | Failure:
    """One page's bytes, or its fault as (dedupe key, problem): template faults never escape."""
    try:
        template = env.get_template(page.template)
        html = _render(template, page)
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


def collect(pages: Sequence[Page], results: Iterable[R | Failure]) -> tuple[dict[str, R], list[Problem]]:
    """Pages' bytes (or what the sink made of them) by output path, and one problem per distinct
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


def _render_one(env: jinja2.Environment, page: Page, root: Path, sink: Sink | None,
                also: Callable[[Page], Any] | None) -> Any:
    result = render_page(env, page, root)
    if sink is not None and not isinstance(result, tuple):
        result = sink(page.output, result)
    return result if also is None else (result, also(page))


def heaviest_first(pages: Sequence[Page]) -> list[int]:
    """Page numbers, the one-of-a-kind pages first (the archive, the term indexes: each lists the whole
    site: the archive of 10,000 articles takes 0.17-0.25 s), so that no worker starts one of
    them when the others are nearly done and have to wait for it."""
    kinds = Counter(page.kind for page in pages)
    return sorted(range(len(pages)), key=lambda index: kinds[pages[index].kind] > 1)


RenderState = tuple[jinja2.Environment, Sequence[Page], Path, "Sink | None", "Callable[[Page], Any] | None"]


class Spread(Protocol):
    """What spreads the work over processes: ``pipeline.parallel.run``, given by the pipeline (render
    comes before it in the flow, so it does not import it)."""

    def __call__(self, func: Callable[[RenderState, Sequence[int]], list[Any]], items: Sequence[int],
                 state: RenderState, jobs: int, *, portable: bool = ..., progress: Callable[[int], None] | None = ...,
                 meanwhile: Callable[[], None] | None = ...) -> list[Any]: ...


def render_chunk(state: RenderState, chunk: Sequence[int]) -> list[Any]:
    """In a worker (forked: the environment is not picklable) or here: pages ``chunk`` of the state's."""
    env, pages, root, sink, also = state
    return [_render_one(env, pages[index], root, sink, also) for index in chunk]


def render_all(env: jinja2.Environment, pages: Sequence[Page], root: Path, jobs: int = 1,
               progress: Callable[[str, int, int], None] | None = None,
               sink: Sink | None = None,
               meanwhile: Callable[[], None] | None = None,
               also: Callable[[Page], Any] | None = None,
               spread: Spread | None = None) -> tuple[dict[str, Any], list[Problem], dict[str, Any]]:
    """Render every page, spread over ``jobs`` workers when there are enough pages and a ``spread``
    is given (else here); the same bytes and the same problems (in page order) either way. With a
    ``sink``, each page's bytes go to it where they were rendered, and what it returns stands for
    the page. ``meanwhile``: other work for this process while the workers render. ``also``: a value
    computed for each page where it is rendered (e.g. its fingerprint), returned by output path."""
    pages = list(pages)
    total = len(pages)
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("rendering", done, total)

    order = heaviest_first(pages)
    state: RenderState = (env, pages, root, sink, also)
    if spread is not None and jobs > 1 and total >= RENDER_POOL_THRESHOLD:
        ordered = spread(render_chunk, order, state, jobs, portable=False, progress=step, meanwhile=meanwhile)
    else:
        if meanwhile is not None:
            meanwhile()
        ordered = []
        for start in range(0, total, 100):
            ordered += render_chunk(state, order[start:start + 100])
            step(len(ordered) - done)
    results: list[Any] = [None] * total
    for index, result in zip(order, ordered):
        results[index] = result
    if also is None:
        return (*collect(pages, results), {})
    return (*collect(pages, [result for result, _ in results]),
            {page.output: extra for page, (_, extra) in zip(pages, results)})
