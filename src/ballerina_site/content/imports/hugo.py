"""A Hugo site's content as our articles: YAML, TOML or JSON front matter, page bundles with their
images, Hugo's key names, shortcodes made Markdown, and each page's old URL (``url:``, the
``[permalinks]`` of the site's config, or Hugo's default) kept as an alias so it redirects.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date as Day
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ...core.dates import DateError, parse_date
from ...core.paths import resolve_alias, safe_site_path
from ...core.slugs import slugify
from ..fields import check_alias
from .assets import bundle_resources, collect_files, inside, rewrite_resources
from .body import hugo_body
from .common import Converted, Note, OldFile, author_names, byline, names, read_old, write_article
from .hugoconfig import lowered, read_config, read_languages, ugly_sections

SUFFIXES = (".md", ".markdown")
DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
USED = {"title", "date", "publishdate", "pubdate", "published", "expirydate", "unpublishdate", "lastmod", "modified",
        "draft", "tags", "categories", "category", "author", "authors", "summary", "description", "slug", "url",
        "aliases", "images", "layout", "type", "weight", "menu", "headless", "build", "_build", "cascade",
        "outputs", "markup", "linktitle", "keywords"}
SYNONYMS = {"publishdate": "publish_date", "pubdate": "publish_date", "published": "publish_date",
            "expirydate": "expiry_date", "unpublishdate": "expiry_date", "lastmod": "updated", "modified": "updated"}


def urlize(text: str) -> str:
    return slugify(text) or text.lower()


class HugoSite:
    """One language of an old Hugo site: its settings, its pages, each page's new path (so
    ``ref``/``relref`` resolve), and the pages of its other languages (left out)."""

    def __init__(self, src: Path, shown: str, lang: str | None = None):
        self.src, self.shown = src, shown
        self.config, self.config_problem = read_config(src)
        settings = lowered(self.config)
        self.languages = read_languages(self.config, src)
        self.lang = (lang or self.languages.default).lower()
        language = self.languages.known.get(self.lang)
        self.permalinks = language.permalinks if language else {}
        self.static = src / str(settings.get("staticdir") or "static")
        self.lower_paths = not settings.get("disablepathtolower", False)
        self.ugly = ugly_sections(settings.get("uglyurls"))
        self.pages: list[Path] = []
        self.others: dict[str | None, list[Path]] = {}  # by language (None: in no language's folder)
        for path in self.find_pages():
            code = self.languages.language_of(path)
            if code == self.lang and language is not None:
                self.pages.append(path)
            else:
                self.others.setdefault(code, []).append(path)
        self.by_key: dict[str, list[str]] = {}
        for path in self.pages:
            key = self.key(path)
            for name in {key, key.rsplit("/", 1)[-1]}:
                self.by_key.setdefault(name, []).append(self.target(path))

    def find_pages(self) -> list[Path]:
        found: dict[Path, None] = {}
        for root in self.languages.roots():
            if root.is_dir():
                found.update(dict.fromkeys(
                    path for path in sorted(root.rglob("*")) if path.suffix.lower() in SUFFIXES
                    and not path.name.startswith(("_", ".")) and inside(path, self.src)
                    and not any(part.startswith(".") for part in path.relative_to(root).parts)))
        return list(found)

    def key(self, path: Path) -> str:
        """``posts/my-post`` for ``posts/my-post.md``, ``posts/my-post.fr.md`` and the bundle
        ``posts/my-post/index.md``, under the content folder holding it."""
        root = self.languages.root_of(path)
        relative = (path.parent / self.languages.split_name(path.name)[0]).relative_to(root).with_suffix("")
        return (relative.parent if self.is_bundle(path) else relative).as_posix()

    def is_bundle(self, path: Path) -> bool:
        name = self.languages.split_name(path.name)[0]
        return name.rsplit(".", 1)[0] == "index" and path.parent != self.languages.root_of(path)

    def file_roots(self) -> list[tuple[Path, str]]:
        """Where the old site's files come from: ``static/``, and (files beside the pages, which Hugo
        publishes too) the content folder of this language and of the default one."""
        codes = dict.fromkeys([self.lang, self.languages.default])
        return [(self.static, ""), *((self.languages.known[code].content, self.languages.prefix(code))
                                     for code in codes if code in self.languages.known)]

    def target(self, path: Path) -> str:
        return self.key(path) + ".md"

    def resolve(self, kind: str, name: str) -> str | None:
        name = name.strip().strip("\"'").strip("/")
        for suffix in ("/index.md", "/_index.md", ".md", ".markdown"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        found = self.by_key.get(name, [])
        return "/" + found[0] if len(set(found)) == 1 else None

    def skipped(self) -> list[Note]:
        """One line per language left out (a site of ours is one language), and per folder of pages
        in no language's folder (Hugo does not build them)."""
        notes: list[Note] = []
        for code, paths in self.others.items():
            if code is None:
                folders = Counter(self.top_folder(path) for path in paths)
                notes += [Note("skipped", self.shown_path(folder), None, f"{pages(count)} in no language's "
                               "`contentDir` (Hugo does not build them)") for folder, count in sorted(folders.items())]
                continue
            roots = {self.languages.root_of(path) for path in paths}
            where = self.shown_path(roots.pop()) if len(roots) == 1 else self.shown
            notes.append(Note("skipped", where, None, f"{pages(len(paths))} in language `{code}`: this import is "
                              f"`{self.lang}`, and a site is one language (import them into another site with "
                              f"--lang {code})"))
        return notes

    def top_folder(self, path: Path) -> Path:
        """``content/fa`` for ``content/fa/docs/x.md``."""
        root = self.languages.root_of(path)
        return root / path.relative_to(root).parts[0]

    def shown_path(self, path: Path) -> str:
        return f"{self.shown}/{path.relative_to(self.src).as_posix()}" if path.is_relative_to(self.src) else str(path)

    def convert(self, path: Path) -> Converted:
        post = Converted(f"{self.shown}/{path.relative_to(self.src).as_posix()}", self.target(path), origin=path)
        old = read_old(post, path)
        if old is None:
            return post
        bundle = self.is_bundle(path)
        resource = bundle_resources(post, path.parent, self.key(path)) if bundle else (lambda ref: ref)
        meta = self.front_matter(post, path, old, resource)
        if meta is None:
            return post
        body = hugo_body(post, old.body, old.body_line, self.resolve, resource)
        if bundle:
            body = rewrite_resources(body, resource)
        collect_files(post, body + (f' src="{meta["image"]}"' if meta.get("image") else ""), self.file_roots())
        post.text = write_article(meta, body)
        return post

    def front_matter(self, post: Converted, path: Path, old: OldFile, resource: Any) -> dict[str, Any] | None:
        src_meta = {str(k).lower(): v for k, v in old.meta.items()}
        lines = {str(k).lower(): v for k, v in old.lines.items()}
        name = self.key(path).rsplit("/", 1)[-1]
        dated = DATED.match(name)
        title = src_meta.get("title")
        if not title or not str(title).strip():
            words = (dated.group(2) if dated else name).replace("-", " ").replace("_", " ")
            title = words[:1].upper() + words[1:]
            post.note("adjusted", 1, f"no `title`; made \"{title}\" from the file name")
        date = self.page_date(post, src_meta, lines, dated)
        if date is None:
            return None
        categories = names(src_meta.get("categories")) + names(src_meta.get("category"))
        meta: dict[str, Any] = {"title": str(title).strip(), "date": date, "slug": src_meta.get("slug"),
                                "category": categories[0] if categories else None,
                                "tags": list(dict.fromkeys(names(src_meta.get("tags")) + categories[1:]))}
        byline(meta, author_names(src_meta))
        summary = src_meta.get("summary") or src_meta.get("description")
        meta["summary"] = str(summary).strip() if summary else None
        images = names(src_meta.get("images")) if isinstance(src_meta.get("images"), list) else []
        if images and not src_meta.get("image"):
            meta["image"] = resource(images[0])
        elif src_meta.get("image"):
            meta["image"] = resource(str(src_meta["image"]))
        for key, ours in SYNONYMS.items():
            if src_meta.get(key) is not None and ours not in meta:
                meta[ours] = src_meta[key]
        if src_meta.get("draft") is True:
            meta["draft"] = True
        meta["aliases"] = self.aliases(post, path, src_meta, lines, date, title)
        meta.update({k: v for k, v in old.meta.items() if str(k).lower() not in USED and k not in meta
                     and str(k).lower() != "image"})
        return meta

    def page_date(self, post: Converted, meta: dict[str, Any], lines: dict[str, int], dated: re.Match[str] | None
                  ) -> Any:
        for key in ("date", "publishdate", "pubdate", "published", "lastmod"):
            if meta.get(key) is None:
                continue
            try:
                parse_date(meta[key], parse_zone())
            except DateError as exc:
                post.note("error", lines.get(key), f"`{key}`: {exc}")
                return None
            if key != "date":
                post.note("adjusted", lines.get(key), f"no `date`; dated by `{key}`")
            return meta[key]
        if dated:
            post.note("adjusted", 1, f"no `date`; dated {dated.group(1)} from the file name")
            return Day.fromisoformat(dated.group(1))
        post.note("error", 1, "no `date` (a page rather than a post?); left out")
        return None

    def aliases(self, post: Converted, path: Path, meta: dict[str, Any], lines: dict[str, int], date: Any,
                title: str) -> list[str]:
        """The page's old URL and its ``aliases`` as site paths, each as Hugo made it: in the
        language's folder (``/fr/...``), a relative alias against the folder of the page's URL."""
        prefix = self.languages.prefix(self.lang)
        url = self.page_url(path, meta, date, title)
        page = check_alias(url)
        section = self.key(path).split("/", 1)[0] if "/" in self.key(path) else ""
        found: list[str] = []
        for alias in [url, *(prefix + a if a.startswith("/") else a for a in names(meta.get("aliases")))]:
            checked = check_alias(alias)
            if isinstance(checked, str) and isinstance(page, str):
                resolved = resolve_alias(checked, page)
                found.append(safe_site_path(self.uglify(section, resolved) if found else resolved))
            else:
                problem = checked.message if not isinstance(checked, str) else "the page's own URL is not a path"
                post.note("human", lines.get("aliases") or lines.get("url") or 1,
                          f"old URL `{alias}` cannot redirect: {problem}")
        return list(dict.fromkeys(found))

    def page_url(self, path: Path, meta: dict[str, Any], date: Any, title: str) -> str:
        """``url:`` (in a multilingual site, one without a leading / is in the language's folder),
        else the URL Hugo gave the page."""
        prefix = self.languages.prefix(self.lang)
        written = str(meta.get("url") or "").strip()
        if written:
            return written if written.startswith("/") or "://" in written else \
                (prefix if len(self.languages.known) > 1 else "") + "/" + written
        return prefix + self.old_url(path, meta, date, title)

    def old_url(self, path: Path, meta: dict[str, Any], date: Any, title: str) -> str:
        key = self.key(path)
        section = key.split("/", 1)[0] if "/" in key else ""
        name = key.rsplit("/", 1)[-1]
        slug = str(meta.get("slug") or "")
        pattern = self.permalinks.get(section)
        if pattern is None:
            folder = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
            url = f"/{folder}{urlize(slug) if slug else name}/"
        else:
            when = parse_date(date, parse_zone()).value
            values = {"year": f"{when.year:04d}", "month": f"{when.month:02d}", "monthname": when.strftime("%B"),
                      "day": f"{when.day:02d}", "weekday": str(when.isoweekday() % 7),
                      "weekdayname": when.strftime("%A"), "yearday": str(when.timetuple().tm_yday),
                      "section": section, "sections": key.rsplit("/", 1)[0] if "/" in key else "",
                      "title": urlize(title), "slug": urlize(slug or title), "filename": name,
                      "contentbasename": name, "slugorfilename": urlize(slug) if slug else name,
                      "slugorcontentbasename": urlize(slug) if slug else name}
            url = re.sub(r":(" + "|".join(sorted(values, key=len, reverse=True)) + r")",
                         lambda m: values[m.group(1)], pattern)
        url = re.sub(r"/+", "/", "/" + url)
        url = self.uglify(section, url)
        return url.lower() if self.lower_paths else url

    def uglify(self, section: str, url: str) -> str:
        """In a section with ``uglyURLs``, Hugo publishes ``/a/b/`` as ``/a/b.html``."""
        if not self.ugly(section) or url.endswith(".html") or url == "/":
            return url
        return url.rstrip("/") + ".html"


def pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


def parse_zone() -> ZoneInfo:
    """Hugo reads a date without a zone in the site's ``timeZone``; the check only needs any zone."""
    return ZoneInfo("UTC")
