"""What each output file depends on, as one fingerprint: equal fingerprints mean equal bytes.

An incremental build renders a page only when its fingerprint differs from the one recorded when
the file now in the output was written (see outputs.py). A fingerprint hashes
  - the code (this package, Python, Jinja and Markdown versions) and the whole config;
  - the source of the page's template and of every template it extends, includes or imports, found
    in the parsed templates (a computed template name makes it depend on every template);
  - the page itself: path, kind, title, dates, feed links, and its context walked deeply. An article
    counts whole (every field, as assembled, and its author's profile); a tag, category or author as
    its profile and article count, or with every member article when a template mentions
    ``articles`` (the member list);
  - the parts of the ``site`` global its templates read, found in the parsed templates:
    ``site.tags``, ``site.categories``, ``site.authors`` as their profiles and counts,
    ``site.articles | length`` as a count, ``site.config`` not at all (it is already in), and any
    other use of ``site`` as the whole site.
A page whose context holds a value this module cannot walk gets no fingerprint and is always
rendered, so a new kind of page is correct before it is fast.

On pages other than an article's own, an article counts without the fields only its own page
shows (``body_html``, ``word_count``, ``links``, ``key_lines``), each unless the page's templates may
read it: they name it (as an attribute, or inside any string), or reach an attribute by a name made at
render time (``x[key]``, ``attr(name)``, ``map(attribute=name)``...) or a dunder. Printed whole, an
article shows none of them (its repr leaves them out), and the Python helpers that templates call
read them only for the article's own page. So editing an article's text re-renders its page and the
pages that show it in Keep Reading, not every listing it is on, while its summary, title, reading
time and the rest stay the same.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any

import jinja2

from ..render.feeds import Feed
from ..core.model import Article, Label, Person, Site, Term
from ..site.pages import Page
from .article_parts import OPTIONAL_AT, ArticleParts, AsParsed
from .store import Store
from .template_reads import (ALL_FIELDS, MEMBERS, OPTIONAL_NAMES, WHOLE_SITE, Templates, digest, field_names,
                             fields_shown, kept_reads)

_PROFILE_LISTS = ("tags", "categories", "authors")
_FREE = ("config",)  # in every fingerprint already
_WHOLE_ARTICLE_KINDS = frozenset({"article", "redirect"})


class Unwalkable(TypeError):
    """A context value with no known encoding: the page is rendered every time."""


_SHORT = 16  # longer lists are hashed once and remembered
_PLAIN = frozenset({type(None), int, float, bool, datetime, date, time, timedelta})
_EXACT = frozenset({str, int, bool, type(None), Label})  # == on these means the very same value


def _same(a: Any, b: Any) -> bool:
    """Same value for certain: the same object, or equal values of a type whose equality is exact
    (unlike datetimes, equal across zones, or mappings holding them, which must be the same object)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind in _EXACT:
        return a == b
    return kind is tuple and len(a) == len(b) and all(map(_same, a, b))


def _same_article(a: Article, b: Article, fields: tuple[str, ...]) -> bool:
    """In the live preview most articles come back as the very objects, or with fields rebuilt equal
    (merged tag labels): comparing them is ten times cheaper than hashing them again."""
    return a is b or all(map(_same, map(a.__getattribute__, fields), map(b.__getattribute__, fields)))


class Fingerprinter:
    """Fingerprints of one build's pages and feeds; memoised per article and term, so a site of
    10,000 articles is walked once."""

    def __init__(self, env: jinja2.Environment, site: Site, generator: str, store: Store, assets: bytes = b"",
                 as_parsed: AsParsed | None = None):
        """``assets``: the names of the fingerprinted static files, which every page may link;
        ``as_parsed``: the articles as parsing gave them, by source, with their parse keys."""
        self.site = site
        self.parts = ArticleParts(store, as_parsed or {})
        self.templates = Templates(env, kept_reads(store))
        self.base = digest(store.key.encode(), generator.encode(), repr(site.config).encode(), assets)
        # by source and the fields that count: (article, its profile, its token) as in the last build
        self.known: dict[tuple[str, int], tuple[Article, bytes, bytes]] = store.memo("article tokens")
        self._articles: dict[int, dict[int, bytes]] = {}  # by field set, by article
        self._profiles: dict[int, bytes] = {}
        self._bases: dict[int, tuple[bytes, tuple[bytes, ...]]] = {}  # by id: the site holds every article
        # for the whole build: its base (the fields every page counts, with its authors), its optional fields
        self._terms: dict[tuple[int, bool, int], bytes] = {}
        self._site_parts: dict[frozenset[str], bytes] = {}
        self._lists: dict[tuple[int, bool, int], tuple[Any, bytes]] = {}  # kept alive with their token
        self._feeds: dict[tuple[int, bool, int], tuple[Any, bytes]] = {}  # kept alive with their token

    # --- values ---------------------------------------------------------------------------------
    def article(self, article: Article, fields: tuple[str, ...] = ALL_FIELDS) -> bytes:
        """``fields``: those that count on the page (see :func:`fields_shown`)."""
        memo = self._articles.get(id(fields))  # field sets are interned: their ids suffice
        if memo is None:
            memo = self._articles[id(fields)] = {}
        token = memo.get(id(article))
        if token is None:
            token = memo[id(article)] = self._article_token(article, fields)
        return token

    def adopt(self, article: Article, token: bytes, fields: tuple[str, ...] = ALL_FIELDS) -> None:
        """``article``'s token as another process made it with this fingerprinter (see plan.py)."""
        self._articles.setdefault(id(fields), {})[id(article)] = token

    def _article_token(self, article: Article, fields: tuple[str, ...]) -> bytes:
        profile = b"".join(self._person_profile(person) for person in self.site.authors_of(article))
        known = self.known.get((article.source, id(fields)))
        if known is not None and known[1] == profile and _same_article(known[0], article, fields):
            return known[2]  # as in the last build of this process (the live preview)
        found = self._bases.get(id(article))
        if found is None:  # hashed once whatever a page counts (article_parts.py)
            fields_hash, optional = self.parts.parts(article)
            found = self._bases[id(article)] = (digest(b"B", fields_hash, profile), optional)
        base, optional = found
        token = digest(b"A", OPTIONAL_NAMES[id(fields)], base, *[optional[at] for at in OPTIONAL_AT[id(fields)]])
        self.known[(article.source, id(fields))] = (article, profile, token)
        return token

    def _person_profile(self, person: Person) -> bytes:
        found = self._profiles.get(id(person))
        if found is None:
            found = self._profiles[id(person)] = self._profile(person)
        return found

    @staticmethod
    def _profile(value: Term | Person) -> bytes:
        if isinstance(value, Term):
            return repr((value.label, value.description, value.count)).encode()
        return repr((value.slug, value.name, value.bio, value.url, value.image, value.count)).encode()

    def member_list(self, value: Term | Person, members: bool, fields: tuple[str, ...] = ALL_FIELDS) -> bytes:
        """A term or author as its profile, and with its members' contents when ``members``."""
        key = (id(value), members, id(fields))
        token = self._terms.get(key)
        if token is None:
            parts = [self._profile(value)]
            if members:
                parts += [self.article(article, fields) for article in value.articles]
            token = self._terms[key] = digest(b"T", *parts)
        return token

    def value(self, value: Any, members: bool, fields: tuple[str, ...] = ALL_FIELDS) -> bytes:
        """A self-delimiting encoding of ``value``: articles and terms as fixed-size hashes, the rest
        spelled out, so a page costs one hash however deep its context."""
        kind = type(value)
        if kind is str:
            data = value.encode()
            return b"s%d:" % len(data) + data
        if kind is Article:
            return b"A" + self.article(value, fields)
        if kind in _PLAIN:
            data = (kind.__name__ + repr(value)).encode()
            return b"r%d:" % len(data) + data
        if kind is tuple or kind is list:
            if len(value) <= _SHORT:
                return b"L%d:" % len(value) + self._values(value, members, fields)
            hit = self._lists.get((id(value), members, id(fields)))  # e.g. a listing's page paths, shared by its pages
            if hit is None or hit[0] is not value:
                token = b"H" + digest(self._values(value, members, fields))
                hit = self._lists[(id(value), members, id(fields))] = (value, token)
            return hit[1]
        if kind is Term or kind is Person:
            return b"T" + self.member_list(value, members, fields)
        if kind is dict or kind is MappingProxyType:
            return b"M%d:" % len(value) + self._values([part for pair in value.items() for part in pair],
                                                       members, fields)
        if isinstance(value, Site):
            return b"S" + self.site_part(frozenset({WHOLE_SITE}))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = field_names(kind)
            return b"D%d:" % len(names) + kind.__qualname__.encode() + b":" + \
                self._values([getattr(value, name) for name in names], members, fields)
        raise Unwalkable(kind.__name__)

    def _values(self, items: Any, members: bool, fields: tuple[str, ...]) -> bytes:
        """``value`` of each item, joined; the two commonest kinds (text, articles) inline, as this
        runs some 100,000 times per rebuild of a big site."""
        known = self._articles.get(id(fields)) or {}  # what self.article would look up first
        parts = []
        for item in items:
            kind = type(item)
            if kind is str:
                data = item.encode()
                parts.append(b"s%d:" % len(data) + data)
            elif kind is Article:
                parts.append(b"A" + (known.get(id(item)) or self.article(item, fields)))
            else:
                parts.append(self.value(item, members, fields))
        return b"".join(parts)

    def site_part(self, reads: frozenset[str]) -> bytes:
        """The parts of ``site`` that templates reading ``reads`` can see."""
        token = self._site_parts.get(reads)
        if token is not None:
            return token
        site = self.site
        members = MEMBERS in reads
        fields = fields_shown(reads)
        parts: list[bytes] = []
        for name in sorted(reads):
            if name in _FREE or name == MEMBERS or name.startswith("#fields:"):
                continue
            if name == "articles#len":
                parts.append(b"count%d" % len(site.articles))
            elif name in _PROFILE_LISTS:
                parts.append(name.encode() + digest(*(self.member_list(item, members, fields)
                                                  for item in getattr(site, name))))
            else:  # site.articles, site.months, site.related, site passed on whole ...
                parts.append(b"whole" + self._whole())
        token = self._site_parts[reads] = digest(*parts)
        return token

    def _whole(self) -> bytes:
        site = self.site
        related = [(source, [a.source for a in articles]) for source, articles in sorted(site.related.items())]
        return digest(b"S", *(self.article(a) for a in site.articles),
                  *(self.member_list(t, True) for t in (*site.tags, *site.categories, *site.authors)),
                  repr(related).encode(),
                  *(self.article(a) for a in (*site.scheduled, *site.drafts, *site.expired)),
                  repr([(c.at, c.event, c.article.source) for c in site.upcoming]).encode())

    # --- outputs --------------------------------------------------------------------------------
    def page(self, page: Page) -> bytes | None:
        """The page's fingerprint, or None when it must be rendered whatever happened before."""
        template, reads = self.templates.info(page.template)
        members = MEMBERS in reads
        # an article's own page (and its redirects) shows it whole: the helpers read more of it there
        fields = ALL_FIELDS if page.kind in _WHOLE_ARTICLE_KINDS else fields_shown(reads)
        try:
            key = (id(page.feeds), members, id(fields))  # one tuple shared by many pages (see plan_pages)
            hit = self._feeds.get(key)
            if hit is None or hit[0] is not page.feeds:
                hit = self._feeds[key] = (page.feeds, self.value(page.feeds, members, fields))
            head = self.value((page.path, page.template, page.kind, page.title, page.source, page.updated),
                              members, fields) + hit[1]
            context = page.context
            context = self.value(context if type(context) is dict else dict(context), members, fields)
        except Unwalkable:
            return None
        return digest(b"page", self.base, template, self.site_part(reads), head, context)

    def feed(self, feed: Feed, kind: str, now: datetime) -> bytes:
        """A feed shows its articles whole, with their authors; ``now`` dates only an empty feed."""
        head = repr((kind, feed.title, feed.subtitle, feed.key, feed.home, feed.atom, feed.rss)).encode()
        empty = b"" if feed.articles else repr(now).encode()
        return digest(b"feed", self.base, head, empty, *(self.article(a) for a in feed.articles))

