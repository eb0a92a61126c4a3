"""Real archives read as they are: Jekyll and Hugo front matter, dates in file names, leftover
Liquid and shortcodes, page bundles and the {section} permalink field."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ballerina_site.content.article import parse_article
from ballerina_site.core.config import SiteConfig
from conftest import run_cli, write_site

CONFIG = SiteConfig()


def parse(text: str, source: str = "content/post.md"):
    return parse_article(source, text, CONFIG)


def article(text: str, source: str = "content/post.md"):
    parsed = parse(text, source)
    assert parsed.article is not None, [str(p) for p in parsed.problems]
    return parsed.article


def test_date_from_the_file_name_when_the_front_matter_has_none():
    found = article("---\ntitle: Ruby 2.1.0 released\n---\nBody.\n", "content/_posts/2013-12-25-ruby-2-1-0.md")
    assert found.date == datetime(2013, 12, 25, tzinfo=found.date.tzinfo) and not found.has_time
    assert found.slug == "ruby-2-1-0"


def test_front_matter_date_wins_over_the_file_name():
    found = article("---\ntitle: T\ndate: 2014-01-02\n---\nBody.\n", "content/2013-12-25-x.md")
    assert found.date.date().isoformat() == "2014-01-02"


def test_no_date_anywhere_is_still_an_error():
    parsed = parse("---\ntitle: T\n---\nBody.\n", "content/notes.md")
    assert parsed.article is None
    assert any("missing `date`" in str(p) for p in parsed.problems)


@pytest.mark.parametrize("written, expected", [
    ("2013-11-22 5:00:00 +0000", datetime(2013, 11, 22, 5, tzinfo=timezone.utc)),
    ("2013-11-22 05:00:00 -0800", datetime(2013, 11, 22, 5, tzinfo=timezone(timedelta(hours=-8)))),
    ("2001-12-14 21:59:43.10 -5", datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=timezone(timedelta(hours=-5)))),
    ("2013-11-22T5:00Z", datetime(2013, 11, 22, 5, tzinfo=timezone.utc)),
    ("'2013-11-22 05:00:00 UTC'", datetime(2013, 11, 22, 5, tzinfo=timezone.utc)),
    ("2008-2-3 14:30:00 +01:00", datetime(2008, 2, 3, 14, 30, tzinfo=timezone(timedelta(hours=1)))),
])
def test_times_in_the_forms_yaml_and_jekyll_accept(written, expected):
    found = article(f"---\ntitle: T\ndate: {written}\n---\nBody.\n")
    assert found.date == expected and found.has_time


def test_an_unreadable_date_is_an_error_at_its_line():
    parsed = parse("---\ntitle: T\ndate: 2013-11-22 5:00:00 +0000 later\n---\nBody.\n")
    assert parsed.article is None
    assert [str(p) for p in parsed.problems] == ["content/post.md:3: `date`: unreadable date "
                                                 "`2013-11-22 5:00:00 +0000 later`"]


def test_categories_list_gives_the_category_and_more_tags():
    found = article("---\ntitle: T\ndate: 2020-01-01\ncategories: [News, Releases]\ntags: [ruby]\n---\nB.\n")
    assert found.category is not None and found.category.name == "News"
    assert [t.name for t in found.tags] == ["ruby", "Releases"]


def test_categories_as_space_separated_text_and_with_a_category():
    found = article("---\ntitle: T\ndate: 2020-01-01\ncategories: news release\n---\nB.\n")
    assert found.category.name == "news" and [t.name for t in found.tags] == ["release"]
    both = article("---\ntitle: T\ndate: 2020-01-01\ncategory: Movies\ncategories: [a, b]\n---\nB.\n")
    assert both.category.name == "Movies" and [t.name for t in both.tags] == ["a", "b"]


def test_tag_text_splits_at_commas_else_at_spaces():
    assert [t.name for t in article("---\ntitle: T\ndate: 2020-01-01\ntags: release ruby\n---\nB.\n").tags] \
        == ["release", "ruby"]
    assert [t.name for t in article("---\ntitle: T\ndate: 2020-01-01\ntags: John Wick, Ballerina\n---\nB.\n").tags] \
        == ["John Wick", "Ballerina"]


def test_hugo_key_names_are_honoured():
    found = article("---\ntitle: T\ndate: 2020-01-01\npublishDate: 2020-01-02\nexpiryDate: 2020-02-01\n"
                    "lastmod: 2020-01-05\naliases: [/old/t/]\n---\nB.\n")
    assert found.publish_date.date().isoformat() == "2020-01-02"
    assert found.expiry_date.date().isoformat() == "2020-02-01"
    assert found.updated.date().isoformat() == "2020-01-05"
    assert found.aliases == ("/old/t/",)
    assert "publishDate" not in found.extra
    parsed = parse("---\ntitle: T\ndate: 2020-01-01\nexpirydate: 2019-01-01\n---\nB.\n")
    assert any("content/post.md:4: `expiry_date`" in str(p) for p in parsed.problems)


def test_both_names_of_one_key_is_an_error():
    parsed = parse("---\ntitle: T\ndate: 2020-01-01\nlastmod: 2020-01-05\nupdated: 2020-01-06\n---\nB.\n")
    assert "content/post.md:4: `lastmod` and `updated` are the same key; both are given (keep `updated`)" \
        in [str(p) for p in parsed.problems]


LIQUID = """---
title: Highlighting
date: 2020-01-01
---
Some code:

{% highlight ruby %}
def x; end
{% endhighlight %}

See {% link _posts/2019-01-01-a.md %} and `{{ inline code }}` and {{< youtube abc >}}.

```
{% raw %} in a fence
```
"""


def test_leftover_liquid_and_shortcodes_are_shown_as_written_with_warnings():
    parsed = parse(LIQUID)
    assert parsed.article is not None
    warnings = [str(p) for p in parsed.problems]
    assert warnings == [
        "content/post.md:7: warning: Liquid tag `{% highlight ruby %}` is not run here; shown as written "
        "(convert it by hand or with `ballerina-site import jekyll`)",
        "content/post.md:9: warning: Liquid tag `{% endhighlight %}` is not run here; shown as written "
        "(convert it by hand or with `ballerina-site import jekyll`)",
        "content/post.md:11: warning: Liquid tag `{% link _posts/2019-01-01-a.md %}` is not run here; shown as "
        "written (convert it by hand or with `ballerina-site import jekyll`)",
    ]
    page = BeautifulSoup(parsed.article.body_html, "html.parser")
    text = page.get_text()
    assert "{% endhighlight %}" in text and "{% highlight ruby %}" in text
    assert "{{< youtube abc >}}" in text and "{{ inline code }}" in page.code.get_text()
    assert "{% raw %} in a fence" in page.pre.get_text()
    assert all(set(p.attrs) == set() for p in page.find_all("p"))  # no `<p _ endhighlight>`


def test_a_hugo_shortcode_line_names_hugo():
    parsed = parse("---\ntitle: T\ndate: 2020-01-01\n---\n{{< figure src=\"a.jpg\" >}}\n")
    assert [str(p) for p in parsed.problems] == [
        'content/post.md:5: warning: Hugo shortcode `{{< figure src="a.jpg" >}}` is not run here; shown as '
        "written (convert it by hand or with `ballerina-site import hugo`)"]


def test_page_bundles_take_their_folders_name_and_section_permalinks(tmp_path: Path):
    site = write_site(tmp_path / "site", {
        "posts/first-trip/index.md": "---\ntitle: First\ndate: 2020-01-01\n---\nBody.\n",
        "posts/2020-02-02-second/index.md": "---\ntitle: Second\n---\nBody.\n",
        "news/third.md": "---\ntitle: Third\ndate: 2020-03-03\n---\nBody.\n",
        "fourth/index.md": "---\ntitle: Fourth\ndate: 2020-04-04\n---\nBody.\n",
    }, config="title: T\nbase_url: https://x.example/\npermalink: /{section}/{year}/{slug}/\nsearch: false\n")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    out = site / "public"
    for page in ("posts/2020/first-trip", "posts/2020/second", "news/2020/third", "2020/fourth"):
        assert (out / page / "index.html").is_file(), page
