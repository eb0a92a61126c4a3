"""Property: after any sequence of edits, a build that reuses the build cache, the worker pools and the
previous output (pages it does not render again) gives exactly the bytes of a clean, serial,
cache-less build of the same state. The edits reach every kind of input a page can depend on:
articles, templates (the theme's and ones that read ``site`` or a term's members in other ways),
config, tag and author data files, hand edits to the output itself, and the clock (a scheduled article
going live, the news sitemap's window). Before each build, the "nothing changed" check (uptodate.py)
gets its chance: it must never skip a build that would change a byte. Some edits change nothing, or
change a file's bytes but not its size or mtime, to tempt it."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st



from ballerina_site.output import listing
from ballerina_site.pipeline import parsing, plan

from ballerina_site.render import environment as render
from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.store.store import Store
from ballerina_site.core.errors import SiteError

from conftest import article, others_first, write_site

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
CONFIG = ("title: Test News\nbase_url: https://news.example/\ntimezone: UTC\npage_size: 2\nkeep_reading: 2\n"
          "search: false\n")
TAGS = ["Ballerina", "John Wick", "Amélie", "Bong Joon-ho", "box office", "BOX OFFICE"]
CATEGORIES = ["Movies", "Trailers", ""]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_article(title: str, day: int, tags: list[str], category: str, body: str) -> str:
    meta = {"tags": "[" + ", ".join(f'"{t}"' for t in tags) + "]"}
    if category:
        meta["category"] = category
    return article(title, f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}", body, **meta)


EDITS = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 40), st.lists(st.sampled_from(TAGS), max_size=3)),
    st.tuples(st.just("delete"), st.integers(0, 40)),
    st.tuples(st.just("retitle"), st.integers(0, 40), st.sampled_from(["New headline", "Ämne", "Story 1"])),
    st.tuples(st.just("retag"), st.integers(0, 40), st.lists(st.sampled_from(TAGS), max_size=3)),
    st.tuples(st.just("redate"), st.integers(0, 40), st.integers(0, 80)),
    st.tuples(st.just("body"), st.integers(0, 40),
              st.sampled_from(["Changed.", "Another *body* with <b>raw</b>.", ""])),
    st.tuples(st.just("append"), st.integers(0, 40),  # the summary (first paragraph) stays the same
              st.sampled_from(["More words.", "A [link](https://x.example/) and <em>raw</em>."])),
    st.tuples(st.just("template"), st.sampled_from(["partials/card.html", "base.html", "term.html"]),
              st.integers(0, 4)),
    st.tuples(st.just("author"), st.integers(0, 40), st.sampled_from(["Ann Lee", "ann  lee", "Bo"])),
    st.tuples(st.just("data"), st.sampled_from(["tags.yaml", "authors.yaml"]), st.integers(0, 2)),
    st.tuples(st.just("tamper"), st.sampled_from(["index.html", "tags/ballerina/index.html", "feed.xml"])),
    st.tuples(st.just("config"), st.sampled_from(["title", "page_size", "timezone", "author", "markdown",
                                                  "words_per_minute", "news"])),
    st.tuples(st.just("nothing")),
    st.tuples(st.just("sneak"), st.integers(0, 40)),  # same size, same mtime, other bytes
    st.tuples(st.just("stray"), st.sampled_from(["stray.txt", "tags/stray/index.html"])),  # in the output
    st.tuples(st.just("schedule"), st.integers(0, 40), st.integers(1, 6)),  # dated 2026-01-0N: future
    st.tuples(st.just("clock"), st.integers(0, 3)),  # the clock moves on N days
)


# Variant 3 of a template reads more than the theme does: the newest articles through ``site``, and
# every member of the term with its summary.
READS_MORE = {"base.html": "{% for a in site.articles[:2] %}{{ a.title }} {{ a.summary }}{% endfor %}",
              "term.html": "{{ term.articles | map(attribute='summary') | join(' ') }}",
              "partials/card.html": "{{ site.tags | map(attribute='count') | join(',') }}"}
# Variant 4 reads the body of articles on listing pages, each by another route: an attribute, a
# filter taking its name, a name computed at render time.
READS_BODY = {"partials/card.html": "{{ item | attr('body' ~ '_html') | length }}",
              "term.html": "{{ term.articles | map(attribute='body_html') | map('length') | join(',') }}",
              "base.html": "{% if pager is defined %}{% for a in pager.items %}{{ a.body_html | length }} "
                           "{% endfor %}{% endif %}"}
DATA = {"tags.yaml": ["ballerina:\n  description: Dance.\n", "ballerina:\n  description: Fight.\n"],
        "authors.yaml": ["Ann Lee:\n  bio: Writes.\n", "Ann Lee:\n  bio: Edits.\n  url: https://ann.example/\n"]}


def apply(site: Path, edit: tuple, step: int) -> None:
    content = site / "content"
    files = sorted(content.glob("*.md"))
    kind = edit[0]
    if kind == "add":
        (content / f"n{step}.md").write_text(make_article(f"Added {step}", edit[1], edit[2],
                                                          CATEGORIES[edit[1] % 3], "Fresh words."),
                                             encoding="utf-8")
    elif kind == "template":
        target = site / "templates" / edit[1]
        if edit[2] == 0:
            target.unlink(missing_ok=True)  # back to the theme's own
        else:
            original = (render.THEME_DIR / "templates" / edit[1]).read_text(encoding="utf-8")
            extra = (READS_MORE[edit[1]] if edit[2] == 3 else READS_BODY[edit[1]] if edit[2] == 4
                     else f"<!-- variant {edit[2]} -->")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(original.replace("</", extra + "</", 1), encoding="utf-8")
    elif kind == "data":
        target = site / edit[1]
        if edit[2] == 2:
            target.unlink(missing_ok=True)
        else:
            target.write_text(DATA[edit[1]][edit[2]], encoding="utf-8")
    elif kind in ("nothing", "clock"):
        return
    elif kind == "stray":
        target = site / "public" / edit[1]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("left here by hand", encoding="utf-8")
    elif kind == "sneak" and files:
        path = files[edit[1] % len(files)]
        before = path.stat()
        data = bytearray(path.read_bytes())
        last = max(i for i, byte in enumerate(data) if chr(byte).isalpha())
        data[last] = ord("x") if data[last] != ord("x") else ord("y")
        path.write_bytes(bytes(data))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif kind == "tamper":  # someone edits the output by hand: the next build puts it right
        target = site / "public" / edit[1]
        if target.is_file():
            target.write_bytes(target.read_bytes().replace(b"<", b"[", 1))
    elif kind == "config":
        line = {"title": f"title: Renamed {step}\n", "page_size": f"page_size: {1 + step % 3}\n",
                "timezone": "timezone: Asia/Tokyo\n", "author": "author: {name: Desk}\n",
                "markdown": "markdown: {unsafe_html: false}\n", "words_per_minute": "words_per_minute: 2\n",
                "news": "sitemap: {news: true}\n"}[edit[1]]
        config = (site / "site.yaml").read_text(encoding="utf-8")
        key = line.split(":")[0] + ":"
        kept = [entry for entry in config.splitlines(keepends=True) if not entry.startswith(key)]
        (site / "site.yaml").write_text("".join(kept) + ("" if line in config else line), encoding="utf-8")
    elif files:
        path = files[edit[1] % len(files)]
        if kind == "delete":
            path.unlink()
            return
        head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        lines = head.split("\n")
        if kind == "author":
            lines = [line for line in lines if not line.startswith("author:")] + [f"author: {edit[2]}"]
        elif kind == "retitle":
            lines = [f"title: '{edit[2]}'" if line.startswith("title:") else line for line in lines]
        elif kind == "retag":
            lines = [line for line in lines if not line.startswith("tags:")]
            lines.append("tags: [" + ", ".join(f'"{t}"' for t in edit[2]) + "]")
        elif kind == "redate":
            day = edit[2]
            lines = [f"date: 2025-{1 + day // 28:02d}-{1 + day % 28:02d}" if line.startswith("date:") else line
                     for line in lines]
        elif kind == "schedule":
            lines = [f"date: 2026-01-0{edit[2]}T12:00:00Z" if line.startswith("date:") else line for line in lines]
        elif kind == "append":
            body = body.rstrip("\n") + "\n\n" + edit[2] + "\n"
        else:
            body = "\n" + edit[2] + "\n"
        path.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")


def outcome(options: BuildOptions) -> tuple[str, object]:
    try:
        build(options)
        return "ok", tree(options.output_dir)
    except SiteError as exc:
        return "error", sorted(str(p) for p in exc.problems)



@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=4), in_memory=st.booleans())
# Each dependency class at least once, whatever the random draw: a member's summary on another page
# of its tag, the newest titles through ``site.articles``, tag counts through ``site.tags``, an
# author's profile and the spelling of their name in feeds of other articles, a hand edit to the output.
@example(edits=[("config", "page_size"), ("template", "term.html", 3), ("body", 0, "Changed.")],
         in_memory=False)
@example(edits=[("template", "base.html", 3), ("retitle", 1, "New headline")], in_memory=True)
@example(edits=[("append", 0, "More words."), ("template", "partials/card.html", 4), ("append", 1, "More words.")],
         in_memory=True)  # a body shown on listings: through a name made at render time,
@example(edits=[("template", "term.html", 4), ("append", 2, "More words.")], in_memory=False)  # a filter's string,
@example(edits=[("template", "base.html", 4), ("append", 3, "More words.")], in_memory=True)  # a template extended
@example(edits=[("template", "partials/card.html", 3), ("add", 5, ["Amélie"])], in_memory=False)
@example(edits=[("author", 0, "Ann Lee"), ("data", "authors.yaml", 0), ("data", "authors.yaml", 1)],
         in_memory=True)
@example(edits=[("author", 0, "Ann Lee"), ("author", 1, "ann  lee"), ("redate", 0, 80)],  # shown spelling
         in_memory=False)
@example(edits=[("data", "tags.yaml", 0), ("data", "tags.yaml", 1)], in_memory=True)
@example(edits=[("tamper", "index.html"), ("tamper", "feed.xml")], in_memory=False)
@example(edits=[("nothing",), ("sneak", 0), ("stray", "tags/stray/index.html"), ("nothing",)],
         in_memory=True)
@example(edits=[("schedule", 1, 2), ("clock", 1), ("clock", 1), ("config", "news"), ("clock", 2)],
         in_memory=False)
def test_cached_parallel_rebuilds_equal_clean_builds(tmp_path_factory: pytest.TempPathFactory, monkeypatch, edits,
                                                     in_memory):
    """``in_memory``: as the live preview builds, with one store kept for all builds (it keeps what it
    saved and decoded in memory)."""
    monkeypatch.setattr(parsing, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(render, "RENDER_POOL_THRESHOLD", 1)
    monkeypatch.setattr(plan, "AHEAD_FROM", 1)  # listing pages fingerprinted in another process,
    others_first(monkeypatch)  # which so takes the articles' own pages too
    monkeypatch.setattr(listing, "SPLIT_FROM", 1)  # the nothing-changed check halved with another process
    root = tmp_path_factory.mktemp("prop")
    site = write_site(root / "site", {
        f"a{i}.md": make_article(f"Story {i}", i * 3, TAGS[i % 3: i % 3 + 2], CATEGORIES[i % 3],
                                 f"Body of story {i}.\n\n## Part\n\n- one\n- two\n")
        for i in range(5)}, CONFIG)
    store = Store(site, in_memory=True) if in_memory else None
    build(BuildOptions(root=site, now=NOW, cache=True, jobs=2, record_urls=False, store=store))
    now = NOW
    for step, edit in enumerate(edits):
        apply(site, edit, step)
        if edit[0] == "clock":
            now += timedelta(days=edit[1], hours=1)
        fast = outcome(BuildOptions(root=site, now=now, cache=True, jobs=1 + step % 2, record_urls=False,
                                    store=store))
        shutil.rmtree(root / "clean", ignore_errors=True)
        clean = outcome(BuildOptions(root=site, output=root / "clean", now=now, record_urls=False))
        assert fast[0] == clean[0], (edit, fast, clean)
        assert fast[1] == clean[1], edit  # the same bytes, or the same problems
