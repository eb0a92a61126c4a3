"""A Hugo site's content as our articles: YAML, TOML or JSON front matter, page bundles with their
images, Hugo's key names, shortcodes made Markdown, and each page's old URL (``url:``, the
``[permalinks]`` of the site's config, or Hugo's default) kept as an alias so it redirects.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date as Day
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from ...core.dates import DateError, parse_date
from ...core.slugs import slugify
from ..fields import check_alias
from .assets import bundle_resources, collect_files, inside, rewrite_resources
from .body import hugo_body
from .common import Converted, OldFile, author_names, byline, names, split_old, write_article

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
SUFFIXES = (".md", ".markdown")
DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
USED = {"title", "date", "publishdate", "pubdate", "published", "expirydate", "unpublishdate", "lastmod", "modified",
        "draft", "tags", "categories", "category", "author", "authors", "summary", "description", "slug", "url",
        "aliases", "images", "layout", "type", "weight", "menu", "headless", "build", "_build", "cascade",
        "outputs", "markup", "linktitle", "keywords"}
SYNONYMS = {"publishdate": "publish_date", "pubdate": "publish_date", "published": "publish_date",
            "expirydate": "expiry_date", "unpublishdate": "expiry_date", "lastmod": "updated", "modified": "updated"}


def read_config(src: Path) -> tuple[dict[str, Any], str | None]:
    """The site's settings: ``hugo.toml`` (or ``config.*``) at the root, else in Hugo's configuration
    folder ``config/_default/``, where each other ``KEY.toml`` (``permalinks.toml``, ``params.toml``)
    holds the table of that key; files for one language or environment (``menu.en.toml``) are not read."""
    for folder in (src, src / "config" / "_default"):
        for name in CONFIG_NAMES:
            path = folder / name
            if not path.is_file():
                continue
            data, problem = _read_settings(path)
            if problem is not None:
                return {}, f"{path.relative_to(src)}: {problem}"
            if folder != src:
                _merge_key_files(folder, data)
            return data, None
    return {}, None


def _read_settings(path: Path) -> tuple[dict[str, Any], str | None]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else \
            json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        return {}, str(exc)
    return (data if isinstance(data, dict) else {}), None


def _merge_key_files(folder: Path, data: dict[str, Any]) -> None:
    """``config/_default/permalinks.toml`` is the ``[permalinks]`` table, and so on for every key."""
    for path in sorted(folder.iterdir()):
        key, dot, suffix = path.name.partition(".")
        if not dot or "." in suffix or path.name in CONFIG_NAMES or not path.is_file() or path.is_symlink() \
                or "." + suffix not in (".toml", ".yaml", ".yml", ".json"):
            continue
        table, problem = _read_settings(path)
        if problem is None and key not in data:
            data[key] = table


def urlize(text: str) -> str:
    return slugify(text) or text.lower()


class HugoSite:
    """One old Hugo site: its settings, and every page's new path (so ``ref``/``relref`` resolve)."""

    def __init__(self, src: Path, shown: str):
        self.src, self.shown = src, shown
        self.config, self.config_problem = read_config(src)
        lowered = {str(k).lower(): v for k, v in self.config.items()}
        self.content = src / str(lowered.get("contentdir") or "content")
        self.static = src / str(lowered.get("staticdir") or "static")
        permalinks = lowered.get("permalinks") or {}
        if isinstance(permalinks.get("page"), dict):  # Hugo 0.112+: [permalinks.page]
            permalinks = permalinks["page"]
        self.permalinks = {str(k): str(v) for k, v in permalinks.items() if isinstance(v, str)}
        self.lower_paths = not lowered.get("disablepathtolower", False)
        self.pages = self.find_pages()
        self.by_key: dict[str, list[str]] = {}
        for path in self.pages:
            key = self.key(path)
            for name in {key, key.rsplit("/", 1)[-1]}:
                self.by_key.setdefault(name, []).append(self.target(path))

    def find_pages(self) -> list[Path]:
        if not self.content.is_dir():
            return []
        return [path for path in sorted(self.content.rglob("*"))
                if path.suffix.lower() in SUFFIXES and not path.name.startswith(("_", ".")) and inside(path, self.src)
                and not any(part.startswith(".") for part in path.relative_to(self.content).parts)]

    def key(self, path: Path) -> str:
        """``posts/my-post`` for ``posts/my-post.md`` and for the bundle ``posts/my-post/index.md``."""
        relative = path.relative_to(self.content).with_suffix("")
        return (relative.parent if relative.name == "index" and len(relative.parts) > 1 else relative).as_posix()

    def target(self, path: Path) -> str:
        return self.key(path) + ".md"

    def resolve(self, kind: str, name: str) -> str | None:
        name = name.strip().strip("\"'").strip("/")
        for suffix in ("/index.md", "/_index.md", ".md", ".markdown"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        found = self.by_key.get(name, [])
        return "/" + found[0] if len(set(found)) == 1 else None

    def convert(self, path: Path) -> Converted:
        relative = path.relative_to(self.content).as_posix()
        post = Converted(f"{self.shown}/{path.relative_to(self.src).as_posix()}", self.target(path), origin=path)
        try:
            old = split_old(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            post.note("error", None, f"cannot read it: {exc}")
            return post
        if isinstance(old, tuple):
            post.note("error", old[0], old[1])
            return post
        bundle = path.stem == "index" and "/" in relative
        resource = bundle_resources(post, path.parent, self.key(path)) if bundle else (lambda ref: ref)
        meta = self.front_matter(post, path, old, resource)
        if meta is None:
            return post
        body = hugo_body(post, old.body, old.body_line, self.resolve, resource)
        if bundle:
            body = rewrite_resources(body, resource)
        collect_files(post, body + (f' src="{meta["image"]}"' if meta.get("image") else ""), self.static)
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
        url = str(meta["url"]) if meta.get("url") else self.old_url(path, meta, date, title)
        base = url.rsplit("/", 2)[0] + "/" if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
        found: list[str] = []
        for alias in [url, *names(meta.get("aliases"))]:
            alias = alias if alias.startswith("/") or "://" in alias else base + alias
            checked = check_alias(alias)
            if isinstance(checked, str):
                found.append(checked)
            else:
                post.note("human", lines.get("aliases") or lines.get("url") or 1,
                          f"old URL `{alias}` cannot redirect: {checked.message}")
        return list(dict.fromkeys(found))

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
        return url.lower() if self.lower_paths else url


def parse_zone() -> ZoneInfo:
    """Hugo reads a date without a zone in the site's ``timeZone``; the check only needs any zone."""
    return ZoneInfo("UTC")
