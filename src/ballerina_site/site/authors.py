"""Authors: who wrote what, with the details an editor gave in ``site.yaml`` or ``authors.yaml``.

An article's ``author:`` names a profile by its key (the slug) or by its name, ignoring case and
spacing; a name without a profile still gets a page, named as written. ``authors.yaml``::

    jane-doe:
      name: Jane Doe
      bio: Film critic covering action cinema.
      url: https://janedoe.example/
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..core.config import Profile, SiteConfig
from ..core.configload import parse_profiles
from ..core.errors import Problem, display_path
from ..core.model import Article, Person
from ..core.slugs import slugify, term_key
from ..core.sitefiles import read_site_text
from ..core.yamlload import YamlFailure, load_mapping


def load_author_file(root: Path, filename: str) -> tuple[tuple[Profile, ...], list[Problem]]:
    path = root / filename
    if not filename or not path.is_file():
        return (), []
    shown = display_path(path, root)
    text = read_site_text(path, root)
    if isinstance(text, Problem):
        return (), [text]
    loaded = load_mapping(text)
    if isinstance(loaded, YamlFailure):
        return (), [Problem(shown, loaded.line, loaded.message, loaded.hint, column=loaded.column)]
    problems: list[Problem] = []
    profiles = parse_profiles(loaded.data, "", shown, loaded.key_lines, problems)
    return profiles, problems


Filed = dict[str, tuple[Profile, str]]
"""Profiles by term key of their key and of their name, each with the file it is written in."""


def file_profiles_by_key(config: SiteConfig, file_profiles: tuple[Profile, ...],
                         file_name: str) -> tuple[Filed, list[Problem]]:
    """Every profile under its key and its name (ignoring case and spacing), and the default author;
    a profile reachable under a key another one already has is defined twice, an error."""
    problems: list[Problem] = []
    by_key: Filed = {}
    for profile, where in [(p, "site.yaml") for p in config.authors] + [(p, file_name) for p in file_profiles]:
        for key in {term_key(profile.key), term_key(profile.name)} - {""}:
            known = by_key.get(key)
            if known is not None and known[0] is not profile:
                problems.append(Problem(where, profile.line, f"author `{profile.key}` is defined twice "
                                                     f"(also as `{known[0].key}` in {known[1]})", "keep one entry"))
                break
            by_key[key] = (profile, where)
    default = config.author
    if default.name and term_key(default.name) not in by_key:
        by_key[term_key(default.name)] = (Profile(default.name, default.name, default.bio, default.url), "site.yaml")
    return by_key, problems


Byline = tuple[str, Profile | None, str]
"""An article's ``author:`` as shown (spaces tidied), the profile it names if any, and the page slug."""


def byline(author: str, by_key: Filed) -> Byline:
    name = " ".join(author.split())
    found = by_key.get(term_key(name)) if name else None
    profile = found[0] if found else None
    return name, profile, slugify(profile.key if profile else name) if name else ""


def collect_authors(articles: Iterable[Article], config: SiteConfig,
                    file_profiles: tuple[Profile, ...] = (),
                    file_name: str = "authors.yaml",
                    ) -> tuple[tuple[Person, ...], dict[str, tuple[Person, ...]], list[Problem]]:
    """One Person per author named by a published article; returns them by name, and each article's
    authors (in byline order) by its source.

    Spellings that differ only in case or spacing are one author, shown as the newest article spells it.
    """
    by_key, problems = file_profiles_by_key(config, file_profiles, file_name)
    persons: dict[str, Person] = {}
    written: dict[str, list[Article]] = {}
    by_source: dict[str, list[str]] = {}
    bylines: dict[str, Byline] = {}  # a few bylines across thousands of articles
    for article in articles:
        for author in article.authors:
            known = bylines.get(author)
            if known is None:
                known = bylines[author] = byline(author, by_key)
            name, profile, slug = known
            slugs = by_source.setdefault(article.source, [])
            if name and slug not in slugs and add_person(persons, article, name, profile, slug, file_name, problems):
                written.setdefault(slug, []).append(article)
                slugs.append(slug)
    finished = {slug: Person(p.slug, p.name, p.bio, p.url, p.image,
                             tuple(sorted(written[slug], key=lambda a: a.sort_key)))
                for slug, p in persons.items()}
    authors = tuple(sorted(finished.values(), key=lambda p: (p.name.casefold(), p.slug)))
    return authors, {source: tuple(finished[slug] for slug in slugs)
                     for source, slugs in by_source.items() if slugs}, problems


def add_person(persons: dict[str, Person], article: Article, name: str, profile: Profile | None, slug: str,
               file_name: str, problems: list[Problem]) -> bool:
    """File the article's author under ``slug`` (a new Person the first time); False, with a problem,
    when the name makes no URL or another author already has that page."""
    if not slug:
        problems.append(Problem(article.source, article.line_of("author") or article.line_of("authors"),
                                f"author `{name}` has no letters or digits to make a URL from",
                                "spell the name out or add a profile with a slug"))
        return False
    display = (profile.name or profile.key) if profile else name
    person = persons.get(slug)
    if person is None:
        persons[slug] = Person(slug, display, profile.bio if profile else "", profile.url if profile else "",
                               profile.image if profile else "")
    elif term_key(person.name) != term_key(display):
        problems.append(Problem(article.source, article.line_of("author") or article.line_of("authors"),
                                f"authors `{person.name}` and `{display}` would share the page "
                                f"/authors/{slug}/", f"add a profile for one of them in {file_name}"))
        return False
    return True
