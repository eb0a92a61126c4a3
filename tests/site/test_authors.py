"""Author pages, their details from site.yaml or authors.yaml, and config mistakes reported in one go."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from conftest import article, run_cli, write_site
from publishing_site import BASE, XSS_TITLE, build_publishing_site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, _ = build_publishing_site(tmp_path_factory.mktemp("authors"))
    return out


def soup_of(out: Path, relative: str) -> BeautifulSoup:
    return BeautifulSoup((out / relative).read_text(encoding="utf-8"), "html.parser")


def card_titles(soup: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in soup.select(".card__title")]


def test_author_page_shows_profile_and_articles_paginated(built: Path) -> None:
    page = soup_of(built, "authors/jane-doe/index.html")
    assert page.find("h1").get_text(" ", strip=True) == "Author: Jane Doe"
    assert "Covers action cinema & stunts." in page.get_text()
    assert page.find("a", href="https://janedoe.example/")
    assert card_titles(page) == ["First Look at Ballerina", "Older News"]  # page_size 2
    assert page.find("a", rel="next")["href"] == "/sub/authors/jane-doe/page/2/"
    second = soup_of(built, "authors/jane-doe/page/2/index.html")
    assert [t[:30] for t in card_titles(second)] == ["Ballerina and the very long he"]
    assert page.find("a", href="/sub/authors/jane-doe/feed.xml")


def test_names_without_profile_get_a_page_and_bylines_link_to_it(built: Path) -> None:
    sam = soup_of(built, "authors/sam-roe/index.html")
    assert card_titles(sam) == [XSS_TITLE]
    byline = soup_of(built, "2025/06/02/escaping/index.html").select_one(".story__author")
    assert byline["href"] == "/sub/authors/sam-roe/" and byline.get_text() == "sam roe"
    # `author: jane-doe` (the profile key) and `author: Jane Doe` are one author
    older = soup_of(built, "2025/05/20/older/index.html").select_one(".story__author")
    assert older["href"] == "/sub/authors/jane-doe/" and older.get_text() == "Jane Doe"
    assert soup_of(built, "2025/01/15/winter/index.html").select_one(".story__author") is None
    index = soup_of(built, "authors/index.html")
    assert [a.get_text() for a in index.select(".term-list a")] == ["Jane Doe", "sam roe"]
    assert BASE + "authors/" in (built / "sitemap.xml").read_text(encoding="utf-8")


def test_default_author_and_site_yaml_profiles(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"a.md": article("One", date="2025-06-01"),
                                 "b.md": article("Two", date="2025-06-02", author="Guest Writer"),
                                 "c.md": article("Three", date="2025-06-03", author="Ann Lee"),
                                 "d.md": article("Four", date="2025-06-04", author="ann  LEE")},
                      "title: T\nbase_url: https://t.example/\nauthor:\n  name: Desk\n"
                      "authors:\n  guest:\n    name: Guest Writer\n    bio: Visiting critic.\n")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    out = site / "public"
    assert "Visiting critic." in soup_of(out, "authors/guest/index.html").get_text()
    assert card_titles(soup_of(out, "authors/desk/index.html")) == ["One"]
    ann = soup_of(out, "authors/ann-lee/index.html")  # one author however the name is cased or spaced
    assert card_titles(ann) == ["Four", "Three"] and ann.find("h1").get_text(" ", strip=True) == "Author: ann LEE"


def test_config_mistakes_are_all_reported_with_lines(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"a.md": article("One")},
                      "title: T\nfeeds:\n  entries: 0\n  ful_content: true\nsitemap:\n  max_urls: 60000\n"
                      "authors:\n  jane:\n    nmae: Jane\n",
                      {"authors.yaml": "jane:\n  name: Jane\n"})
    (site / "public").mkdir()
    (site / "public" / "keep.txt").write_text("previous output", encoding="utf-8")
    (site / "public" / ".ballerina-output").write_text("", encoding="utf-8")  # a previous build's output
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("site.yaml:2: ") and "`feeds.ful_content`" in line and "full_content" in line
               for line in lines)
    assert any(line.startswith("site.yaml:2: ") and "`feeds.entries` must be at least 1" in line for line in lines)
    assert any(line.startswith("site.yaml:5: ") and "`sitemap.max_urls`" in line for line in lines)
    assert any(line.startswith("site.yaml:7: ") and "`authors.jane.nmae`" in line for line in lines)
    assert (site / "public" / "keep.txt").read_text(encoding="utf-8") == "previous output"


def test_an_author_defined_twice_is_an_error(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"a.md": article("One", author="Jane")},
                      "title: T\nauthors:\n  jane:\n    bio: One.\n", {"authors.yaml": "Jane:\n  bio: Two.\n"})
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1
    assert "authors.yaml:1: author `Jane` is defined twice (also as `jane` in site.yaml)" in result.stderr


def test_a_sites_own_robots_txt_wins(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"a.md": article("One")}, extra={"static/robots.txt": "User-agent: *\nDisallow: /\n"})
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "public" / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def test_several_authors_are_all_credited(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"a.md": article("Joint", date="2025-06-03", authors="[Jane Doe, Raj Patel]"),
                                 "b.md": article("Listed", date="2025-06-02", author="[raj patel, Kim Lee]"),
                                 "c.md": article("Comma", date="2025-06-01", author="'Doe, Jane'")},
                      "title: T\nbase_url: https://t.example/\nsearch: false\n")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    out = site / "public"
    page = soup_of(out, "2025/06/03/a/index.html")
    assert [(a.get_text(), a["href"]) for a in page.select(".story__author")] == [
        ("Jane Doe", "/authors/jane-doe/"), ("Raj Patel", "/authors/raj-patel/")]
    assert "By Jane Doe and Raj Patel" in " ".join(page.select_one(".story__meta").get_text().split())
    assert page.find("link", href="/authors/raj-patel/feed.xml") is not None
    ld = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")]
    news = next(d for d in ld if d.get("@type") == "NewsArticle")
    assert [a["name"] for a in news["author"]] == ["Jane Doe", "Raj Patel"]
    assert [m["content"] for m in page.find_all("meta", property="article:author")] == [
        "https://t.example/authors/jane-doe/", "https://t.example/authors/raj-patel/"]
    assert card_titles(soup_of(out, "authors/raj-patel/index.html")) == ["Joint", "Listed"]
    assert card_titles(soup_of(out, "authors/kim-lee/index.html")) == ["Listed"]
    assert soup_of(out, "2025/06/01/c/index.html").select_one(".story__author").get_text() == "Doe, Jane"
    feed = ElementTree.parse(out / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    joint = next(e for e in feed.iter(atom + "entry") if e.find(atom + "title").text == "Joint")
    assert [a.find(atom + "name").text for a in joint.iter(atom + "author")] == ["Jane Doe", "Raj Patel"]
    rss = (out / "rss.xml").read_text(encoding="utf-8")
    assert "<dc:creator>Jane Doe</dc:creator>" in rss and "<dc:creator>Raj Patel</dc:creator>" in rss


def test_author_and_authors_together_is_an_error(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"a.md": article("Joint", author="Jane", authors="[Raj]")})
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1
    assert "content/a.md:5: both `author` and `authors` are given (list every author under `authors:`)" \
        in result.stderr
