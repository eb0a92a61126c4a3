"""Keep Reading: the documented score, determinism, pins, excludes, fallback, bounded work."""

from __future__ import annotations

import math
import random
from datetime import datetime, timezone

from ballerina_site.site.assemble import Selection, assemble_site
from ballerina_site.core.config import SiteConfig
from ballerina_site.content.article import parse_article
from ballerina_site.core.model import Term
from ballerina_site.site.related import RelatedIndex

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def make(name: str, date: str, tags: str = "", category: str = "", extra: str = ""):
    text = (f"---\ntitle: {name}\ndate: {date}\ntags: [{tags}]\n" + (f"category: {category}\n" if category else "")
            + extra + "---\nBody text.\n")
    parsed = parse_article(f"content/{name}.md", text, SiteConfig())
    assert parsed.article is not None, parsed.problems
    return parsed.article


def build(*articles, **config):
    site, problems = assemble_site(articles, SiteConfig(**config), Selection(NOW))
    assert problems == []
    return site


def names(articles) -> list[str]:
    return [a.slug for a in articles]


def test_rare_shared_tags_beat_common_ones():
    site = build(
        make("target", "2025-01-10", "common, rare"),
        make("shares-rare", "2025-01-01", "rare"),
        make("shares-common", "2025-01-09", "common"),
        make("other1", "2025-01-05", "common"),
        make("other2", "2025-01-06", "common"),
    )
    target = next(a for a in site.articles if a.slug == "target")
    assert names(site.keep_reading(target))[:2] == ["shares-rare", "shares-common"]
    index = RelatedIndex(site.articles, site.tags, site.categories, 200)
    scores = {c.article.slug: c.score for c in index.candidates(target)}
    assert math.isclose(scores["shares-rare"], math.log(1 + 5 / 2))
    assert math.isclose(scores["shares-common"], math.log(1 + 5 / 4))


def test_category_counts_and_time_breaks_ties():
    site = build(
        make("target", "2025-01-10", "x", "Movies"),
        make("far", "2024-01-10", "x", "Movies"),
        make("near", "2025-01-09", "x", "Movies"),
        make("no-category", "2025-01-10", "x"),
    )
    target = site.articles[0] if site.articles[0].slug == "target" else next(a for a in site.articles if a.slug == "target")
    assert names(site.keep_reading(target)) == ["near", "far", "no-category"]


def test_never_itself_and_falls_back_to_newest():
    site = build(make("a", "2025-01-01", "alpha"), make("b", "2025-01-02", "beta"),
                 make("c", "2025-01-03", "gamma"), keep_reading=3)
    for article in site.articles:
        chosen = site.keep_reading(article)
        assert article not in chosen and len(chosen) == 2
    a = next(x for x in site.articles if x.slug == "a")
    assert names(site.keep_reading(a)) == ["c", "b"]


def test_pins_and_excludes():
    site = build(
        make("target", "2025-01-10", "x", extra="related: [pinned]\nrelated_exclude: [best]\n"),
        make("best", "2025-01-09", "x"),
        make("second", "2025-01-08", "x"),
        make("pinned", "2020-01-01"),
        keep_reading=2,
    )
    target = next(a for a in site.articles if a.slug == "target")
    assert names(site.keep_reading(target)) == ["pinned", "second"]


def test_deterministic_whatever_the_input_order():
    articles = [make(f"a{i}", f"2025-01-{i + 1:02d}", "x, y" if i % 2 else "x") for i in range(12)]
    first = build(*articles)
    second = build(*reversed(articles))
    for a in first.articles:
        b = next(x for x in second.articles if x.slug == a.slug)
        assert names(first.keep_reading(a)) == names(second.keep_reading(b))


def test_window_bounds_the_work_on_a_common_tag():
    articles = [make(f"a{i:03d}", f"2025-01-01T{i // 60:02d}:{i % 60:02d}:00+00:00", "everywhere")
                for i in range(300)]
    site = build(*articles, related_window=20)
    index = RelatedIndex(site.articles, site.tags, site.categories, 20)
    middle = site.articles[150]
    candidates = index.candidates(middle)
    assert len(candidates) == 19  # the 20 nearest in time, minus itself
    assert names(site.keep_reading(middle)) == names(c.article for c in candidates[:3])
    assert all(c.seconds_apart <= 11 * 60 for c in candidates)


def test_scores_that_round_alike_tie_even_from_different_shared_tags():
    # N = 8, df(p) = 6, df(q) = 7, df(r) = 2: ln(1 + 8/6) + ln(1 + 8/7) = ln(1 + 8/2) exactly, but the
    # float sums differ in the last bit. Rounded to 9 decimals they tie, so time decides, not the raw
    # float (which would put "only-r" first).
    site = build(
        make("target", "2025-01-10", "p, q, r"),
        make("both", "2025-01-09", "p, q"),
        *(make(f"filler{i}", f"2025-01-0{i}", "p, q") for i in range(1, 5)),
        make("just-q", "2025-01-05", "q"),
        make("only-r", "2024-01-01", "r"),
        keep_reading=6,
    )
    target = next(a for a in site.articles if a.slug == "target")
    index = RelatedIndex(site.articles, site.tags, site.categories, 200)
    scores = {c.article.slug: c.score for c in index.candidates(target)}
    assert scores["only-r"] != scores["both"] and round(scores["only-r"], 9) == round(scores["both"], 9)
    expected = ["both", "filler4", "filler3", "filler2", "filler1", "only-r"]
    assert names(site.keep_reading(target)) == expected
    assert names(c.article for c in index.candidates(target))[:6] == expected
    ranked, more = index.ranked(target, 2)
    assert names(ranked) == expected and more  # the whole tied level, and "just-q" left over


def reference_keep_reading(index: RelatedIndex, article, count: int) -> list[str]:
    """Keep Reading straight from the full ranking of :meth:`RelatedIndex.candidates`, then the words'."""
    excluded = set(article.related_exclude)
    chosen: list = []
    pinned = [index.by_slug.get(slug) for slug in article.related]
    ranked = [c.article for c in index.candidates(article)]
    alike = [c.article for c in index.text.candidates(index.number[id(article)])]
    for other in (*pinned, *ranked, *alike, *index.articles):
        if (other is not None and other is not article and other.slug not in excluded
                and other not in chosen and len(chosen) < count):
            chosen.append(other)
    return names(chosen)


def test_fast_ranking_matches_the_full_ranking():
    rng = random.Random(20250110)
    for corpus in range(6):
        vocabulary = [f"t{i}" for i in range(rng.randint(2, 7))]
        articles = []
        for i in range(rng.randint(20, 45)):
            tags = ", ".join(rng.sample(vocabulary, rng.randint(0, min(4, len(vocabulary)))))
            pins = [f"a{rng.randrange(45):02d}" for _ in range(rng.choice((0, 0, 0, 1, 2)))]
            drop = [f"a{rng.randrange(45):02d}" for _ in range(rng.choice((0, 0, 0, 1, 3)))]
            extra = (f"related: [{', '.join(pins)}]\n" if pins else "") + (
                f"related_exclude: [{', '.join(drop)}]\n" if drop else "")
            if rng.random() < 0.3:  # a slug that sorts apart from the file name
                extra += f"slug: z{99 - i:02d}\n"
            articles.append(make(f"a{i:02d}", f"2025-0{rng.randint(1, 3)}-0{rng.randint(1, 4)}", tags,
                                 rng.choice(("", "News", "Reviews")), extra))
        site = build(*articles)
        # Terms in a shuffled order too: the window then picks members that are not a range of dates.
        shuffled = ([Term(t.label, t.description, tuple(rng.sample(t.articles, len(t.articles))))
                     for t in site.tags],
                    [Term(t.label, t.description, tuple(rng.sample(t.articles, len(t.articles))))
                     for t in site.categories])
        for tags, categories in ((site.tags, site.categories), shuffled):
            for window in (0, 3, 8, 200):
                index = RelatedIndex(site.articles, tags, categories, window)
                for article in site.articles:
                    full = [c.article for c in index.candidates(article)]
                    for need in (1, 2, 5):
                        ranked, more = index.ranked(article, need)
                        assert ranked == full[:len(ranked)]
                        assert len(ranked) >= min(need, len(full)) and more == (len(full) > len(ranked))
                    for count in (1, 3, 6):
                        assert names(index.keep_reading(article, count)) == reference_keep_reading(
                            index, article, count), (corpus, window, article.slug, count)


TOPICS = {
    "ruby": "ruby interpreter release gem bundler rubygems matz",
    "security": "vulnerability security advisory exploit patch cve",
    "conference": "conference rubyconf talk speakers venue tickets",
    "docs": "documentation guide translation website manual pages",
}


def topical_archive(per_topic: int = 6):
    """A sparsely tagged archive: no tags at all, every article about one of a few topics."""
    rng = random.Random(7)
    articles = []
    for number in range(per_topic * len(TOPICS)):
        topic = list(TOPICS)[number % len(TOPICS)]
        words = TOPICS[topic].split()
        title = f"{topic.title()} news {number}: " + " ".join(rng.sample(words, 2))
        body = " ".join(rng.choice(words) for _ in range(40)) + " the and with from this that."
        text = f"---\ntitle: '{title}'\ndate: 2020-01-{number + 1:02d}\n---\n{body}\n"
        parsed = parse_article(f"content/{topic}-{number:02d}.md", text, SiteConfig())
        assert parsed.article is not None, parsed.problems
        articles.append(parsed.article)
    return articles


def test_untagged_articles_are_related_by_their_words():
    site = build(*topical_archive(), keep_reading=3)
    for article in site.articles:
        topic = article.slug.rsplit("-", 1)[0]
        chosen = site.keep_reading(article)
        assert len(chosen) == 3
        assert all(other.slug.startswith(topic + "-") for other in chosen), (article.slug, names(chosen))
    lists = [tuple(names(site.keep_reading(a))) for a in site.articles]
    assert max(lists.count(each) for each in lists) <= 2  # not the same few articles everywhere


def test_text_similarity_is_deterministic_and_only_fills_what_tags_leave():
    articles = topical_archive()
    first = build(*articles, keep_reading=3)
    again = build(*reversed(articles), keep_reading=3)
    assert {a.source: names(first.keep_reading(a)) for a in first.articles} == \
        {a.source: names(again.keep_reading(a)) for a in again.articles}
    tagged = [make("t1", "2020-03-01", "Rare"), make("t2", "2020-03-02", "Rare")]
    site = build(*articles, *tagged, keep_reading=3)
    t1 = next(a for a in site.articles if a.slug == "t1")
    assert names(site.keep_reading(t1))[0] == "t2"  # a shared tag still comes first


def test_related_command_explains_text_scores(tmp_path):
    from conftest import run_cli, write_site

    site = write_site(tmp_path / "site", {
        "a.md": "---\ntitle: Ruby release\ndate: 2020-01-01\n---\nThe ruby interpreter release is out.\n",
        "b.md": "---\ntitle: Another ruby release\ndate: 2020-01-02\n---\nA ruby interpreter release again.\n",
        "c.md": "---\ntitle: Conference tickets\ndate: 2020-01-03\n---\nTickets for the conference.\n",
        "d.md": "---\ntitle: Conference venue\ndate: 2020-01-04\n---\nThe conference venue.\n",
        "e.md": "---\ntitle: Security advisory\ndate: 2020-01-05\n---\nA security advisory.\n",
    })
    result = run_cli("related", "content/a.md", "--source", str(site), cwd=site)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "too few share a tag or category: the rest are alike in words" in result.stdout
    first = next(line for line in lines if line.startswith("*  1."))
    assert "content/b.md" in first and "words: " in first and "ruby" in first
