"""What a host needs to serve the site right, from the build's own data: :class:`HostRules`.

One build's redirects (from ``urls.lock`` and ``aliases``), fingerprinted assets, 404 page, base
path and precompression become the ``_redirects`` and ``_headers`` files that Netlify and Cloudflare
Pages read (here), and the nginx, Apache and Caddy snippets that ``deploy-config`` prints
(servers.py). A ``_redirects`` or ``_headers`` of the site's own in ``static/`` is merged after the
generated rules; a rule of its own that redirects a live page, itself, or an old URL the build
already redirects is an error naming its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Iterable

from ..core.errors import Problem

IMMUTABLE = "public, max-age=31536000, immutable"
"""Fingerprinted files: their bytes never change under a name, so browsers keep them for a year."""
SHORT = "public, max-age=300"
"""Everything else (pages, feeds, images under their own names): at most five minutes stale."""
FEED_TYPES = {"feed.xml": "application/atom+xml; charset=utf-8", "rss.xml": "application/rss+xml; charset=utf-8"}
"""Feeds by file name (every feed of the site is named so, see render/feeds.py)."""
EXTENSION_TYPES = {".xml": "application/xml; charset=utf-8", ".webp": "image/webp", ".avif": "image/avif"}
"""What servers' stock tables get wrong or lack (sitemaps as text/xml; AVIF on older servers)."""
COMPRESSED_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                    ".js": "text/javascript; charset=utf-8", ".xml": "application/xml; charset=utf-8",
                    ".json": "application/json", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8"}
"""The kinds of file precompressed (output/precompress.py), with the type each is served as."""
PACKED = (".pf_meta", ".pf_filter", ".pagefind")
"""Pagefind's files that are gzip already: they get a Brotli copy only (output/precompress.py), and
are served as they are to a client without Brotli."""
MERGED = ("_redirects", "_headers")
"""Generated files a site may also write in ``static/``: its own rules follow the generated ones."""


@dataclass(frozen=True, slots=True)
class HostRules:
    """Everything the host files and snippets say, as links (base path included)."""

    base_path: str  # "/" or "/news/"
    redirects: tuple[tuple[str, str], ...] = ()  # (old link, new link), sorted
    immutable: tuple[str, ...] = ()  # links of fingerprinted files, sorted
    not_found: str | None = None  # link of the 404 page
    precompressed: bool = False  # .br and .gz files beside the originals

    def to_plain(self) -> tuple[Any, ...]:
        return (self.base_path, [list(pair) for pair in self.redirects], list(self.immutable), self.not_found,
                self.precompressed)

    @classmethod
    def from_plain(cls, data: Any) -> HostRules:
        """Raises ValueError or TypeError for anything :meth:`to_plain` did not make."""
        base, redirects, immutable, not_found, precompressed = data
        rules = cls(str(base), tuple((str(a), str(b)) for a, b in redirects), tuple(map(str, immutable)),
                    None if not_found is None else str(not_found), bool(precompressed))
        if not rules.base_path.startswith("/"):
            raise ValueError("not a base path")
        return rules


def old_paths(old: str) -> tuple[str, ...]:
    """The request paths of an old URL: ``/a/b/`` is also asked for as ``/a/b/index.html``."""
    return (old, old + "index.html") if old.endswith("/") else (old,)


def redirects_file(rules: HostRules, own: bytes | None = None) -> bytes:
    """``_redirects`` (Netlify, Cloudflare Pages): ``from to 301`` per line, then the site's own file."""
    lines = ["# Made by ballerina-site from urls.lock and `aliases`."]
    lines += [f"{old} {new} 301" for old, new in rules.redirects]
    return _with_own("\n".join(lines) + "\n", own, "_redirects")


def headers_file(rules: HostRules, own: bytes | None = None) -> bytes:
    """``_headers`` (Netlify, Cloudflare Pages): a year of caching for fingerprinted files, the feeds'
    types. Pages keep the host's own short caching (both revalidate HTML on every visit)."""
    lines = ["# Made by ballerina-site: fingerprinted files never change, so browsers may keep them."]
    for link in rules.immutable:
        lines += [link, f"  Cache-Control: {IMMUTABLE}"]
    prefix = rules.base_path
    for name, kind in FEED_TYPES.items():
        for pattern in (f"{prefix}{name}", f"{prefix}*/{name}"):
            lines += [pattern, f"  Content-Type: {kind}"]
    return _with_own("\n".join(lines) + "\n", own, "_headers")


def _with_own(made: str, own: bytes | None, name: str) -> bytes:
    if own is None:
        return made.encode("utf-8")
    return made.encode("utf-8") + f"\n# From static/{name}\n".encode() + own + (b"" if own.endswith(b"\n") else b"\n")


def check_own_redirects(text: str, rules: HostRules, live: Collection[str]) -> list[Problem]:
    """A site's own ``static/_redirects``: each rule ``from to [status]``; one that redirects a live
    page or an old URL the build already redirects, or leads to itself or round in a loop, is an error."""
    shown = "static/_redirects"
    problems: list[Problem] = []
    generated = {path: new for old, new in rules.redirects for path in old_paths(old)}
    rules_by_source: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) < 2:
            problems.append(Problem(shown, number, "a rule needs a source and a target", "write `/old/ /new/ 301`"))
            continue
        source, target = parts[0], parts[1]
        if source in generated:
            problems.append(Problem(shown, number, f"{source} is already redirected to {generated[source]} "
                                                   "by urls.lock or `aliases`", "remove this line"))
        elif source in live or (source.endswith("/index.html") and source[:-10] in live):
            problems.append(Problem(shown, number, f"{source} is a live page of this site",
                                    "remove this line, or the page"))
        elif source == target:
            problems.append(Problem(shown, number, f"{source} redirects to itself", "remove this line"))
        rules_by_source.setdefault(source, (target, number))
    problems += _loops(rules_by_source, shown)
    return problems


def _loops(rules: dict[str, tuple[str, int]], shown: str) -> list[Problem]:
    """Rules that lead, one after another, back where they started (each loop named once)."""
    problems: list[Problem] = []
    reported: set[str] = set()
    for start in sorted(rules):
        if start in reported:
            continue
        seen = [start]
        target = rules[start][0]
        while target in rules and target not in seen:
            seen.append(target)
            target = rules[target][0]
        if target == start and len(seen) > 1:
            reported.update(seen)
            problems.append(Problem(shown, rules[start][1], f"redirect loop: {' -> '.join([*seen, start])}",
                                    "make one of these rules lead to a page"))
    return problems


def live_links(paths: Iterable[str], base_path: str) -> frozenset[str]:
    """The links of the site's pages and files (site paths with the base path)."""
    return frozenset(base_path + path.lstrip("/") for path in paths)
