"""The link checker: every internal link of a built site must land on a file it built.

It reads the output folder as a browser would see it once deployed at ``base_url``: each ``href``,
``src`` and ``srcset`` is resolved against its page's URL, and a link that stays on the site must
name a built file (``/x/`` means ``x/index.html``) and, with ``#id``, an element on that page.
Links to other hosts are not fetched (no network), but links to a development host (localhost),
to the site's own host with another scheme, or out of a sub-path deploy are reported: they work on
the editor's machine and break once published.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"href", "src", "srcset", "poster"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"}


@dataclass(frozen=True, slots=True)
class Link:
    """An internal link found in a built page, where it is written."""

    page: str  # output file relative to the output folder, e.g. 2025/06/01/x/index.html
    line: int
    target: str  # as written in the page


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link that leads nowhere in the output, and why, for the message."""

    link: Link
    reason: str
    source: str | None = None  # the content file the page was made from

    def __str__(self) -> str:
        origin = f" (from {self.source})" if self.source else ""
        return f"{self.link.page}:{self.link.line} -> {self.link.target}{origin}: {self.reason}"


@dataclass(frozen=True, slots=True)
class LinkReport:
    """What `check` found: how much it looked at, and every broken link."""

    pages: int
    links: int  # internal links checked
    broken: tuple[BrokenLink, ...]

    @property
    def ok(self) -> bool:
        return not self.broken


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset``, split as the HTML standard does: ``a.jpg 1x, b.jpg 2x`` -> both."""
    urls: list[str] = []
    position, end = 0, len(value)
    while position < end:
        while position < end and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < end and not value[position].isspace():
            position += 1
        url = value[start:position]
        if not url:
            break
        if url.endswith(","):
            urls.append(url.rstrip(","))
            continue
        urls.append(url)
        depth = 0  # skip the descriptors up to the next comma outside parentheses
        while position < end and (value[position] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[position], 0)
            position += 1
    return urls


class _PageParser(HTMLParser):
    """Collects the links and the fragment targets (``id``, ``<a name>``) of one page."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[Link] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in LINK_ATTRIBUTES:
                if tag == "link" and name == "href" and _is_hint_only(attrs):
                    continue
                values = srcset_urls(value) if name == "srcset" else [value.strip()]
                self.links.extend(Link(self.page, line, v) for v in values if v)

    handle_startendtag = handle_starttag


def _is_hint_only(attrs: list[tuple[str, str | None]]) -> bool:
    """``<link rel=preconnect|dns-prefetch>`` names a host, not a document."""
    rel = dict(attrs).get("rel") or ""
    return set(rel.lower().split()) <= {"preconnect", "dns-prefetch"} and bool(rel.strip())


@dataclass(frozen=True, slots=True)
class _Site:
    """Where the site is published, to tell its own absolute links from others."""

    scheme: str
    netloc: str  # host[:port], lower case
    base_path: str  # starts and ends with /

    @property
    def host(self) -> str:
        return urlsplit(f"//{self.netloc}").hostname or ""


def page_url(page: str) -> str:
    """The site path a file is served at: ``a/index.html`` -> ``/a/``, ``404.html`` -> ``/404.html``."""
    if page == "index.html" or page.endswith("/index.html"):
        return "/" + page[: -len("index.html")]
    return "/" + page


def _resolve(site: _Site, page: str, target: str) -> tuple[str | None, str, str | None]:
    """Where a link goes: (site path below the base path, fragment, what is wrong with it).

    A path of None with no reason is a link this checker does not follow (another site, mailto:).
    """
    parts = urlsplit(target)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    host = (parts.hostname or "").lower()
    if scheme and scheme not in ("http", "https"):
        if scheme == "file":
            return None, "", "points at a file on this computer"
        return None, "", None
    here = site.base_path + page_url(page).lstrip("/")
    if netloc:
        if host != site.host:
            if host in LOCAL_HOSTS or host.endswith(".localhost"):
                return None, "", f"points at a development host ({parts.netloc}), not the published site"
            return None, "", None
        if netloc != site.netloc:
            return None, "", f"points at {parts.netloc} but the site is published at {site.netloc}"
        if scheme and site.scheme and scheme != site.scheme:
            return None, "", f"uses {scheme}: but the site is published over {site.scheme}:"
        path = parts.path or "/"
    elif parts.path:
        path = parts.path if parts.path.startswith("/") else posixpath.join(posixpath.dirname(here), parts.path)
    else:
        path = here  # "#id" or "?q" on the same page
    normal = posixpath.normpath(path)
    normal = "/" + normal.lstrip("/")
    if path.endswith(("/", "/.", "/..")) and not normal.endswith("/"):
        normal += "/"
    if normal + "/" == site.base_path:
        normal = site.base_path
    if not normal.startswith(site.base_path):
        return None, "", (f"leaves the base path {site.base_path} the site is published at"
                          if site.base_path != "/" else "leaves the site")
    return unquote(normal[len(site.base_path) - 1:]), unquote(parts.fragment), None


def _output_file(files: set[str], site_path: str) -> str | None:
    """The built file a site path is served from, as a static server would pick it."""
    relative = site_path.lstrip("/")
    if site_path.endswith("/"):
        candidate = relative + "index.html"
        return candidate if candidate in files else None
    if relative in files:
        return relative
    if relative + "/index.html" in files:  # /a -> /a/ redirect by the server
        return relative + "/index.html"
    return None


def check_links(output: Path, base_url: str, sources: Mapping[str, str] | None = None) -> LinkReport:
    """Check every page under ``output``; ``sources`` maps a page file to its content file."""
    parts = urlsplit(base_url)
    base_path = "/" + (parts.path or "/").strip("/") + "/"
    site = _Site(parts.scheme.lower(), parts.netloc.lower(), base_path.replace("//", "/"))
    files = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    pages = sorted(f for f in files if f.endswith((".html", ".htm")))
    ids: dict[str, set[str]] = {}
    links: list[Link] = []
    for page in pages:
        parser = _PageParser(page)
        parser.feed((output / page).read_text(encoding="utf-8", errors="replace"))
        parser.close()
        ids[page] = parser.ids
        links += parser.links
    broken: list[BrokenLink] = []
    checked = 0
    sources = sources or {}
    for link in links:
        path, fragment, reason = _resolve(site, link.page, link.target)
        if reason is None and path is None:
            continue
        checked += 1
        if reason is None and path is not None:
            reason = _target_problem(files, ids, path, fragment)
        if reason:
            broken.append(BrokenLink(link, reason, sources.get(link.page)))
    return LinkReport(len(pages), checked, tuple(broken))


def _target_problem(files: set[str], ids: Mapping[str, set[str]], path: str, fragment: str) -> str | None:
    built = _output_file(files, path)
    if built is None:
        return "nothing was built at this address"
    if fragment and fragment != "top" and built in ids and fragment not in ids[built]:
        return f"no element with id=\"{fragment}\" on {page_url(built)}"
    return None


def page_sources(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``(site path, content file)`` pairs -> ``{output file: content file}`` for messages."""
    result = {}
    for path, source in pairs:
        result[path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/")] = source
    return result
