"""Keep Reading: related articles by a documented, deterministic score, through the term index.

score(a, b) = sum over tags shared by a and b of ln(1 + N / df(tag))
            + 0.5 * ln(1 + N / df(category))  if a and b share a category

where N is the number of articles and df the number that carry the tag or category, so a rare tag
weighs a lot and a tag on every article almost nothing. Scores are compared rounded to 9 decimals;
ties go to the article nearest in time, then the newer one, then the slug (then the source path).
Pinned articles (``related:``) come first, ``related_exclude:`` ones never; slots the terms leave
over are filled by text similarity (:mod:`.textsim`), and any still left with the newest articles.

Cost: candidates come only from the article's own terms, and for a term carried by more than
``related_window`` articles only that many nearest in time are looked at, so the candidates per
article stay bounded however large the archive grows. They are not scored one by one: a candidate's
score depends only on which of the article's terms it shares, so the ranking splits the candidates
into groups by that set of terms with whole-set operations on bit sets (one bit per article), sums
and rounds each group's score once, and sorts one by one only the members of the best groups.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Iterable, MutableMapping, Sequence

from ..core.model import Article, Label, Term
from .bitsets import bit_set, numbers, tied_levels
from .textsim import BODY_CHARS, TextIndex

CATEGORY_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article that may go in another's Keep Reading, with what makes it so."""

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
        # Each article as a small int (its place in ``articles``) and each term's members as a bit set
        # over those ints (a Python int), so that :meth:`ranked` works on whole sets at once.
        self.number: dict[int, int] = {}
        for number, article in enumerate(self.articles):
            self.number.setdefault(id(article), number)
        self.times: tuple[float, ...] = tuple(a.date.timestamp() for a in self.articles)
        # The ties after "seconds apart" (the newer, then the slug, then the source) as one int each.
        self.tie_rank: list[int] = [0] * len(self.articles)
        ordered = sorted(range(len(self.articles)),
                         key=lambda n: (-self.times[n], self.articles[n].slug, self.articles[n].source))
        for rank, number in enumerate(ordered):
            self.tie_rank[number] = rank
        self._text: TextIndex | None = None  # built the first time an article needs it
        self.terms: dict[tuple[str, str], Term] = {}
        self.weight: dict[tuple[str, str], float] = {}
        self.position: dict[tuple[str, str], dict[int, int]] = {}
        self.members: dict[tuple[str, str], tuple[int, ...]] = {}
        self.bits: dict[tuple[str, str], int] = {}
        self.increasing: dict[tuple[str, str], bool] = {}  # members in article order: a window is a range
        for term in (*tags, *categories):
            key = (term.kind, term.slug)
            self.terms[key] = term
            base = math.log(1 + total / max(1, term.count))
            self.weight[key] = base if term.kind == "tag" else CATEGORY_WEIGHT * base
            self.position[key] = {id(a): i for i, a in enumerate(term.articles)}
            members = tuple(self.number[id(a)] for a in term.articles)
            self.members[key] = members
            self.bits[key] = bit_set(members, len(self.articles))
            self.increasing[key] = all(x < y for x, y in zip(members, members[1:]))

    @property
    def text(self) -> TextIndex:
        """The text similarity index (built on first use: a well-tagged archive never needs it)."""
        if self._text is None:
            self._text = TextIndex(self.articles, self.times, self.tie_rank)
        return self._text

    @property
    def text_used(self) -> bool:
        return self._text is not None

    def _span(self, key: tuple[str, str], article: Article) -> tuple[int, int]:
        """Where the looked-at members of a term start and stop: all of them, or the window."""
        size = len(self.terms[key].articles)
        if self.window <= 0 or size <= self.window:
            return 0, size
        index = self.position[key].get(id(article), 0)
        start = max(0, min(index - self.window // 2, size - self.window))
        return start, start + self.window

    def _neighbours(self, key: tuple[str, str], article: Article) -> Sequence[Article]:
        start, stop = self._span(key, article)
        return self.terms[key].articles[start:stop]

    def _neighbour_bits(self, key: tuple[str, str], article: Article) -> int:
        """:meth:`_neighbours` as a bit set of article numbers."""
        start, stop = self._span(key, article)
        members = self.members[key]
        if start == 0 and stop == len(members):
            return self.bits[key]
        if self.increasing[key]:  # the window is every member numbered from its first to its last
            return self.bits[key] & ((1 << (members[stop - 1] + 1)) - (1 << members[start]))
        return bit_set(members[start:stop], len(self.articles))

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

    def ranked(self, article: Article, need: int) -> tuple[list[Article], bool]:
        """The best ``need`` candidates (and any tied with the last) in the order of :meth:`candidates`
        (same scores, same ties), without building every Candidate; the flag says whether more
        candidates exist.

        A candidate's score depends only on which of the article's terms it shares, so the candidates
        are split into groups by that set of terms (:meth:`groups`), each group's score summed once;
        groups are taken best score first until ``need`` candidates are in (:func:`tied_levels`), and
        only those are sorted one by one."""
        groups, score, seen = self.groups(article)
        levels, taken = tied_levels(groups, score, need)
        times = self.times
        when = times[self.number[id(article)]]
        tie_rank = self.tie_rank
        ranked: list[Article] = []
        for level in levels:
            pool = numbers(level)
            pool.sort(key=lambda n: (abs(times[n] - when), tie_rank[n]))
            ranked += [self.articles[n] for n in pool]
        return ranked, taken < seen.bit_count()

    def groups(self, article: Article) -> tuple[dict[int, int], dict[int, float], int]:
        """The candidates grouped by the set of the article's terms they share: a mask of shared terms
        -> the bit set of candidates sharing just those; each mask's score; and every candidate.

        Each term's members split every group met again with whole-set ``&`` and ``^``. A score adds
        the weights in the order :meth:`candidates` adds them (tags in the article's order, then the
        category), so it is the same float."""
        me = 1 << self.number[id(article)]
        keys = [("tag", label.slug) for label in article.tags]
        if article.category:
            keys.append(("category", article.category.slug))
        groups: dict[int, int] = {}
        score: dict[int, float] = {0: 0}
        seen = 0
        for i, key in enumerate(keys):
            bits = self._neighbour_bits(key, article)
            if bits & me:
                bits ^= me
            if not bits:
                continue
            bit, weight = 1 << i, self.weight[key]
            overlap = bits & seen
            if overlap:  # split every group met again into those with and those without this term
                for mask, group in list(groups.items()):
                    common = group & overlap
                    if common:
                        if common == group:
                            del groups[mask]
                        else:
                            groups[mask] = group ^ common
                        groups[mask | bit] = common
                        score[mask | bit] = score[mask] + weight
            if bits != overlap:
                groups[bit] = bits ^ overlap
                score[bit] = score[0] + weight
            seen |= bits
        return groups, score, seen

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
            ranked, truncated = self.ranked(article, count + len(article.related) + len(excluded) + 1)
            for other in ranked:
                if len(chosen) >= count:
                    break
                take(other)
            if len(chosen) < count and truncated:  # many exclusions: fall back to the full ranking
                for candidate in self.candidates(article):
                    if len(chosen) >= count:
                        break
                    take(candidate.article)
        if len(chosen) < count and len(self.articles) > 1:  # too few share a term: alike in words
            number = self.number[id(article)]
            need = 2 * count + len(article.related) + len(excluded)  # enough, whatever is taken already
            ranked_text = self.text.ranked(number, need)
            if len(ranked_text) >= need and sum(self.articles[n] not in chosen and self.articles[n].slug
                                                not in excluded for n in ranked_text) < count - len(chosen):
                ranked_text = self.text.ranked(number)  # too many of them taken or excluded: all of them
            for other in ranked_text:
                if len(chosen) >= count:
                    break
                take(self.articles[other])
        for other in self.articles:  # newest first: the fallback when little relates
            if len(chosen) >= count:
                break
            take(other)
        return tuple(chosen)


def _related_key(articles: Sequence[Article], count: int, window: int) -> bytes:
    """Everything Keep Reading looks at through terms: not titles or bodies, so editing text keeps the
    map, unless text similarity was needed (:func:`_with_text`)."""
    hasher = hashlib.blake2b(repr((count, window)).encode(), digest_size=16)
    for a in articles:
        hasher.update(repr((a.source, a.slug, a.date.timestamp(), [t.slug for t in a.tags],
                            a.category.slug if a.category else None, a.related,
                            a.related_exclude)).encode())
    return hasher.digest()


def _with_text(key: bytes, articles: Sequence[Article]) -> bytes:
    """The key when text similarity filled some slots: then the words it read count too."""
    hasher = hashlib.blake2b(key, digest_size=16)
    for a in articles:
        hasher.update(repr((a.title, a.summary, a.body_html[:BODY_CHARS])).encode())
    return hasher.digest()


def keep_reading_map(articles: Sequence[Article], tags: Iterable[Term], categories: Iterable[Term],
                     count: int, window: int,
                     memo: MutableMapping[str, object] | None = None) -> dict[str, tuple[Article, ...]]:
    """Keep Reading of every article. ``memo`` (a dict the caller keeps between builds) remembers the
    last answer by source path and reuses it when nothing Keep Reading looks at has changed."""
    structure = _related_key(articles, count, window) if memo is not None else b""
    key = _with_text(structure, articles) if memo is not None and memo.get("text") else structure
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
        memo["text"] = index.text_used
        memo["key"] = _with_text(structure, articles) if index.text_used else structure
        memo["map"] = {source: tuple(a.source for a in chosen) for source, chosen in result.items()}
    return result
