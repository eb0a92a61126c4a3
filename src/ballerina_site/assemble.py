"""From parsed articles to the site model: what is published, tags, categories, Keep Reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Iterable

from .authors import collect_authors
from .config import Profile, SiteConfig
from .errors import Problem
from .model import Article, Site
from .related import keep_reading_map
from .taxonomy import EMPTY_TAG_DATA, TagData, collect_terms, resolve_terms


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles this build shows: drafts and future-dated ones only when asked."""

    now: datetime
    drafts: bool = False
    future: bool = False


def assemble_site(articles: Iterable[Article], config: SiteConfig, selection: Selection,
                  tag_data: TagData = EMPTY_TAG_DATA,
                  author_profiles: tuple[Profile, ...] = ()) -> tuple[Site, list[Problem]]:
    published: list[Article] = []
    scheduled: list[Article] = []
    drafts: list[Article] = []
    for article in articles:
        if article.draft and not selection.drafts:
            drafts.append(article)
        elif article.date > selection.now and not selection.future:
            scheduled.append(article)
        else:
            published.append(article)
    published.sort(key=lambda a: a.sort_key)
    scheduled.sort(key=lambda a: a.date.timestamp())

    published, tag_descriptions, problems = resolve_terms(published, "tag", tag_data)
    published, _, category_problems = resolve_terms(published, "category")
    problems += category_problems
    tags = collect_terms(published, "tag", tag_descriptions)
    categories = collect_terms(published, "category", {})
    related = keep_reading_map(published, tags, categories, config.keep_reading, config.related_window)
    authors, author_by_source, author_problems = collect_authors(published, config, author_profiles,
                                                                 config.authors_file)
    problems += author_problems
    site = Site(config=config, articles=tuple(published), tags=tags, categories=categories,
                related=MappingProxyType(related), scheduled=tuple(scheduled), drafts=tuple(drafts),
                authors=authors, author_by_source=MappingProxyType(author_by_source))
    return site, problems
