"""Front matter, dates and the content model, as an editor writes them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ballerina_site.core.config import SiteConfig
from ballerina_site.content.article import parse_article
from ballerina_site.content.fields import default_slug, near_known_key
from ballerina_site.core.dates import DateError, parse_date
from ballerina_site.content.frontmatter import FrontMatterFailure, split_front_matter

CONFIG = SiteConfig(timezone="America/New_York")
NY = ZoneInfo("America/New_York")


def parse(text: str, source: str = "content/2025-06-01-x.md"):
    return parse_article(source, text, CONFIG)


def messages(parsed) -> list[str]:
    return [str(p) for p in parsed.problems]


def test_front_matter_split_reports_body_line_and_key_lines():
    split = split_front_matter("---\ntitle: A\ndate: 2025-06-01\n---\nBody\n")
    assert split.meta == {"title": "A", "date": datetime(2025, 6, 1).date()}
    assert split.key_lines == {"title": 2, "date": 3}
    assert split.body == "Body\n" and split.body_line == 5


def test_bom_and_crlf_are_accepted():
    split = split_front_matter("\ufeff---\r\ntitle: A\r\ndate: 2025-06-01\r\n---\r\nBody\r\n")
    assert split.meta["title"] == "A" and split.body == "Body\n"


@pytest.mark.parametrize("text, message", [
    ("title: A\n", "no front matter"),
    ("---\ntitle: A\n", "front matter is not closed"),
])
def test_missing_or_unclosed_front_matter(text, message):
    result = split_front_matter(text)
    assert isinstance(result, FrontMatterFailure) and result.message == message and result.line == 1


def test_yaml_error_points_at_the_file_line():
    parsed = parse("---\ntitle: A\ndate: 2025-06-01\ntags: [a, b\n---\nBody\n")
    assert parsed.article is None
    (problem,) = parsed.problems
    assert problem.path == "content/2025-06-01-x.md" and problem.line in (4, 5)
    assert "invalid YAML" in problem.message


def test_python_object_tag_is_an_error_not_code():
    parsed = parse("---\ntitle: !!python/object/apply:os.system ['echo hacked']\ndate: 2025-06-01\n---\nx\n")
    assert parsed.article is None
    assert "invalid YAML" in parsed.problems[0].message


def test_full_article_fields():
    parsed = parse("""---
title: "Ballerina: the trailer"
date: 2025-06-02T23:14:00-04:00
updated: 2025-06-03
tags: Ballerina, john wick
category: Movies
author: Jane Doe
image: /images/poster.jpg
image_alt: Eve on a staircase
summary: The standfirst.
mood: excited
---
First paragraph with *emphasis*.

## A heading

More words.
""")
    article = parsed.article
    assert article is not None, messages(parsed)
    assert article.title == "Ballerina: the trailer"
    assert article.date == datetime(2025, 6, 3, 3, 14, tzinfo=timezone.utc)
    assert article.date.utcoffset() == timedelta(hours=-4) and article.has_time
    assert article.updated.date().isoformat() == "2025-06-03"
    assert [t.name for t in article.tags] == ["Ballerina", "john wick"]
    assert [t.slug for t in article.tags] == ["ballerina", "john-wick"]
    assert article.category.name == "Movies" and article.author == "Jane Doe"
    assert article.summary == "The standfirst."
    assert article.extra == {"mood": "excited"}
    assert article.slug == "x"
    assert '<h2 id="a-heading">A heading</h2>' in article.body_html
    assert article.word_count == 8 and article.reading_minutes == 1


def test_summary_falls_back_to_first_paragraph_as_plain_text():
    parsed = parse("---\ntitle: A\ndate: 2025-06-01\n---\n## Heading\n\nThe *first* [paragraph](/x).\n\nSecond.\n")
    assert parsed.article.summary == "The first paragraph."


def test_every_problem_is_reported_at_once_with_lines():
    parsed = parse("---\ntittle: A\ndate: 2025-02-30\ntags: {a: 1}\ndraft: maybe\n---\nBody\n")
    found = messages(parsed)
    assert "content/2025-06-01-x.md:2: warning: unknown front matter key `tittle` (did you mean `title`?)" in found
    assert "content/2025-06-01-x.md:1: missing `title` (add `title: Your headline` to the front matter)" in found
    assert any(m.startswith("content/2025-06-01-x.md:3: `date`: impossible date `2025-02-30`") for m in found)
    assert any(m.startswith("content/2025-06-01-x.md:4: `tags` must be a list") for m in found)
    assert "content/2025-06-01-x.md:5: `draft` must be true or false" in found
    assert parsed.article is None


def test_missing_date_and_blank_title():
    found = messages(parse("---\ntitle: '  '\n---\nBody\n", "content/x.md"))  # no date in the file name either
    assert "content/x.md:2: `title` is blank (write the headline after `title:`)" in found
    assert any("missing `date`" in m for m in found)


def test_punctuation_only_tag_is_an_error():
    found = messages(parse("---\ntitle: A\ndate: 2025-06-01\ntags: ['!!!', ok]\n---\nBody\n"))
    assert any(":4: tag `!!!` has no letters or digits" in m for m in found)


def test_slug_comes_from_front_matter_or_file_name():
    assert parse("---\ntitle: A\ndate: 2025-06-01\nslug: \"Léon: The Professional\"\n---\nx\n").article.slug == \
        "leon-the-professional"
    assert default_slug("content/2025-06-01-Amélie-news.md") == "amelie-news"
    assert default_slug("content/notes.md") == "notes"


def test_near_known_keys():
    assert near_known_key("tittle") == "title"
    assert near_known_key("tag") == "tags"
    assert near_known_key("catgeory") == "category"
    assert near_known_key("mood") is None


@pytest.mark.parametrize("raw, expected, has_time", [
    ("2025-06-01", datetime(2025, 6, 1, tzinfo=NY), False),
    ("2025-06-02 23:14", datetime(2025, 6, 2, 23, 14, tzinfo=NY), True),
    ("2025-06-02T23:14:00-04:00", datetime(2025, 6, 3, 3, 14, tzinfo=timezone.utc), True),
    ("2025-06-02 23:14 Europe/Paris", datetime(2025, 6, 2, 21, 14, tzinfo=timezone.utc), True),
    (datetime(2025, 6, 2, 23, 14), datetime(2025, 6, 2, 23, 14, tzinfo=NY), True),
])
def test_dates(raw, expected, has_time):
    parsed = parse_date(raw, NY)
    assert parsed.value == expected and parsed.has_time == has_time and parsed.value.tzinfo is not None


def test_time_without_zone_takes_site_zone_with_a_warning():
    parsed = parse("---\ntitle: A\ndate: 2025-06-02 23:14\n---\nBody\n")
    assert parsed.article.date.utcoffset() == timedelta(hours=-4)
    assert any("assumed America/New_York" in m and ":3: warning:" in m for m in messages(parsed))


@pytest.mark.parametrize("raw", ["2025-02-30", "yesterday", "2025-13-01 10:00", ""])
def test_bad_dates(raw):
    with pytest.raises(DateError):
        parse_date(raw, NY)
