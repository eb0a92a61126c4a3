"""From parsed articles to the site model: what is published, tags, categories, Keep Reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Iterable, MutableMapping

from .authors import collect_authors
from ..core.config import Profile, SiteConfig
from ..core.errors import Problem
from ..core.model import Article, Change, Site
from .related import keep_reading_map
from .taxonomy import EMPTY_TAG_DATA, TagData, collect_terms, resolve_terms


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles this build shows: drafts and future-dated ones only when asked."""

    now: datetime
    drafts: bool = False
    future: bool = False
    expired: bool = False


def assemble_site(articles: Iterable[Article], config: SiteConfig, selection: Selection,
                  tag_data: TagData = EMPTY_TAG_DATA,
                  author_profiles: tuple[Profile, ...] = (),
                  related_memo: MutableMapping[str, object] | None = None) -> tuple[Site, list[Problem]]:
    """``related_memo``: see :func:`keep_reading_map` (the build keeps it in the build cache)."""
    published: list[Article] = []
    scheduled: list[Article] = []
    drafts: list[Article] = []
    expired: list[Article] = []
    now = selection.now
    for article in articles:
        if article.draft and not selection.drafts:
            drafts.append(article)
        elif article.goes_live > now and not selection.future:
            scheduled.append(article)
        elif article.expiry_date is not None and article.expiry_date <= now and not selection.expired:
            expired.append(article)
        else:
            published.append(article)
    published.sort(key=lambda a: a.sort_key)
    scheduled.sort(key=lambda a: (a.goes_live.timestamp(), a.source))
    expired.sort(key=lambda a: a.sort_key)
    upcoming = upcoming_changes(published, scheduled, now)

    published, tag_descriptions, problems = resolve_terms(published, "tag", tag_data)
    published, _, category_problems = resolve_terms(published, "category")
    problems += category_problems
    tags = collect_terms(published, "tag", tag_descriptions)
    categories = collect_terms(published, "category", {})
    related = keep_reading_map(published, tags, categories, config.keep_reading, config.related_window,
                                related_memo)
    authors, author_by_source, author_problems = collect_authors(published, config, author_profiles,
                                                                 config.authors_file)
    problems += author_problems
    site = Site(config=config, articles=tuple(published), tags=tags, categories=categories,
                related=MappingProxyType(related), scheduled=tuple(scheduled), drafts=tuple(drafts),
                expired=tuple(expired), upcoming=upcoming,
                authors=authors, authors_by_source=MappingProxyType(author_by_source))
    return site, problems


def upcoming_changes(published: Iterable[Article], scheduled: Iterable[Article],
                     now: datetime) -> tuple[Change, ...]:
    """Every future moment a rebuild would differ: scheduled articles going live, and expiry times
    of what is shown or will be. Drafts never count: they wait for an editor, not for the clock."""
    changes = [Change(a.goes_live, "publish", a) for a in scheduled if a.goes_live > now]
    changes += [Change(a.expiry_date, "expire", a) for a in (*published, *scheduled)
                if a.expiry_date is not None and a.expiry_date > now]
    return tuple(sorted(changes, key=lambda c: (c.at.timestamp(), c.event, c.article.source)))
