"""A Hugo site's settings, and its languages: which content file is in which language, and the URL
prefix of each.

The settings are ``hugo.toml`` (or ``config.*``) at the root, else in Hugo's configuration folder
``config/_default/``, where each other ``KEY.toml`` (``permalinks.toml``) holds the table of that key and
``languages.fr.toml`` the table of one language. A site of ours is one language, so one language of a multilingual Hugo site is imported at a time.
Hugo gives a file its language by the suffix of its name (``post.fr.md``, when ``fr`` is one of the
site's languages), else by the ``contentDir`` it sits in (``content/fr``); a language without a
``contentDir`` of its own reads the site's. A file in no language's folder is not built by Hugo.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import yaml

CONFIG_NAMES = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")
SETTINGS_SUFFIXES = (".toml", ".yaml", ".yml", ".json")


def read_config(src: Path) -> tuple[dict[str, Any], str | None]:
    """The site's settings, and what is wrong with them; files for one language's menu or params
    (``menu.en.toml``) and for other environments are not read."""
    for folder in (src, src / "config" / "_default"):
        for name in CONFIG_NAMES:
            path = folder / name
            if not path.is_file():
                continue
            data, problem = read_settings(path)
            if problem is not None:
                return {}, f"{path.relative_to(src)}: {problem}"
            if folder != src:
                merge_key_files(folder, data)
            return data, None
    return {}, None


def read_settings(path: Path) -> tuple[dict[str, Any], str | None]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else \
            json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        return {}, str(exc)
    return (data if isinstance(data, dict) else {}), None


def merge_key_files(folder: Path, data: dict[str, Any]) -> None:
    """``permalinks.toml`` is the ``[permalinks]`` table, ``languages.fr.toml`` the ``[languages.fr]``
    one, as Hugo reads its configuration folder."""
    for path in sorted(folder.iterdir()):
        key, _, rest = path.name.partition(".")
        code, _, suffix = rest.rpartition(".")
        if not rest or path.name in CONFIG_NAMES or not path.is_file() or path.is_symlink() \
                or "." + suffix not in SETTINGS_SUFFIXES or "." in code or (code and key != "languages"):
            continue
        table, problem = read_settings(path)
        if problem is not None:
            continue
        if code:  # one language's settings
            languages = data.setdefault("languages", {})
            if isinstance(languages, dict):
                known = languages.get(code)
                languages[code] = {**(known if isinstance(known, dict) else {}), **table}
        elif key not in data:
            data[key] = table


@dataclass(frozen=True, slots=True)
class Language:
    """One language of a Hugo site: where its posts are and how their URLs are made."""

    code: str  # lower case, as Hugo keys it
    content: Path  # its content folder
    permalinks: dict[str, str]  # its own [permalinks], over the site's


@dataclass(frozen=True, slots=True)
class Languages:
    """A Hugo site's languages, to import the default one and name the others."""

    default: str
    in_subdir: bool  # defaultContentLanguageInSubdir: the default language under /<code>/ too
    known: dict[str, Language]  # by code, in the order of their weight
    site_content: Path  # the site's contentDir

    def prefix(self, code: str) -> str:
        """``/fr`` for a language other than the default (and for the default one in a subdir)."""
        return f"/{code}" if code != self.default or self.in_subdir else ""

    def roots(self) -> list[Path]:
        """Every folder holding content: each language's, and the site's."""
        return list(dict.fromkeys([*(language.content for language in self.known.values()), self.site_content]))

    def root_of(self, path: Path) -> Path:
        """The deepest content folder holding ``path`` (they do not overlap, except the site's)."""
        holding = [root for root in self.roots() if path.is_relative_to(root)]
        return max(holding, key=lambda root: len(root.parts))

    def split_name(self, name: str) -> tuple[str, str | None]:
        """``trip.fr.md`` -> (``trip.md``, ``fr``) when ``fr`` is a language of the site."""
        stem, dot, suffix = name.rpartition(".")
        base, dot2, code = stem.rpartition(".")
        if dot and dot2 and base and code.lower() in self.known:
            return f"{base}.{suffix}", code.lower()
        return name, None

    def language_of(self, path: Path) -> str | None:
        """A file's language: by its name's suffix, else by its folder; None: in no language's folder."""
        by_name = self.split_name(path.name)[1]
        if by_name is not None:
            return by_name
        root = self.root_of(path)
        return next((code for code, language in self.known.items() if language.content == root), None)


def lowered(table: Any) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in table.items()} if isinstance(table, dict) else {}


def permalink_table(table: Any) -> dict[str, str]:
    """``[permalinks]``, or its ``page`` table (Hugo 0.112+), as section -> pattern."""
    if isinstance(table, dict) and isinstance(table.get("page"), dict):
        table = table["page"]
    return {str(k): str(v) for k, v in table.items() if isinstance(v, str)} if isinstance(table, dict) else {}


def read_languages(config: dict[str, Any], src: Path) -> Languages:
    """The languages of the site's settings (``[languages]``, ``defaultContentLanguage``,
    ``defaultContentLanguageInSubdir``); a site without them has one language, the default one."""
    settings = lowered(config)
    content = src / str(settings.get("contentdir") or "content")
    permalinks = permalink_table(settings.get("permalinks"))
    default = str(settings.get("defaultcontentlanguage") or "en").lower()
    tables = lowered(settings.get("languages"))
    ordered = sorted(tables.items(), key=lambda item: (weight(item[1]), item[0]))
    known: dict[str, Language] = {}
    for code, table in ordered:
        own = lowered(table)
        folder = src / str(own["contentdir"]) if own.get("contentdir") else content
        known[code.lower()] = Language(code.lower(), folder, {**permalinks, **permalink_table(own.get("permalinks"))})
    if default not in known:
        known[default] = Language(default, content, permalinks)
    return Languages(default, bool(settings.get("defaultcontentlanguageinsubdir")), known, content)


def weight(table: Any) -> int:
    value = lowered(table).get("weight")
    return value if isinstance(value, int) else 0


def ugly_sections(setting: Any) -> Callable[[str], bool]:
    """``uglyURLs = true`` (every section) or ``[uglyURLs] post = true`` (one section, Hugo 0.33+):
    whether a section's pages were published as ``x.html`` rather than ``x/``."""
    if isinstance(setting, dict):
        sections = {str(key).lower() for key, value in setting.items() if value is True}
        return lambda section: section.lower() in sections
    return lambda section: setting is True
