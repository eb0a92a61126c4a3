"""Reading ``site.yaml`` into a :class:`SiteConfig`, checked against the schema all at once.

The known keys, the types each accepts and the defaults come from the fields of the schema's
dataclasses (:mod:`.config`); the rules beyond types from :mod:`.configrules`. Every problem is
collected with its line and reported together: an editor fixes them in one go.
"""

from __future__ import annotations

import difflib
from dataclasses import Field, dataclass, fields
from pathlib import Path
from typing import Any, Callable

from .config import CONFIG_FILE, ImageOptions, Kinds, MenuItem, Profile, Promo, SiteConfig, section_keys
from .configrules import check_values
from .errors import Problem, SiteError, display_path
from .sitefiles import read_site_text
from .urlcheck import HINT as URL_HINT, url_problem
from .yamlload import YamlFailure, load_mapping

KEYS: dict[str, Field[Any]] = {spec.name: spec for spec in fields(SiteConfig)}
KIND_NAMES = {str: "text", int: "a whole number", dict: "a mapping", list: "a list", bool: "true/false",
              type(None): "empty"}


@dataclass(frozen=True, slots=True)
class Report:
    """Where the problems about one key go: its file and line, and the list every problem joins."""

    path: str
    line: int | None
    problems: list[Problem]

    def __call__(self, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, self.line, message, hint))


def suggest(key: str, known: list[str]) -> str | None:
    """A "did you mean" for a key one small typo away from a known one."""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return f"did you mean `{close[0]}`?" if close else None


def type_name(kind: Kinds) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(KIND_NAMES.get(k, k.__name__) for k in kinds)


def accepts(value: Any, kind: Kinds) -> bool:
    """Whether a YAML value has one of the kinds; YAML's true/false is not a number (Python's bool
    is an int)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


def check_section(value: Any, section: type, where: str, report: Report) -> dict[str, Any]:
    """The keys of a mapping-valued key that are known to ``section`` and of the right type, texts
    stripped; an empty value keeps the default."""
    if not isinstance(value, dict):
        report(f"`{where}` must be a mapping")
        return {}
    keys = section_keys(section)
    out: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = str(raw_key)
        kind = keys.get(key)
        if kind is None:
            report(f"unknown key `{where}.{key}`", suggest(key, list(keys)) or f"known keys: {', '.join(keys)}")
        elif item is None:
            continue
        elif not accepts(item, kind):
            report(f"`{where}.{key}` must be {type_name(kind)}")
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
        report = Report(path, key_lines.get(str(raw_key), default_line), problems)
        if entry is None:
            entry = {}
        if isinstance(entry, str):
            entry = {"bio": entry}
        if not isinstance(entry, dict):
            report(f"author `{key}` must map to name/bio/url/image")
            continue
        checked = check_section(entry, Profile, f"{where}.{key}" if where else key, report)
        for name in ("url", "image"):
            problem = url_problem(checked.get(name) or "", f"`{where + '.' if where else ''}{key}.{name}`")
            if problem is not None:
                report(problem, URL_HINT)
        profiles.append(Profile(key, **checked, line=report.line))
    return tuple(profiles)


def parse_promo(value: dict[str, Any] | bool | None, report: Report) -> Promo | None:
    """The sponsor block: a mapping, or false (or nothing) for none."""
    if value is None or value is False:
        return None
    if value is True:
        report("`promo` must be a mapping or false")
        return None
    return Promo(**check_section(value, Promo, "promo", report))


def parse_menu(value: list[Any], report: Report) -> tuple[MenuItem, ...]:
    items = []
    for item in value:
        checked = check_section(item, MenuItem, "menu[]", report)
        if checked:
            if "title" in checked and "url" in checked:
                items.append(MenuItem(checked["title"], checked["url"]))
            else:
                report("each `menu` item needs `title` and `url`")
    return tuple(items)


def parse_authors(value: dict[str, Any], report: Report) -> tuple[Profile, ...]:
    return parse_profiles(value, "authors", report.path, {}, report.problems, report.line)


def parse_images(value: dict[str, Any], report: Report) -> ImageOptions:
    """Lists become tuples (the config is frozen and hashed); their items are checked by the rules."""
    checked = check_section(value, ImageOptions, "images", report)
    for key in ("widths", "formats"):
        if key in checked:
            checked[key] = tuple(checked[key])
    return ImageOptions(**checked)


PARSERS: dict[str, Callable[[Any, Report], Any]] = {"promo": parse_promo, "menu": parse_menu,
                                                    "authors": parse_authors, "images": parse_images}
"""Keys whose value is more than one section of keys; every other section is checked the same way."""


def parse_value(spec: Field[Any], value: Any, report: Report) -> Any:
    """A type-checked value as :class:`SiteConfig` holds it."""
    parser = PARSERS.get(spec.name)
    if parser is not None:
        return parser(value, report)
    section = spec.metadata["section"]
    if section is not None:
        return section(**check_section(value, section, spec.name, report))
    return value.strip() if isinstance(value, str) and spec.metadata["strip"] else value


def parse_config(data: dict[str, Any], path: str = CONFIG_FILE,
                 key_lines: dict[str, int] | None = None) -> SiteConfig:
    """Validate a config mapping; raises :class:`SiteError` listing every problem."""
    lines = key_lines or {}
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        report = Report(path, lines.get(key), problems)
        spec = KEYS.get(key)
        if spec is None:
            report(f"unknown config key `{key}`", suggest(key, list(KEYS)) or "see the config reference in README.md")
        elif value is None and spec.default is not None:
            continue  # written without a value: the default
        elif not accepts(value, spec.metadata["accepts"]):
            report(f"`{key}` must be {type_name(spec.metadata['accepts'])}, not {type(value).__name__}")
        else:
            values[key] = parse_value(spec, value, report)

    def bad(key: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(path, lines.get(key), message, hint))

    check_values(values, bad)
    if problems:
        raise SiteError(problems)
    return SiteConfig(**values)


def load_config(root: Path) -> SiteConfig:
    """Read ``site.yaml`` from the site root; a missing file means all defaults."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig()
    shown = display_path(path, root)
    text = read_site_text(path, root)
    if isinstance(text, Problem):
        raise SiteError([text])
    loaded = load_mapping(text)
    if isinstance(loaded, YamlFailure):
        raise SiteError([Problem(shown, loaded.line, loaded.message, loaded.hint, column=loaded.column)])
    return parse_config(loaded.data, shown, loaded.key_lines)
