"""Keep Reading: related articles by a documented, deterministic score, through the term index.

score(a, b) = sum over tags shared by a and b of ln(1 + N / df(tag))
            + 0.5 * ln(1 + N / df(category))  if a and b share a category

where N is the number of articles and df the number that carry the tag or category, so a rare tag
weighs a lot and a tag on every article almost nothing. Ties go to the article nearest in time,
then the newer one, then the slug. Pinned articles (``related:``) come first, ``related_exclude:``
ones never; slots left over are filled with the newest other articles.

Cost: candidates come only from the article's own terms, and for a term carried by more than
``related_window`` articles only that many nearest in time are looked at, so the work per article
stays bounded however large the archive grows.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from dataclasses import dataclass
from typing import Iterable, MutableMapping, Sequence

from .model import Article, Label, Term

CATEGORY_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    article: Article
    shared_tags: tuple[tuple[Label, float], ...]
    category_score: float
    seconds_apart: float

    @property
    def score(self) -> float:
        return sum(weight for _, weight in self.shared_tags) + self.category_score

    @property
    def days_apart(self) -> float:
        return self.seconds_apart / 86400


class RelatedIndex:
    def __init__(self, articles: Sequence[Article], tags: Iterable[Term], categories: Iterable[Term],
                 window: int):
        self.articles = tuple(articles)
        self.by_slug: dict[str, Article] = {}
        for article in self.articles:
            self.by_slug.setdefault(article.slug, article)
        self.window = window
        total = max(1, len(self.articles))
        self.terms: dict[tuple[str, str], Term] = {}
        self.weight: dict[tuple[str, str], float] = {}
        self.position: dict[tuple[str, str], dict[int, int]] = {}
        for term in (*tags, *categories):
            key = (term.kind, term.slug)
            self.terms[key] = term
            base = math.log(1 + total / max(1, term.count))
            self.weight[key] = base if term.kind == "tag" else CATEGORY_WEIGHT * base
            self.position[key] = {id(a): i for i, a in enumerate(term.articles)}
        self.when: dict[int, float] = {id(a): a.date.timestamp() for a in self.articles}

    def _neighbours(self, key: tuple[str, str], article: Article) -> Sequence[Article]:
        members = self.terms[key].articles
        if self.window <= 0 or len(members) <= self.window:
            return members
        index = self.position[key].get(id(article), 0)
        start = max(0, min(index - self.window // 2, len(members) - self.window))
        return members[start:start + self.window]

    def candidates(self, article: Article) -> list[Candidate]:
        """Every article sharing a term with ``article`` (within the window), best first."""
        shared: dict[int, list[tuple[Label, float]]] = {}
        category_score: dict[int, float] = {}
        found: dict[int, Article] = {}
        for label in article.tags:
            key = ("tag", label.slug)
            for other in self._neighbours(key, article):
                if other is not article:
                    found[id(other)] = other
                    shared.setdefault(id(other), []).append((label, self.weight[key]))
        if article.category:
            key = ("category", article.category.slug)
            for other in self._neighbours(key, article):
                if other is not article:
                    found[id(other)] = other
                    category_score[id(other)] = self.weight[key]
        when = article.date.timestamp()
        result = [Candidate(other, tuple(shared.get(ident, ())), category_score.get(ident, 0.0),
                            abs(other.date.timestamp() - when))
                  for ident, other in found.items()]
        result.sort(key=lambda c: (-round(c.score, 9), c.seconds_apart, -c.article.date.timestamp(),
                                   c.article.slug, c.article.source))
        return result

    def _ranked(self, article: Article, need: int) -> tuple[list[Article], bool]:
        """The best ``need`` candidates in the order of :meth:`candidates` (same scores, same ties),
        without building every Candidate; the flag says whether more candidates exist."""
        scores: dict[int, float] = {}
        found: dict[int, Article] = {}
        get = scores.get
        for label in article.tags:
            key = ("tag", label.slug)
            weight = self.weight[key]
            for other in self._neighbours(key, article):
                ident = id(other)
                scores[ident] = get(ident, 0) + weight
                found[ident] = other
        if article.category:
            key = ("category", article.category.slug)
            weight = self.weight[key]
            for other in self._neighbours(key, article):
                ident = id(other)
                scores[ident] = get(ident, 0.0) + weight
                found[ident] = other
        scores.pop(id(article), None)
        rounded = {ident: round(score, 9) for ident, score in scores.items()}
        truncated = False
        if len(rounded) > need:
            threshold = heapq.nlargest(need, rounded.values())[-1]
            pool = [ident for ident, score in rounded.items() if score >= threshold]
            truncated = len(pool) < len(rounded)
        else:
            pool = list(rounded)
        when = self.when[id(article)]
        times = self.when

        def order(ident: int) -> tuple[float, float, float, str, str]:
            other = found[ident]
            return (-rounded[ident], abs(times[ident] - when), -times[ident], other.slug, other.source)

        pool.sort(key=order)
        return [found[ident] for ident in pool], truncated

    def keep_reading(self, article: Article, count: int) -> tuple[Article, ...]:
        if count <= 0:
            return ()
        excluded = set(article.related_exclude)
        chosen: list[Article] = []

        def take(other: Article | None) -> None:
            if (other is not None and other is not article and other.slug not in excluded
                    and other not in chosen and len(chosen) < count):
                chosen.append(other)

        for slug in article.related:
            take(self.by_slug.get(slug))
        if len(chosen) < count:
            ranked, truncated = self._ranked(article, count + len(article.related) + len(excluded) + 1)
            for other in ranked:
                if len(chosen) >= count:
                    break
                take(other)
            if len(chosen) < count and truncated:  # many exclusions: fall back to the full ranking
                for candidate in self.candidates(article):
                    if len(chosen) >= count:
                        break
                    take(candidate.article)
        for other in self.articles:  # newest first: the fallback when little relates
            if len(chosen) >= count:
                break
            take(other)
        return tuple(chosen)


def _related_key(articles: Sequence[Article], count: int, window: int) -> bytes:
    """Everything Keep Reading looks at: not titles or bodies, so editing text keeps the map."""
    hasher = hashlib.blake2b(repr((count, window)).encode(), digest_size=16)
    for a in articles:
        hasher.update(repr((a.source, a.slug, a.date.timestamp(), [t.slug for t in a.tags],
                            a.category.slug if a.category else None, a.related,
                            a.related_exclude)).encode())
    return hasher.digest()


def keep_reading_map(articles: Sequence[Article], tags: Iterable[Term], categories: Iterable[Term],
                     count: int, window: int,
                     memo: MutableMapping[str, object] | None = None) -> dict[str, tuple[Article, ...]]:
    """Keep Reading of every article. ``memo`` (a dict the caller keeps between builds) remembers the
    last answer by source path and reuses it when nothing Keep Reading looks at has changed."""
    key = _related_key(articles, count, window) if memo is not None else b""
    if memo is not None and memo.get("key") == key:
        by_source = {a.source: a for a in articles}
        saved = memo.get("map")
        try:
            return {a.source: tuple(by_source[s] for s in saved[a.source]) for a in articles}  # type: ignore[index]
        except (KeyError, TypeError):  # a memo of the wrong shape: work it out again
            pass
    index = RelatedIndex(articles, tags, categories, window)
    result = {article.source: index.keep_reading(article, count) for article in articles}
    if memo is not None:
        memo["key"] = key
        memo["map"] = {source: tuple(a.source for a in chosen) for source, chosen in result.items()}
    return result
