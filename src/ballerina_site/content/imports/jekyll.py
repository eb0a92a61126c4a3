"""A Jekyll site's posts as our articles: ``_posts`` (and ``_drafts``) at any depth, dates from file
names, categories and tags in every form, Liquid made Markdown, and each post's old URL (from the
``permalink`` setting of ``_config.yml`` or the post) kept as an alias so it redirects.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...core.dates import DateError, parse_date
from ...core.yamlload import YamlFailure, load_mapping
from ..fields import check_alias
from .assets import collect_files, inside
from .body import jekyll_body
from .liquid import load_data
from .common import Converted, OldFile, author_names, byline, names, read_old, write_article

POST_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn", ".mdown")
SKIPPED = {"_site", ".git", "node_modules", "vendor", ".jekyll-cache", ".bundle", ".sass-cache"}
STYLES = {"date": "/:categories/:year/:month/:day/:title:output_ext",
          "pretty": "/:categories/:year/:month/:day/:title/",
          "ordinal": "/:categories/:year/:y_day/:title:output_ext",
          "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
          "none": "/:categories/:title:output_ext"}
DATED = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})-(.+)$")
USED = {"layout", "permalink", "published", "excerpt_separator", "date", "title", "categories", "category",
        "tags", "author", "authors", "excerpt", "description", "redirect_from", "slug"}


def read_config(src: Path) -> tuple[dict[str, Any], str | None]:
    """``_config.yml`` (or ``_config.yaml``), and what is wrong with it."""
    for name in ("_config.yml", "_config.yaml"):
        path = src / name
        if path.is_file():
            loaded = load_mapping(path.read_text(encoding="utf-8-sig"))
            if isinstance(loaded, YamlFailure):
                return {}, f"{name}:{loaded.line or 1}: {loaded.message}"
            return loaded.data, None
    return {}, None


def find_posts(src: Path) -> list[tuple[Path, bool]]:
    """Every post file under a ``_posts`` or ``_drafts`` folder (a draft: True), in a stable order."""
    found: list[tuple[Path, bool]] = []
    for folder in sorted(src.rglob("*")):
        if folder.name not in ("_posts", "_drafts") or not folder.is_dir() or folder.is_symlink():
            continue
        if any(part in SKIPPED for part in folder.relative_to(src).parts):
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in POST_SUFFIXES + (".html",) and inside(path, src):
                found.append((path, folder.name == "_drafts"))
    return found


class JekyllSite:
    """One old Jekyll site: its settings, and every post's new path (so links between them resolve)."""

    def __init__(self, src: Path, shown: str):
        self.src, self.shown = src, shown
        self.config, self.config_problem = read_config(src)
        self.posts = find_posts(src)
        self.targets = {path: self.target(path) for path, _ in self.posts}
        self.by_name: dict[str, list[str]] = {}
        self.by_path: dict[str, str] = {}
        for path, target in self.targets.items():
            self.by_name.setdefault(path.stem, []).append(target)
            self.by_path[path.relative_to(src).as_posix()] = target
        self.site_values = {**self.config, "data": load_data(src / "_data")}
        zone = self.config.get("timezone")
        try:
            self.zone = ZoneInfo(str(zone)) if zone else None
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = None

    def target(self, path: Path) -> str:
        """``en/news/_posts/2013-11-22-x.markdown`` -> ``en/news/2013-11-22-x.md`` under content/."""
        relative = path.relative_to(self.src).parts
        cut = max(i for i, part in enumerate(relative) if part in ("_posts", "_drafts"))
        folders = [part.lstrip("_.") for part in relative[:cut]] + [part.lstrip("_.") for part in relative[cut + 1:-1]]
        return "/".join([*[f for f in folders if f], path.stem + ".md"])

    def resolve(self, kind: str, name: str) -> str | None:
        name = name.strip().strip("\"'")
        if kind == "link":
            found = self.by_path.get(name.lstrip("/"))
            return "/" + found if found else None
        stem = name.rsplit("/", 1)[-1]
        found_all = self.by_name.get(stem, [])
        return "/" + found_all[0] if len(found_all) == 1 else None

    def path_categories(self, path: Path) -> list[str]:
        relative = path.relative_to(self.src).parts
        cut = max(i for i, part in enumerate(relative) if part in ("_posts", "_drafts"))
        return [part for part in relative[:cut] if part]

    def convert(self, path: Path, draft: bool) -> Converted:
        shown = f"{self.shown}/{path.relative_to(self.src).as_posix()}"
        post = Converted(shown, self.targets[path], origin=path)
        if path.suffix.lower() == ".html":
            post.note("error", 1, "an HTML post; only Markdown posts are converted (copy it over by hand)")
            return post
        old = read_old(post, path)
        if old is None:
            return post
        meta = self.front_matter(post, path, old, draft)
        if meta is None:
            return post
        context = {"site": self.site_values, "page": old.meta}
        body = jekyll_body(post, old.body, old.body_line, self.resolve, context)
        collect_files(post, body + " " + " ".join(f'src="{v}"' for v in meta.values() if isinstance(v, str)),
                      [(self.src, "")])
        post.text = write_article(meta, body)
        return post

    def front_matter(self, post: Converted, path: Path, old: OldFile, draft: bool) -> dict[str, Any] | None:
        src_meta, lines = old.meta, old.lines
        dated = DATED.match(path.stem)
        title = src_meta.get("title")
        if not title or not str(title).strip():
            words = (dated.group(2) if dated else path.stem).replace("-", " ").replace("_", " ")
            title = words[:1].upper() + words[1:]
            post.note("adjusted", 1, f"no `title`; made \"{title}\" from the file name")
        date = self.post_date(post, path, src_meta, lines, dated, draft)
        if date is None:
            return None
        categories = names(src_meta.get("category")) + names(src_meta.get("categories"))
        meta: dict[str, Any] = {"title": str(title).strip(), "date": date}
        if src_meta.get("slug"):
            meta["slug"] = src_meta["slug"]
        meta["category"] = categories[0] if categories else None
        tags = names(src_meta.get("tags"))
        meta["tags"] = list(dict.fromkeys(tags + categories[1:]))
        if isinstance(src_meta.get("tags"), str) and " " in src_meta["tags"] and "," not in src_meta["tags"]:
            post.note("adjusted", lines.get("tags"), "`tags` text split at spaces, as Jekyll does")
        byline(meta, author_names(src_meta))
        summary = src_meta.get("excerpt") or src_meta.get("description")
        meta["summary"] = str(summary).strip() if summary else None
        if draft or src_meta.get("published") is False:
            meta["draft"] = True
            post.note("adjusted", lines.get("published", 1), "a draft (unpublished in Jekyll): `draft: true`")
        meta["aliases"] = self.aliases(post, path, src_meta, lines, date, categories)
        meta.update({k: v for k, v in src_meta.items() if k not in USED and k not in meta})
        return meta

    def post_date(self, post: Converted, path: Path, meta: dict[str, Any], lines: dict[str, int],
                  dated: re.Match[str] | None, draft: bool) -> Any:
        zone = self.zone or ZoneInfo("UTC")
        if meta.get("date") is not None:
            try:
                parse_date(meta["date"], zone)
                return meta["date"]
            except DateError as exc:
                if not dated:
                    post.note("error", lines.get("date"), f"`date`: {exc}")
                    return None
                post.note("human", lines.get("date"), f"`date`: {exc}; dated {dated.group(1)} from the file name "
                                                      f"instead (check the time)")
        if dated:
            try:
                day = parse_date(dated.group(1), zone).value.date()
            except DateError as exc:
                post.note("error", 1, f"the date in the file name: {exc}")
                return None
            if meta.get("date") is None:
                post.note("adjusted", 1, f"no `date`; dated {day.isoformat()} from the file name")
            return day
        if draft:
            day = datetime.fromtimestamp(path.stat().st_mtime, zone).date()
            post.note("adjusted", 1, f"a draft without a date; dated {day.isoformat()} (when the file was last saved)")
            return day
        post.note("error", 1, "no `date` and no date in the file name")
        return None

    def aliases(self, post: Converted, path: Path, meta: dict[str, Any], lines: dict[str, int], date: Any,
                categories: list[str]) -> list[str]:
        """The post's old URL, and any ``redirect_from`` ones, as site paths."""
        collections = self.config.get("collections")
        posts = collections.get("posts") if isinstance(collections, dict) else None
        written = meta.get("permalink") or (posts.get("permalink") if isinstance(posts, dict) else None) \
            or self.config.get("permalink") or "date"
        pattern = STYLES.get(str(written), str(written))
        url = old_url(pattern, path, meta, date, self.zone, self.path_categories(path) + categories)
        found = []
        for alias in [url, *names(meta.get("redirect_from"))]:
            checked = check_alias(alias)
            if isinstance(checked, str):
                found.append(checked)
            else:
                post.note("human", lines.get("permalink") or 1, f"old URL `{alias}` cannot redirect: {checked.message}")
        return list(dict.fromkeys(found))


def old_url(pattern: str, path: Path, meta: dict[str, Any], date: Any, zone: ZoneInfo | None,
            categories: list[str]) -> str:
    """Where Jekyll published the post, by its ``permalink`` pattern."""
    when = parse_date(date, zone or ZoneInfo("UTC")).value  # read before: it parses
    if zone is not None:
        when = when.astimezone(zone)
    dated = DATED.match(path.stem)
    title = str(meta.get("slug") or (dated.group(2) if dated else path.stem))
    values = {
        "year": f"{when.year:04d}", "month": f"{when.month:02d}", "i_month": str(when.month),
        "day": f"{when.day:02d}", "i_day": str(when.day), "short_year": f"{when.year % 100:02d}",
        "hour": f"{when.hour:02d}", "minute": f"{when.minute:02d}", "second": f"{when.second:02d}",
        "title": title, "slug": re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"),
        "categories": "/".join(dict.fromkeys(c.lower() for c in categories)),
        "output_ext": ".html", "y_day": f"{when.timetuple().tm_yday:03d}",
        "short_month": when.strftime("%b"), "long_month": when.strftime("%B"),
        "week": f"{when.isocalendar()[1]:02d}", "short_day": when.strftime("%a"), "long_day": when.strftime("%A"),
    }
    url = re.sub(r":(" + "|".join(sorted(values, key=len, reverse=True)) + r")", lambda m: values[m.group(1)], pattern)
    url = re.sub(r"/+", "/", "/" + url)
    return url
