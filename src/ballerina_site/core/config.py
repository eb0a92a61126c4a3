"""The site configuration (``site.yaml``): one typed schema, checked all at once.

Every option is declared once in ``SCHEMA`` with its type, default and a line of documentation;
README's config reference is written from the same table.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Problem, SiteError, display_path
from .yamlload import YamlFailure, load_mapping

CONFIG_FILE = "site.yaml"
PERMALINK_FIELDS = ("year", "month", "day", "slug", "category")


@dataclass(frozen=True, slots=True)
class Option:
    type: type | tuple[type, ...]
    default: Any
    doc: str


SCHEMA: dict[str, Option] = {
    "title": Option(str, "News", "Site name, shown in the header and page titles."),
    "tagline": Option(str, "", "Short line under the site name."),
    "description": Option(str, "", "One or two sentences about the site (meta description of listings)."),
    "base_url": Option(str, "/", "Where the site is published, e.g. `https://example.org/ballerina/`. "
                                 "Its path is the prefix of every link."),
    "language": Option(str, "en", "Language of the content, as an HTML `lang` value."),
    "timezone": Option(str, "UTC", "IANA zone for dates written without one, e.g. `America/New_York`."),
    "page_size": Option(int, 10, "Articles per listing page (home, tags, categories)."),
    "permalink": Option(str, "/{year}/{month}/{day}/{slug}/",
                        "Article URL pattern; fields: {year} {month} {day} {slug} {category}."),
    "keep_reading": Option(int, 3, "How many related articles end each article (0 hides Keep Reading)."),
    "related_window": Option(int, 200, "For a tag on more articles than this, only this many nearest in "
                                       "time are scored (keeps Keep Reading fast on large archives)."),
    "date_format": Option(str, "%B %-d, %Y", "strftime pattern for dates shown to readers."),
    "time_format": Option(str, "%-I:%M %p %Z", "strftime pattern for times shown to readers."),
    "words_per_minute": Option(int, 230, "Reading speed used for the reading time."),
    "author": Option(dict, {}, "Default author: `name`, `url`, `bio`."),
    "promo": Option((dict, type(None), bool), None, "Sponsor block beside articles: `label`, `title`, "
                                                    "`subtitle`, `text`, `link_text`, `link_url`; false hides it."),
    "menu": Option(list, [], "Extra header links: a list of `{title, url}`."),
    "footer": Option(str, "", "Text shown in the footer."),
    "tags_file": Option(str, "tags.yaml", "Optional data file with tag names, aliases and descriptions "
                                          "(a path inside the site folder)."),
    "markdown": Option(dict, {}, "Markdown options: `unsafe_html` (default true) keeps raw HTML written in "
                                 "articles; false shows it as text and disables `javascript:` links."),
    "authors": Option(dict, {}, "Author profiles by slug: `name`, `bio`, `url`, `image` (see Authors)."),
    "authors_file": Option(str, "authors.yaml", "Optional data file with more author profiles, same shape "
                                                "as `authors`."),
    "image": Option(str, "", "Default share image (path or URL) for pages and articles without their own; "
                             "1200×630 PNG or JPEG works everywhere."),
    "image_alt": Option(str, "", "Text alternative of the default share image."),
    "logo": Option(str, "", "Publisher logo (path or URL) named in structured data."),
    "publisher": Option(str, "", "Publisher name in structured data and Google News (default: `title`)."),
    "twitter": Option(str, "", "The site's X/Twitter handle for `twitter:site`, e.g. `@ballerinanews`."),
    "feeds": Option(dict, {}, "Feeds: `entries` (newest N, default 20), `full_content` (default true; false "
                              "puts only the summary in feeds), `id_authority` (tag: URI authority, "
                              "default: the title as a slug)."),
    "sitemap": Option(dict, {}, "Sitemaps: `max_urls` per file (default and maximum 50000; more URLs make "
                                "`sitemap.xml` an index), `news` (true writes `news-sitemap.xml`), "
                                "`news_name` (default: `publisher`), `news_language` (default: `language`)."),
    "search": Option(bool, True, "Full-text search (Pagefind index, `/search/` page, header search box); "
                                 "false leaves all of it out."),
    "redirects": Option(dict, {}, "`strict` (true: a changed article URL fails the build unless the old one "
                                  "is in `aliases`) and `lock_file` (the record of published URLs, default "
                                  "`urls.lock`)."),
}

AUTHOR_KEYS = {"name": str, "url": str, "bio": str}
PROMO_KEYS = {"label": str, "title": str, "subtitle": str, "text": str, "link_text": str, "link_url": str}
MENU_KEYS = {"title": str, "url": str}
MARKDOWN_KEYS = {"unsafe_html": bool}


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    unsafe_html: bool = True


PROFILE_KEYS = {"name": str, "bio": str, "url": str, "image": str}
FEED_KEYS = {"entries": int, "full_content": bool, "id_authority": str}
SITEMAP_KEYS = {"max_urls": int, "news": bool, "news_name": str, "news_language": str}
SITEMAP_LIMIT = 50_000


REDIRECT_KEYS = {"strict": bool, "lock_file": str}


@dataclass(frozen=True, slots=True)
class Redirects:
    strict: bool = False
    lock_file: str = "urls.lock"


@dataclass(frozen=True, slots=True)
class Author:
    name: str = ""
    url: str = ""
    bio: str = ""


@dataclass(frozen=True, slots=True)
class Promo:
    label: str = ""
    title: str = ""
    subtitle: str = ""
    text: str = ""
    link_text: str = ""
    link_url: str = ""


@dataclass(frozen=True, slots=True)
class MenuItem:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Profile:
    """An author's details as the editor wrote them; ``key`` is the slug or name it is filed under."""

    key: str
    name: str = ""
    bio: str = ""
    url: str = ""
    image: str = ""
    line: int | None = None  # where it is written, for messages


@dataclass(frozen=True, slots=True)
class FeedOptions:
    entries: int = 20
    full_content: bool = True
    id_authority: str = ""  # empty: the site title as a slug


@dataclass(frozen=True, slots=True)
class SitemapOptions:
    max_urls: int = SITEMAP_LIMIT
    news: bool = False
    news_name: str = ""
    news_language: str = ""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str = "News"
    tagline: str = ""
    description: str = ""
    base_url: str = "/"
    language: str = "en"
    timezone: str = "UTC"
    page_size: int = 10
    permalink: str = "/{year}/{month}/{day}/{slug}/"
    keep_reading: int = 3
    related_window: int = 200
    date_format: str = "%B %-d, %Y"
    time_format: str = "%-I:%M %p %Z"
    words_per_minute: int = 230
    author: Author = field(default_factory=Author)
    promo: Promo | None = None
    menu: tuple[MenuItem, ...] = ()
    footer: str = ""
    tags_file: str = "tags.yaml"
    markdown: MarkdownOptions = field(default_factory=MarkdownOptions)
    authors: tuple[Profile, ...] = ()
    authors_file: str = "authors.yaml"
    image: str = ""
    image_alt: str = ""
    logo: str = ""
    publisher: str = ""
    twitter: str = ""
    feeds: FeedOptions = field(default_factory=FeedOptions)
    sitemap: SitemapOptions = field(default_factory=SitemapOptions)

    @property
    def publisher_name(self) -> str:
        return self.publisher or self.title
    search: bool = True
    redirects: Redirects = field(default_factory=Redirects)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, always starting and ending with ``/``."""
        path = urlsplit(self.base_url).path or "/"
        if not path.startswith("/"):
            path = "/" + path
        return path if path.endswith("/") else path + "/"

    @property
    def origin(self) -> str:
        """``scheme://host`` of ``base_url``, or empty when it is only a path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _suggest(key: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return f"did you mean `{close[0]}`?" if close else None


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "text", int: "a whole number", dict: "a mapping", list: "a list", bool: "true/false",
             type(None): "empty"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _check_section(value: Any, keys: dict[str, type], where: str, path: str, line: int | None,
                   problems: list[Problem]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(Problem(path, line, f"`{where}` must be a mapping"))
        return {}
    out: dict[str, str] = {}
    for key, item in value.items():
        key = str(key)
        if key not in keys:
            problems.append(Problem(path, line, f"unknown key `{where}.{key}`",
                                    _suggest(key, list(keys)) or f"known keys: {', '.join(keys)}"))
        elif item is None:
            continue
        elif not isinstance(item, keys[key]):
            problems.append(Problem(path, line, f"`{where}.{key}` must be {_type_name(keys[key])}"))
        else:
            out[key] = item.strip() if isinstance(item, str) else item
    return out


def _check_typed(value: Any, keys: dict[str, type], where: str, path: str, line: int | None,
                 problems: list[Problem]) -> dict[str, Any]:
    """Like ``_check_section`` but true/false is not a number, and text is not stripped of meaning."""
    if not isinstance(value, dict):
        problems.append(Problem(path, line, f"`{where}` must be a mapping"))
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        key = str(key)
        kind = keys.get(key)
        if kind is None:
            problems.append(Problem(path, line, f"unknown key `{where}.{key}`",
                                    _suggest(key, list(keys)) or f"known keys: {', '.join(keys)}"))
        elif item is None:
            continue
        elif (isinstance(item, bool) and kind is not bool) or not isinstance(item, kind):
            problems.append(Problem(path, line, f"`{where}.{key}` must be {_type_name(kind)}"))
        else:
            out[key] = item.strip() if isinstance(item, str) else item
    return out


def parse_profiles(data: Any, where: str, path: str, key_lines: dict[str, int],
                   problems: list[Problem], default_line: int | None = None) -> tuple[Profile, ...]:
    """Author profiles: ``slug-or-name: {name, bio, url, image}`` (a bare text is the bio)."""
    if not isinstance(data, dict):
        problems.append(Problem(path, default_line, f"`{where}` must be a mapping of author slugs to details"))
        return ()
    profiles = []
    for raw_key, entry in data.items():
        key = str(raw_key).strip()
        line = key_lines.get(str(raw_key), default_line)
        if entry is None:
            entry = {}
        if isinstance(entry, str):
            entry = {"bio": entry}
        if not isinstance(entry, dict):
            problems.append(Problem(path, line, f"author `{key}` must map to name/bio/url/image"))
            continue
        checked = _check_typed(entry, PROFILE_KEYS, f"{where}.{key}" if where else key, path, line, problems)
        profiles.append(Profile(key, **checked, line=line))
    return tuple(profiles)


def parse_config(data: dict[str, Any], path: str = CONFIG_FILE,
                 key_lines: dict[str, int] | None = None) -> SiteConfig:
    """Validate a config mapping; raises :class:`SiteError` listing every problem."""
    key_lines = key_lines or {}
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = key_lines.get(key)
        option = SCHEMA.get(key)
        if option is None:
            problems.append(Problem(path, line, f"unknown config key `{key}`",
                                    _suggest(key, list(SCHEMA)) or "see the config reference in README.md"))
            continue
        if value is None and option.default is not None and key != "promo":
            continue
        if isinstance(value, bool) and option.type is int or not isinstance(value, option.type):
            problems.append(Problem(path, line, f"`{key}` must be {_type_name(option.type)}, "
                                                f"not {type(value).__name__}"))
            continue
        if key == "author":
            values[key] = Author(**_check_section(value, AUTHOR_KEYS, key, path, line, problems))
        elif key == "markdown":
            values[key] = MarkdownOptions(**_check_section(value, MARKDOWN_KEYS, key, path, line, problems))
        elif key == "promo":
            if value in (None, False):
                values[key] = None
            elif value is True:
                problems.append(Problem(path, line, "`promo` must be a mapping or false"))
            else:
                values[key] = Promo(**_check_section(value, PROMO_KEYS, key, path, line, problems))
        elif key == "authors":
            values[key] = parse_profiles(value, "authors", path, {}, problems, line)
        elif key == "feeds":
            values[key] = FeedOptions(**_check_typed(value, FEED_KEYS, key, path, line, problems))
        elif key == "sitemap":
            values[key] = SitemapOptions(**_check_typed(value, SITEMAP_KEYS, key, path, line, problems))
        elif key == "redirects":
            values[key] = Redirects(**_check_section(value, REDIRECT_KEYS, key, path, line, problems))
        elif key == "menu":
            items = []
            for item in value:
                checked = _check_section(item, MENU_KEYS, "menu[]", path, line, problems)
                if checked:
                    if "title" in checked and "url" in checked:
                        items.append(MenuItem(checked["title"], checked["url"]))
                    else:
                        problems.append(Problem(path, line, "each `menu` item needs `title` and `url`"))
            values[key] = tuple(items)
        else:
            values[key] = value.strip() if isinstance(value, str) and key not in ("footer",) else value
    _check_values(values, path, key_lines, problems)
    if problems:
        raise SiteError(problems)
    return SiteConfig(**values)


def _check_values(values: dict[str, Any], path: str, key_lines: dict[str, int],
                  problems: list[Problem]) -> None:
    def bad(key: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(path, key_lines.get(key), message, hint))

    for key in ("page_size", "words_per_minute"):
        if key in values and values[key] < 1:
            bad(key, f"`{key}` must be at least 1")
    for key in ("keep_reading", "related_window"):
        if key in values and values[key] < 0:
            bad(key, f"`{key}` must not be negative")
    if "feeds" in values and values["feeds"].entries < 1:
        bad("feeds", "`feeds.entries` must be at least 1")
    if "feeds" in values and values["feeds"].id_authority and not re.fullmatch(
            r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:@[A-Za-z0-9.-]+)?", values["feeds"].id_authority):
        bad("feeds", f"`feeds.id_authority` must be a domain or e-mail address, not "
                     f"`{values['feeds'].id_authority}`", "e.g. example.org: set it once and never change it")
    if "sitemap" in values and not 1 <= values["sitemap"].max_urls <= SITEMAP_LIMIT:
        bad("sitemap", f"`sitemap.max_urls` must be between 1 and {SITEMAP_LIMIT}",
            "search engines read at most 50,000 URLs per sitemap file")
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"unknown time zone `{values['timezone']}`", "use an IANA name such as `Europe/Paris`")
    if "permalink" in values:
        pattern = values["permalink"]
        import string

        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
        except ValueError as exc:
            bad("permalink", f"`permalink` is not a valid pattern: {exc}")
            fields = []
        unknown = [name for name in fields if name not in PERMALINK_FIELDS]
        if unknown:
            bad("permalink", f"`permalink` has unknown field {{{unknown[0]}}}",
                f"fields: {', '.join('{' + f + '}' for f in PERMALINK_FIELDS)}")
        elif fields and "slug" not in fields:
            bad("permalink", "`permalink` must contain {slug}", "otherwise two articles would share one URL")
        else:
            from ..site.urls import UnsafePath, safe_site_path  # urls needs this module: import late

            try:
                safe_site_path(pattern.format(year="2025", month="01", day="01", slug="x", category="x"))
            except UnsafePath as exc:
                bad("permalink", f"`permalink` is not a safe URL path: {exc}",
                    "use plain words, `/` and fields such as {slug}; no `..`, `\\`, `:` or reserved names")
            except (ValueError, IndexError, KeyError) as exc:
                bad("permalink", f"`permalink` is not a valid pattern: {exc}")
    for key in ("tags_file", "authors_file"):
        if key not in values:
            continue
        name = values[key]
        parts = name.replace("\\", "/").split("/")
        if not name or name.startswith(("/", "\\")) or ".." in parts or ":" in name or "\x00" in name:
            bad(key, f"`{key}` must be a file inside the site folder, not `{name}`",
                f"e.g. {SCHEMA[key].default}")
    lock_file = values["redirects"].lock_file if "redirects" in values else ""
    if lock_file and (lock_file.startswith(("/", "\\")) or ".." in lock_file.replace("\\", "/").split("/")
                      or ":" in lock_file):
        bad("redirects", f"`redirects.lock_file` must be a file inside the site folder, not `{lock_file}`",
            "e.g. urls.lock")
    if "base_url" in values:
        parts = urlsplit(values["base_url"])
        if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
            bad("base_url", f"`base_url` must be an http(s) URL or a path, not `{values['base_url']}`",
                "e.g. https://example.org/ballerina/ or /")


def load_config(root: Path) -> SiteConfig:
    """Read ``site.yaml`` from the site root; a missing file means all defaults."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    shown = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SiteError([Problem(shown, None, f"not UTF-8 text (byte {exc.start})", "save it as UTF-8")]) from None
    loaded = load_mapping(text)
    if isinstance(loaded, YamlFailure):
        raise SiteError([Problem(shown, loaded.line, loaded.message, loaded.hint, column=loaded.column)])
    return parse_config(loaded.data, shown, loaded.key_lines)
