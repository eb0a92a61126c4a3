"""The theme's smaller parts: the "Posted in | Tagged" line, rel="tag", Markdown in summaries, the
sponsor box's link, and the archive by month."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ballerina_site.cli.main import main
from conftest import write_site

CONFIG = ("title: Theme News\nbase_url: https://theme.example/\ntimezone: UTC\nauthor: {name: Desk}\n"
          "promo: {title: Sponsor title, text: Buy things, url: 'https://sponsor.example/'}\n")
FILED = ("---\ntitle: Filed\ndate: 2025-06-01\ncategory: Movies\ntags: [Ballerina, john wick]\n"
         "summary: Ana is *confident* and `calm`.\n---\nWords.\n")
OLDER = "---\ntitle: Older\ndate: 2025-04-20\n---\nWords.\n"


def build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    site = write_site(tmp_path / "site", {"a.md": FILED, "b.md": OLDER}, CONFIG)
    assert main(["build", "--source", str(site)]) == 0, capsys.readouterr().err
    return site / "public"


def soup(public: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((public / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_posted_in_and_tagged_line_with_tags_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = soup(build(tmp_path, capsys), "2025/06/01/a")
    line = story.select_one(".story__filed")
    assert line.get_text(" ", strip=True).replace(" ,", ",") == "Posted in: Movies | Tagged: Ballerina, john wick"
    assert [a["rel"] for a in line.select('a[href*="/tags/"]')] == [["tag"], ["tag"]]
    assert all(a.get("rel") == ["tag"] for a in story.select("a.tag"))


def test_markdown_in_summaries_is_formatted_in_listings_and_plain_in_meta(tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    public = build(tmp_path, capsys)
    card = soup(public, ".").select_one(".card__summary")
    assert card.em.get_text() == "confident" and card.code.get_text() == "calm" and "*" not in card.get_text()
    archive = soup(public, "archive/2025/06").select_one(".archive-list__summary")
    assert archive.em is not None
    story = soup(public, "2025/06/01/a")
    assert story.find("meta", attrs={"name": "description"})["content"] == "Ana is confident and calm."


def test_the_sponsor_box_links_to_its_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    promo = soup(build(tmp_path, capsys), "2025/06/01/a").select_one(".promo")
    assert promo.select_one(".promo__title a")["href"] == "https://sponsor.example/"


def test_the_archive_is_one_page_per_month_at_lasting_urls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    public = build(tmp_path, capsys)
    index = soup(public, "archive")
    months = [(a.get_text(), a["href"]) for a in index.select(".archive-index a")]
    assert months == [("June 2025", "/archive/2025/06/"), ("April 2025", "/archive/2025/04/")]
    assert [a.get_text() for a in index.select(".archive-list a:not(.tag)")] == ["Filed"]  # the newest month
    april = soup(public, "archive/2025/04")
    assert [a.get_text() for a in april.select(".archive-list a:not(.tag)")] == ["Older"]
    assert april.select_one('.archive-index [aria-current="page"]').get_text() == "April 2025"
