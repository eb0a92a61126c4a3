"""Each article's share of its pages' fingerprints (fingerprints.py), kept between builds.

Hashing every article's fields was most of an edit's plan (37 µs an article: 0.4 s of CPU at 10,000
articles) though one article changed. An article's fields are those parsing gave it, which follow
from its parse key (its path, its bytes and the parse settings, under the store's version key: what
the parse records of articles.py are kept by), but for the fields the later stages replaced (its
share card, its pictures, a tag's label merged across articles ...). Which fields those are is
found, not listed: each field that is not the very object parsing gave counts in the *stamp* with
its value's repr, as in the fingerprint itself. An entry is taken while its stamp is the same.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any, Mapping

from ..core.model import Article
from .store import Store
from .template_reads import BASE_FIELDS, OPTIONAL_FIELDS, OPTIONAL_IN, digest

ARTICLE_PARTS = "article-parts"
FIELDS = tuple(field.name for field in dataclasses.fields(Article))
OPTIONAL_ORDER = tuple(name for name in FIELDS if name in OPTIONAL_FIELDS)
OPTIONAL_AT: Mapping[int, tuple[int, ...]] = MappingProxyType({  # by id of a field set, as OPTIONAL_IN
    key: tuple(OPTIONAL_ORDER.index(name) for name in names) for key, names in OPTIONAL_IN.items()})

Parts = tuple[bytes, tuple[bytes, ...]]  # the base fields' hash; each optional field's, in OPTIONAL_ORDER
AsParsed = Mapping[str, tuple[bytes, Article]]  # source -> its parse key and the article parsing gave


def encoded(value: Any) -> bytes:
    if type(value) is str:
        return b"s" + value.encode("utf-8", "surrogatepass")  # faster than repr()
    return b"r" + repr(value).encode("utf-8", "surrogatepass")


def made_parts(article: Article) -> Parts:
    fields_repr = repr(tuple(map(article.__getattribute__, BASE_FIELDS)))  # one C call: a third cheaper
    return digest(fields_repr.encode("utf-8", "surrogatepass")), \
        tuple(digest(encoded(getattr(article, name))) for name in OPTIONAL_ORDER)


class ArticleParts:
    """The parts of one build's articles: kept ones taken, the rest made (and kept by :meth:`save`)."""

    def __init__(self, store: Store, as_parsed: AsParsed):
        saved = store.load(ARTICLE_PARTS) if store.enabled and as_parsed else None
        self.kept: dict[str, Any] = saved if isinstance(saved, dict) else {}
        self.made: dict[str, tuple[bytes, bytes, tuple[bytes, ...]]] = {}  # source -> (stamp, *parts)
        self.as_parsed = as_parsed

    def parts(self, article: Article) -> Parts:
        stamp = self._stamp(article)
        if stamp is not None:
            entry = self.kept.get(article.source)
            if type(entry) is tuple and len(entry) == 3 and entry[0] == stamp and \
                    type(entry[2]) is tuple and len(entry[2]) == len(OPTIONAL_ORDER):
                return entry[1], entry[2]
        parts = made_parts(article)
        if stamp is not None:
            self.made[article.source] = (stamp, *parts)
        return parts

    def _stamp(self, article: Article) -> bytes | None:
        """What the article's fields follow from; None for one not kept as parsed (not encodable)."""
        found = self.as_parsed.get(article.source)
        if found is None:
            return None
        key, parsed = found
        if parsed is article:
            return key
        replaced = [name for name in FIELDS if getattr(article, name) is not getattr(parsed, name)]
        values = repr(tuple(map(article.__getattribute__, replaced)))
        return digest(key, ",".join(replaced).encode(), values.encode("utf-8", "surrogatepass"))

    def save(self, store: Store) -> None:
        """Keep the parts made (those of articles gone are dropped); nothing to do when none were."""
        if not self.made or not store.enabled:
            return
        present = self.as_parsed
        store.save(ARTICLE_PARTS, {source: entry for source, entry in {**self.kept, **self.made}.items()
                                   if source in present})
