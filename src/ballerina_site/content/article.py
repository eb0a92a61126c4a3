"""Read article files into :class:`Article` values, collecting every problem on the way.

``parse_article`` is pure (text in, article and problems out) so it can be cached and run in
worker processes; ``read_data`` and ``read_source`` are the thin edges that read a file
(:mod:`.discover` finds them, :mod:`.fields` reads each front matter key).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from ..core.config import SiteConfig
from ..core.dates import DateError, parse_date
from ..core.errors import Problem
from ..core.model import Article
from ..core.urlcheck import HINT as URL_HINT, url_problem
from .discover import source_name
from .embeds import EmbedProblem
from .fields import (KNOWN_KEYS, Fields, file_date, read_aliases, read_authors, read_categories, read_category, read_draft,
                     read_slug, read_slugs, read_tags, with_synonyms)
from .frontmatter import FrontMatter, FrontMatterFailure, split_front_matter
from .leftovers import protect_leftovers
from .markup import (MarkupTooDeep, count_words, first_paragraph, local_links, plain_text, render_markdown,
                     render_markdown_checked)

__all__ = ["KNOWN_KEYS", "MAX_ARTICLE_BYTES", "Parsed", "parse_article", "parse_data", "parse_settings", "article_limit",
           "read_data", "read_source"]  # KNOWN_KEYS: the front matter keys an article may have (see .fields)

MAX_ARTICLE_BYTES = 16 * 1024 * 1024  # the default of `max_article_mb`
"""Larger files are refused before parsing: a news article is a few KB, and Markdown needs ~3 s per MB."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """One source file parsed: its article, or none, and every problem found in it."""

    article: Article | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Dates:
    """When an article is dated, last updated, goes live and expires (``date`` None: missing or bad)."""

    date: datetime | None
    has_time: bool
    updated: datetime | None
    publish_date: datetime | None
    expiry_date: datetime | None


@dataclass(frozen=True, slots=True)
class Body:
    """The body converted, with the summary and word count taken from it."""

    html: str
    summary: str
    words: int
    summary_html: str = ""


def parse_article(source: str, text: str, config: SiteConfig) -> Parsed:
    """An article and every problem in its text; no article when the dates, title, terms, slug or
    body have an error."""
    split = split_front_matter(text)
    if isinstance(split, FrontMatterFailure):
        return Parsed(None, (Problem(source, split.line, split.message, split.hint, column=split.column),))
    problems: list[Problem] = []
    meta, key_lines = with_synonyms(source, split.meta, split.key_lines, problems)
    fields = Fields(source, meta, key_lines, problems)
    extra = fields.extra()
    title = read_title(fields)
    dates = read_dates(fields, config)
    category_name, more_tags = read_categories(fields)
    aliases, tags = read_aliases(fields), read_tags(fields, tuple(more_tags))
    category = read_category(fields, category_name)
    slug, draft = read_slug(fields), read_draft(fields)
    image = read_url(fields, "image")
    authors = read_authors(fields) or ((config.author.name,) if config.author.name else ())
    body = read_body(split, fields, config)
    if any(p.is_error for p in fields.problems) or dates.date is None:
        return Parsed(None, tuple(fields.problems))
    # The keys below are read after that check, as they always were: a problem in one of them
    # comes with the article, and later stages go on to check it too.
    article = Article(
        source=source, slug=slug, title=title, date=dates.date, has_time=dates.has_time, updated=dates.updated,
        summary=body.summary, body_html=body.html, word_count=body.words,
        reading_minutes=max(1, math.ceil(body.words / config.words_per_minute)),
        tags=tags, category=category, authors=authors, draft=draft,
        image=image, image_alt=fields.text("image_alt"),
        image_caption=fields.text("image_caption"), image_credit=fields.text("image_credit"),
        summary_html=body.summary_html,
        related=read_slugs(fields, "related"), related_exclude=read_slugs(fields, "related_exclude"),
        publish_date=dates.publish_date, expiry_date=dates.expiry_date, aliases=aliases,
        extra=extra, key_lines=MappingProxyType(dict(fields.lines)),
        links=link_lines(body.html, split.body, split.body_line),
    )
    return Parsed(article, tuple(fields.problems))


def read_url(fields: Fields, key: str) -> str:
    """A link or image URL: only of the kinds urlcheck.py allows."""
    value = fields.text(key)
    problem = url_problem(value, f"`{key}`") if value else None
    if problem is not None:
        fields.problem(key, problem, URL_HINT)
    return value


def read_title(fields: Fields) -> str:
    title = fields.text("title")
    if "title" not in fields.meta:
        fields.problems.append(Problem(fields.source, 1, "missing `title`",
                                       "add `title: Your headline` to the front matter"))
    elif not title:
        fields.problem("title", "`title` is blank", "write the headline after `title:`")
    return title


def read_dates(fields: Fields, config: SiteConfig) -> Dates:
    """``date`` (required), ``updated``, and the window the article is live in."""
    zone = config.zone
    date, has_time = None, False
    named = file_date(fields.source)
    if fields.meta.get("date") is None and named is not None:
        try:
            date = parse_date(named, zone).value
        except DateError as exc:
            fields.problems.append(Problem(fields.source, None, f"the date in the file name: {exc}",
                                           "add `date:` to the front matter"))
    elif fields.meta.get("date") is None:
        fields.problems.append(Problem(fields.source, fields.lines.get("date", 1), "missing `date`",
                                       "add e.g. `date: 2025-06-02T23:14:00-04:00`"))
    else:
        try:
            parsed = parse_date(fields.meta["date"], zone)
            date, has_time = parsed.value, parsed.has_time
            if parsed.assumed_zone:
                fields.problem("date", f"`date` has a time but no zone; assumed {config.timezone}",
                               "add an offset such as -04:00 to be explicit", "warning")
        except DateError as exc:
            fields.problem("date", f"`date`: {exc}")
    updated = fields.date("updated", zone)
    publish_date, expiry_date = fields.date("publish_date", zone), fields.date("expiry_date", zone)
    live = publish_date or date
    if expiry_date is not None and live is not None and expiry_date <= live:
        fields.problem("expiry_date", f"`expiry_date` {expiry_date.isoformat()} is not after the article goes "
                                      f"live ({live.isoformat()})", "the article would never be shown")
    return Dates(date, has_time, updated, publish_date, expiry_date)


def render_body(split: FrontMatter, fields: Fields, unsafe_html: bool) -> str:
    """The body as HTML; what Markdown cannot convert, or an embed it refuses, is a problem at its line.
    Template syntax of another generator is shown as written, with a warning at its line."""
    faults: tuple[EmbedProblem, ...] = ()
    body, leftovers = protect_leftovers(split.body)
    for leftover in leftovers:
        fields.problems.append(Problem(
            fields.source, split.body_line + leftover.line,
            f"{leftover.kind} `{leftover.text}` is not run here; shown as written",
            f"convert it by hand or with `ballerina-site import {'hugo' if 'Hugo' in leftover.kind else 'jekyll'}`",
            "warning"))
    split = replace(split, body=body)
    try:
        body_html, faults = render_markdown_checked(split.body, unsafe_html)
    except MarkupTooDeep as exc:
        fields.problems.append(Problem(fields.source, split.body_line + exc.line - 1, str(exc),
                                       "flatten the list or quote"))
        body_html = ""
    except RecursionError:
        fields.problems.append(Problem(fields.source, split.body_line, "the body is nested too deeply to convert",
                                       "flatten deeply nested lists or quotes"))
        body_html = ""
    body_lines = split.body.split("\n")
    for fault in faults:
        index = next((i for i, line in enumerate(body_lines) if line.rstrip() == fault.line_text.rstrip()), None)
        fields.problems.append(Problem(fields.source, split.body_line + index if index is not None
                                       else split.body_line, fault.message, fault.hint))
    return body_html


def read_body(split: FrontMatter, fields: Fields, config: SiteConfig) -> Body:
    """The body as HTML, its summary (``summary:``, else its first paragraph) and its word count."""
    body_html = render_body(split, fields, config.markdown.unsafe_html)
    if not split.body.strip():
        fields.problems.append(Problem(fields.source, split.body_line, "the article has no body text",
                                       level="warning"))
    summary = fields.text("summary")
    words = count_words(body_html)
    if not summary:
        return Body(body_html, first_paragraph(body_html), words)
    summary_html = inline_markdown(summary, config.markdown.unsafe_html) if _MARKDOWN_MARKS.search(summary) else ""
    return Body(body_html, plain_text(summary_html or summary), words, summary_html)


_MARKDOWN_MARKS = re.compile(r"[*_`\[]")
"""A summary without any of these reads the same as Markdown and as text: no need to convert it."""


def inline_markdown(text: str, unsafe_html: bool) -> str:
    """A one-paragraph text as inline HTML (``*confident*`` as ``<em>confident</em>``), without its ``<p>``."""
    html_text = render_markdown(" ".join(text.split()), unsafe_html).strip()
    if html_text.startswith("<p>") and html_text.endswith("</p>") and html_text.count("<p>") == 1:
        return html_text[3:-4]
    return ""  # more than a paragraph (a list, a heading): shown as text


def link_lines(body_html: str, body: str, body_line: int) -> tuple[tuple[str, int], ...]:
    """Local link targets with the file line where each is first written (the body line if not found)."""
    lines = body.split("\n")
    found = []
    for target in local_links(body_html):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "//")) or not target:
            continue
        index = next((i for i, text in enumerate(lines) if target in text), 0)
        found.append((target, body_line + index))
    return tuple(found)


def article_limit(config: SiteConfig) -> int:
    return config.max_article_mb * 1024 * 1024


def parse_settings(config: SiteConfig) -> tuple[object, ...]:
    """Every config value :func:`parse_article` reads: the build cache keys parsed articles on them,
    so keep this in step with parse_article (a value missing here would serve stale articles)."""
    return (config.timezone, str(config.zone), config.words_per_minute, config.author.name,
            config.markdown.unsafe_html, config.max_article_mb)


def decode(data: bytes, source: str) -> str | Problem:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        return Problem(source, line, f"not UTF-8 text (bad byte 0x{data[exc.start]:02x} at byte offset "
                                     f"{exc.start})", "save the file as UTF-8", column=column)


def read_data(path: Path, root: Path, limit: int = MAX_ARTICLE_BYTES) -> tuple[str, bytes | Parsed]:
    """The source name and the file's bytes, or the problem reading them (bigger than ``limit``
    bytes, unreadable)."""
    source = source_name(path, root)
    try:
        size = path.stat().st_size
        if size > limit:
            return source, Parsed(None, (Problem(source, None, f"file is {size / 1024 / 1024:.1f} MB; articles may "
                                                               f"be at most {limit / 1024 / 1024:g} MB",
                                                 "split it, move large data out of the article, or raise "
                                                 "`max_article_mb` in site.yaml"),))
        return source, path.read_bytes()
    except OSError as exc:
        return source, Parsed(None, (Problem(source, None, f"cannot read file: {exc.strerror}"),))


def parse_data(source: str, data: bytes, config: SiteConfig) -> Parsed:
    text = decode(data, source)
    if isinstance(text, Problem):
        return Parsed(None, (text,))
    return parse_article(source, text, config)


def read_source(path: Path, root: Path, config: SiteConfig) -> Parsed:
    source, data = read_data(path, root, article_limit(config))
    return data if isinstance(data, Parsed) else parse_data(source, data, config)
