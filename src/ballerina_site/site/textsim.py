"""Keep Reading for sparsely tagged archives: articles alike in their words, when tags and category
give too few candidates.

Each article is reduced to its ``TERMS`` most telling words, weighted

    w(a, t) = (1 + ln tf(a, t)) * ln(1 + N / df(t))

where tf counts the word in the title (x3), the summary (x2) and the first ``BODY_CHARS`` characters
of the body (x1), N is the number of articles and df the number whose words include t (a word of one
article only, or of more than half of them, tells nothing and is left out); the weights are then
scaled to unit length. score(a, b) = sum over words both keep of w(a, t) * w(b, t), a cosine
in [0, 1]. Ties go, as for tags, to the article nearest in time, then the newer, then slug and path.

Work per article is bounded: a fixed number of words, and for a word kept by more than ``WINDOW``
articles only that many nearest in time are looked at. Nothing is built unless an article needs it.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..core.model import Article

TERMS = 8  # words kept per article
WINDOW = 16  # articles looked at per word
BODY_CHARS = 1200  # of the body's HTML: the first paragraphs, the part that says what it is about
_TAG = re.compile(r"<[^>]*>|&\w+;|&#\d+;")
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True, slots=True)
class TextCandidate:
    """An article alike in words, for Keep Reading slots tags left empty."""

    article: Article
    score: float
    shared: tuple[tuple[str, float], ...]  # each word both keep, with its part of the score
    seconds_apart: float

    @property
    def days_apart(self) -> float:
        return self.seconds_apart / 86400


def words(article: Article) -> Counter[str]:
    """The article's words, counted with the title x3 and the summary x2."""
    counts = Counter(_WORD.findall(_TAG.sub(" ", article.body_html[:BODY_CHARS]).casefold()))
    for text, weight in ((article.title, 3), (article.summary, 2)):
        for word in _WORD.findall(text.casefold()):
            counts[word] += weight
    return counts


class TextIndex:
    """Every article's kept words and, per word, the articles keeping it (in article order)."""

    def __init__(self, articles: Sequence[Article], times: Sequence[float], tie_rank: Sequence[int]):
        self.articles, self.times, self.tie_rank = articles, times, tie_rank
        counted = [words(article) for article in articles]
        df: Counter[str] = Counter()
        for counts in counted:
            df.update(counts.keys())
        total = max(1, len(articles))
        idf = {w: math.log(1 + total / n) for w, n in df.items() if 1 < n <= total / 2}
        boost = [0.0] + [1 + math.log(tf) for tf in range(1, 64)]
        self.vectors: list[dict[str, float]] = []
        self.postings: dict[str, list[tuple[int, float]]] = {}  # word -> (article, its weight), in order
        for number, counts in enumerate(counted):
            weights = [(-(boost[tf] if tf < 64 else 1 + math.log(tf)) * idf[w], w)
                       for w, tf in counts.items() if w in idf]
            kept = [(w, -negative) for negative, w in heapq.nsmallest(TERMS, weights)]
            norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
            self.vectors.append({word: weight / norm for word, weight in kept})
            for word, weight in kept:
                self.postings.setdefault(word, []).append((number, weight / norm))
        self.place: dict[str, dict[int, int]] = {}

    def _near(self, word: str, number: int) -> list[tuple[int, float]]:
        """The articles keeping ``word`` with their weight: all, or the ``WINDOW`` nearest in article
        (time) order."""
        posting = self.postings[word]
        if len(posting) <= WINDOW:
            return posting
        places = self.place.get(word)
        if places is None:
            places = self.place[word] = {n: i for i, (n, _) in enumerate(posting)}
        index = places[number]
        start = max(0, min(index - WINDOW // 2, len(posting) - WINDOW))
        return posting[start:start + WINDOW]

    def scores(self, number: int) -> dict[int, float]:
        mine = self.vectors[number]
        found: dict[int, float] = {}
        get = found.get
        for word in sorted(mine):  # a fixed order: the float sums are the same on every run
            weight = mine[word]
            for other, theirs in self._near(word, number):
                found[other] = get(other, 0.0) + weight * theirs
        found.pop(number, None)
        return found

    def ranked(self, number: int, need: int | None = None) -> list[int]:
        """Other articles by score, best first, ties as for tags; with ``need``, only the best
        ``need`` (and any tied with the last), found without sorting them all."""
        found = self.scores(number)
        if need is not None and len(found) > need:
            floor = round(heapq.nlargest(need, found.values())[-1], 9)
            found = {n: score for n, score in found.items() if round(score, 9) >= floor}
        when, times, tie_rank = self.times[number], self.times, self.tie_rank
        return sorted(found, key=lambda n: (-round(found[n], 9), abs(times[n] - when), tie_rank[n]))

    def candidates(self, number: int) -> list[TextCandidate]:
        """:meth:`ranked` with each candidate's score and the words it shares, for ``related``."""
        found = self.scores(number)
        mine, when = self.vectors[number], self.times[number]
        return [TextCandidate(self.articles[n], found[n],
                              tuple(sorted(((w, mine[w] * self.vectors[n][w]) for w in mine if w in self.vectors[n]),
                                           key=lambda item: -item[1])),
                              abs(self.times[n] - when))
                for n in self.ranked(number)]
