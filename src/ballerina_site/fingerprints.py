"""What each output file depends on, as one fingerprint: equal fingerprints mean equal bytes.

An incremental build renders a page only when its fingerprint differs from the one recorded when
the file now in the output was written (see incremental.py). A fingerprint hashes
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
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime, time, timedelta
from importlib import metadata
from types import MappingProxyType
from typing import Any

import jinja2
from jinja2 import meta, nodes

from .feeds import Feed
from .model import Article, Label, Person, Site, Term
from .pages import Page
from .parsing import code_stamp

WHOLE_SITE = "*"
MEMBERS = "#members"  # a template mentions ``articles``: terms and authors count with their members
_PROFILE_LISTS = ("tags", "categories", "authors")
_FREE = ("config",)  # in every fingerprint already


class Unwalkable(TypeError):
    """A context value with no known encoding: the page is rendered every time."""


def _h(*parts: bytes) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(b"%d:" % len(part))
        hasher.update(part)
    return hasher.digest()


def _is_site_attr(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "site"


def site_reads(tree: nodes.Template) -> frozenset[str]:
    """Which ``site.<name>`` a template reads (``articles#len`` for a count), ``*`` for any other use
    of ``site``, and ``#members`` when it mentions ``articles`` on anything."""
    found: set[str] = set()

    def visit(node: nodes.Node) -> None:
        if (isinstance(node, nodes.Getattr) and node.attr == "articles") or \
                (isinstance(node, nodes.Const) and node.value == "articles"):
            found.add(MEMBERS)
        if isinstance(node, nodes.Filter) and node.name in ("length", "count") and node.node is not None \
                and _is_site_attr(node.node) and node.node.attr == "articles":  # type: ignore[attr-defined]
            found.add("articles#len")
            return
        if _is_site_attr(node):
            found.add(node.attr)  # type: ignore[attr-defined]
            if node.attr == "articles":  # type: ignore[attr-defined]
                found.add(MEMBERS)
            return
        if isinstance(node, nodes.Name) and node.name == "site":
            found.add(WHOLE_SITE)
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return frozenset(found)


_PARSED: dict[bytes, tuple[frozenset[str] | None, frozenset[str]]] = {}  # by a hash of the source


class Templates:
    """Per template: a hash of its source and of everything it pulls in, and the site parts they read."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._own: dict[str, tuple[bytes, frozenset[str] | None, frozenset[str]]] = {}
        self._closure: dict[str, tuple[bytes, frozenset[str]]] = {}

    def _read(self, name: str) -> tuple[bytes, frozenset[str] | None, frozenset[str]]:
        if name not in self._own:
            try:
                source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                self._own[name] = (b"missing", frozenset(), frozenset())
                return self._own[name]
            own = _h(b"t", source.encode("utf-8"))
            known = _PARSED.get(own)  # the live preview parses each template once per edit, not per build
            if known is None:
                try:
                    tree = self.env.parse(source)
                    refs = list(meta.find_referenced_templates(tree))
                    pulled = None if any(ref is None for ref in refs) else frozenset(refs)  # None: any
                    reads = site_reads(tree)
                except jinja2.TemplateSyntaxError:
                    pulled, reads = frozenset(), frozenset({WHOLE_SITE})
                known = _PARSED[own] = (pulled, reads)
            self._own[name] = (own, *known)
        return self._own[name]

    def info(self, name: str) -> tuple[bytes, frozenset[str]]:
        """(hash of the template and all it uses, site parts read by any of them)."""
        if name in self._closure:
            return self._closure[name]
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            pulled = self._read(current)[1]
            if pulled is None:
                seen |= set(self.env.list_templates())
                break
            todo.extend(pulled)
        parts: list[bytes] = []
        reads: set[str] = set()
        for current in sorted(seen):
            own, _, current_reads = self._read(current)
            parts += [current.encode(), own]
            reads |= current_reads
        self._closure[name] = (_h(*parts), frozenset(reads))
        return self._closure[name]


def _versions() -> bytes:
    found = []
    for name in ("jinja2", "markupsafe"):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ";".join(found).encode()


_SHORT = 16  # longer lists are hashed once and remembered
_PLAIN = frozenset({type(None), int, float, bool, datetime, date, time, timedelta})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


_KNOWN_ARTICLES: dict[str, tuple[Article, bytes, bytes]] = {}  # by source: article, its profile, its token
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


def _same_article(a: Article, b: Article) -> bool:
    """In the live preview most articles come back as the very objects, or with fields rebuilt equal
    (merged tag labels): comparing them is ten times cheaper than hashing them again."""
    return a is b or all(map(_same, map(a.__getattribute__, _field_names(Article)),
                             map(b.__getattribute__, _field_names(Article))))


class Fingerprinter:
    """Fingerprints of one build's pages and feeds; memoised per article and term, so a site of
    10,000 articles is walked once."""

    def __init__(self, env: jinja2.Environment, site: Site, generator: str):
        self.site = site
        self.templates = Templates(env)
        self.base = _h(code_stamp(), _versions(), generator.encode(), repr(site.config).encode())
        self._articles: dict[int, bytes] = {}
        self._terms: dict[tuple[int, bool], bytes] = {}
        self._site_parts: dict[frozenset[str], bytes] = {}
        self._lists: dict[tuple[int, bool], tuple[Any, bytes]] = {}  # kept alive with their token
        self._feeds: dict[tuple[Any, ...], bytes] = {}

    # --- values ---------------------------------------------------------------------------------
    def article(self, article: Article) -> bytes:
        token = self._articles.get(id(article))
        if token is None:
            person = self.site.author_of(article)
            profile = self._profile(person) if person else b""
            known = _KNOWN_ARTICLES.get(article.source)
            if known is not None and known[1] == profile and _same_article(known[0], article):
                token = known[2]  # as in the last build of this process (the live preview)
            else:
                values = map(article.__getattribute__, _field_names(Article))
                fields = [b"s" + value.encode("utf-8", "surrogatepass") if type(value) is str  # faster than repr()
                          else b"r" + repr(value).encode() for value in values]
                token = _h(b"A", *fields, profile)
                _KNOWN_ARTICLES[article.source] = (article, profile, token)
            self._articles[id(article)] = token
        return token

    @staticmethod
    def _profile(value: Term | Person) -> bytes:
        if isinstance(value, Term):
            return repr((value.label, value.description, value.count)).encode()
        return repr((value.slug, value.name, value.bio, value.url, value.image, value.count)).encode()

    def member_list(self, value: Term | Person, members: bool) -> bytes:
        """A term or author as its profile, and with its members' contents when ``members``."""
        key = (id(value), members)
        token = self._terms.get(key)
        if token is None:
            parts = [self._profile(value)]
            if members:
                parts += [self.article(article) for article in value.articles]
            token = self._terms[key] = _h(b"T", *parts)
        return token

    def value(self, value: Any, members: bool) -> bytes:
        """A self-delimiting encoding of ``value``: articles and terms as fixed-size hashes, the rest
        spelled out, so a page costs one hash however deep its context."""
        kind = type(value)
        if kind is str:
            data = value.encode()
            return b"s%d:" % len(data) + data
        if kind is Article:
            return b"A" + self.article(value)
        if kind in _PLAIN:
            data = (kind.__name__ + repr(value)).encode()
            return b"r%d:" % len(data) + data
        if kind is tuple or kind is list:
            if len(value) <= _SHORT:
                return b"L%d:" % len(value) + b"".join([self.value(item, members) for item in value])
            hit = self._lists.get((id(value), members))  # e.g. a listing's page paths, shared by its pages
            if hit is None or hit[0] is not value:
                token = b"H" + _h(b"".join([self.value(item, members) for item in value]))
                hit = self._lists[(id(value), members)] = (value, token)
            return hit[1]
        if kind is Term or kind is Person:
            return b"T" + self.member_list(value, members)
        if kind is dict or kind is MappingProxyType:
            return b"M%d:" % len(value) + b"".join([self.value(k, members) + self.value(v, members)
                                                    for k, v in value.items()])
        if isinstance(value, Site):
            return b"S" + self.site_part(frozenset({WHOLE_SITE}))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = _field_names(kind)
            return b"D%d:" % len(names) + kind.__qualname__.encode() + b":" + \
                b"".join([self.value(getattr(value, name), members) for name in names])
        raise Unwalkable(kind.__name__)

    def site_part(self, reads: frozenset[str]) -> bytes:
        """The parts of ``site`` that templates reading ``reads`` can see."""
        token = self._site_parts.get(reads)
        if token is not None:
            return token
        site = self.site
        members = MEMBERS in reads
        parts: list[bytes] = []
        for name in sorted(reads):
            if name in _FREE or name == MEMBERS:
                continue
            if name == "articles#len":
                parts.append(b"count%d" % len(site.articles))
            elif name in _PROFILE_LISTS:
                parts.append(name.encode() + _h(*(self.member_list(item, members) for item in getattr(site, name))))
            else:  # site.articles, site.months, site.related, site passed on whole ...
                parts.append(b"whole" + self._whole())
        token = self._site_parts[reads] = _h(*parts)
        return token

    def _whole(self) -> bytes:
        site = self.site
        related = [(source, [a.source for a in articles]) for source, articles in sorted(site.related.items())]
        return _h(b"S", *(self.article(a) for a in site.articles),
                  *(self.member_list(t, True) for t in (*site.tags, *site.categories, *site.authors)),
                  repr(related).encode(),
                  *(self.article(a) for a in (*site.scheduled, *site.drafts, *site.expired)),
                  repr([(c.at, c.event, c.article.source) for c in site.upcoming]).encode())

    # --- outputs --------------------------------------------------------------------------------
    def page(self, page: Page) -> bytes | None:
        """The page's fingerprint, or None when it must be rendered whatever happened before."""
        template, reads = self.templates.info(page.template)
        members = MEMBERS in reads
        try:
            feeds = self._feeds.get(page.feeds)  # equal tuples on most pages: encoded once
            if feeds is None:
                feeds = self._feeds[page.feeds] = self.value(page.feeds, members)
            head = self.value((page.path, page.template, page.kind, page.title, page.source, page.updated),
                              members) + feeds
            context = self.value(dict(page.context), members)
        except Unwalkable:
            return None
        return _h(b"page", self.base, template, self.site_part(reads), head, context)

    def feed(self, feed: Feed, kind: str, now: datetime) -> bytes:
        """A feed shows its articles whole, with their authors; ``now`` dates only an empty feed."""
        head = repr((kind, feed.title, feed.subtitle, feed.key, feed.home, feed.atom, feed.rss)).encode()
        empty = b"" if feed.articles else repr(now).encode()
        return _h(b"feed", self.base, head, empty, *(self.article(a) for a in feed.articles))

