"""Tags and categories: one tag whatever the spelling, good slugs, clear clash errors."""

from __future__ import annotations

from datetime import datetime, timezone

from ballerina_site.site.assemble import Selection, assemble_site
from ballerina_site.core.config import SiteConfig
from ballerina_site.content.article import parse_article
from ballerina_site.site.taxonomy import parse_tag_data
from ballerina_site.core.slugs import slugify

CONFIG = SiteConfig()
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def make(name: str, date: str, tags: str = "", category: str = ""):
    text = f"---\ntitle: {name}\ndate: {date}\ntags: [{tags}]\n" + (f"category: {category}\n" if category else "") \
        + "---\nBody text.\n"
    parsed = parse_article(f"content/{name}.md", text, CONFIG)
    assert parsed.article is not None, parsed.problems
    return parsed.article


def site_of(*articles, tag_data=None):
    kwargs = {"tag_data": tag_data} if tag_data else {}
    return assemble_site(articles, CONFIG, Selection(NOW), **kwargs)


def test_spellings_merge_into_one_tag_with_the_most_used_name():
    site, problems = site_of(make("a", "2025-01-01", "john wick"), make("b", "2025-01-02", "John Wick"),
                             make("c", "2025-01-03", "JOHN  WICK"), make("d", "2025-01-04", "John Wick"))
    assert problems == []
    (tag,) = site.tags
    assert (tag.slug, tag.name, tag.count) == ("john-wick", "John Wick", 4)
    assert all(a.tags[0].name == "John Wick" for a in site.articles)


def test_display_name_ties_go_to_the_first_published_spelling():
    site, _ = site_of(make("late", "2025-03-01", "John Wick"), make("early", "2025-01-01", "john wick"))
    assert site.tags[0].name == "john wick"


def test_unicode_tags_slug_well():
    assert slugify("Amélie") == "amelie"
    assert slugify("Léon: The Professional") == "leon-the-professional"
    assert slugify("Bong Joon-ho") == "bong-joon-ho"
    site, problems = site_of(make("a", "2025-01-01", "Amélie, 'Léon: The Professional'"))
    assert problems == [] and [t.slug for t in site.tags] == ["amelie", "leon-the-professional"]


def test_two_tags_with_one_slug_is_an_error_naming_both_files():
    _, problems = site_of(make("first", "2025-01-01", "C++"), make("second", "2025-01-02", "C"))
    (problem,) = problems
    text = str(problem)
    assert "content/first.md" in text and "content/second.md" in text and "`c`" in text


def test_tags_yaml_gives_name_aliases_and_description():
    data, problems = parse_tag_data({"john-wick": {"name": "John Wick", "aliases": ["JW"],
                                                   "description": "The franchise."}}, "tags.yaml", {})
    assert problems == []
    site, problems = site_of(make("a", "2025-01-01", "JW"), make("b", "2025-01-02", "john wick"),
                             tag_data=data)
    assert problems == []
    (tag,) = site.tags
    assert (tag.slug, tag.name, tag.description, tag.count) == ("john-wick", "John Wick", "The franchise.", 2)


def test_categories_merge_and_articles_sort_newest_first_with_stable_ties():
    site, _ = site_of(make("b", "2025-01-01", category="movies"), make("a", "2025-01-01", category="Movies"),
                      make("c", "2025-02-01", category="Movies"))
    assert [a.source for a in site.articles] == ["content/c.md", "content/a.md", "content/b.md"]
    (category,) = site.categories
    assert category.count == 3 and category.slug == "movies"


def test_drafts_and_future_articles_are_left_out_unless_asked():
    future = make("future", "2030-01-01")
    draft_text = "---\ntitle: D\ndate: 2025-01-01\ndraft: true\n---\nx\n"
    draft = parse_article("content/d.md", draft_text, CONFIG).article
    site, _ = assemble_site([future, draft, make("now", "2025-01-01")], CONFIG, Selection(NOW))
    assert [a.source for a in site.articles] == ["content/now.md"]
    assert site.scheduled == (future,) and site.drafts == (draft,)
    site, _ = assemble_site([future, draft], CONFIG, Selection(NOW, drafts=True, future=True))
    assert len(site.articles) == 2
