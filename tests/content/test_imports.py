"""The importers' pure parts: old URLs from Jekyll's permalink styles and Hugo's [permalinks],
front matter in YAML, TOML and JSON, and names in every form."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ballerina_site.content.imports.common import author_names, names, split_old
from ballerina_site.content.imports.hugo import HugoSite
from ballerina_site.content.imports.jekyll import STYLES, old_url

POST = Path("/old/_posts/2013-11-22-ruby-2-1-0.md")


@pytest.mark.parametrize("style, expected", [
    ("date", "/news/2013/11/22/ruby-2-1-0.html"),
    ("pretty", "/news/2013/11/22/ruby-2-1-0/"),
    ("ordinal", "/news/2013/326/ruby-2-1-0.html"),
    ("none", "/news/ruby-2-1-0.html"),
    ("/:year/:i_month/:i_day/:slug/", "/2013/11/22/ruby-2-1-0/"),
    ("/blog/:short_year/:title:output_ext", "/blog/13/ruby-2-1-0.html"),
])
def test_jekyll_permalink_styles(style, expected):
    assert old_url(STYLES.get(style, style), POST, {}, date(2013, 11, 22), None, ["News"]) == expected


def test_jekyll_url_date_is_in_the_sites_zone():
    url = old_url(STYLES["pretty"], POST, {}, "2013-11-22 02:00:00 +0000", ZoneInfo("America/Los_Angeles"), [])
    assert url == "/2013/11/21/ruby-2-1-0/"


def test_front_matter_in_three_languages():
    yaml_file = split_old("---\ntitle: A\ntags: [x]\n---\nBody\n")
    toml_file = split_old('+++\ntitle = "A"\ntags = ["x"]\n+++\nBody\n')
    json_file = split_old('{\n  "title": "A",\n  "tags": ["x"]\n}\nBody\n')
    for found in (yaml_file, toml_file, json_file):
        assert not isinstance(found, tuple)
        assert found.meta["title"] == "A" and found.meta["tags"] == ["x"] and found.body.strip() == "Body"
        assert found.lines["tags"] == 3 and found.body_line == 5
    assert split_old("+++\ntitle = \n+++\n")[0] == 1  # a problem, with a line


def test_names_and_authors_in_every_form():
    assert names("release ruby") == ["release", "ruby"] and names("John Wick, Ballerina") == ["John Wick", "Ballerina"]
    assert names(["a", 2, ""]) == ["a", "2"] and names(None) == []
    assert author_names({"author": "Doe, Jane"}) == ["Doe, Jane"]
    assert author_names({"author": ["Jane", "Raj"]}) == ["Jane", "Raj"]
    assert author_names({"authors": "Jane, Raj"}) == ["Jane", "Raj"]


def test_hugo_permalinks_and_default_urls(tmp_path: Path):
    (tmp_path / "config.yaml").write_text("permalinks:\n  posts: /:year/:month/:slug/\n", encoding="utf-8")
    (tmp_path / "content/posts").mkdir(parents=True)
    (tmp_path / "content/notes/trip").mkdir(parents=True)
    hugo = HugoSite(tmp_path, "old")
    post = tmp_path / "content/posts/my-post.md"
    assert hugo.old_url(post, {}, date(2021, 3, 4), "My Post!") == "/2021/03/my-post/"
    assert hugo.old_url(post, {"slug": "Other"}, date(2021, 3, 4), "My Post!") == "/2021/03/other/"
    bundle = tmp_path / "content/notes/trip/index.md"
    assert hugo.old_url(bundle, {}, date(2021, 3, 4), "Trip") == "/notes/trip/"
