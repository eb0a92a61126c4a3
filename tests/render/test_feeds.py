"""Feeds as a feed reader sees them: parsed by feedparser and by an XML parser, links followed to files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import html
import re
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import article
from publishing_site import BASE, CONFIG, XSS_TITLE, build_publishing_site, html_pages, output_file_for

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, _ = build_publishing_site(tmp_path_factory.mktemp("feeds"))
    return out


def feed_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.xml") if p.name in ("feed.xml", "rss.xml"))


def parse(path: Path) -> feedparser.FeedParserDict:
    return feedparser.parse(path.read_bytes())


def test_every_feed_parses_cleanly_with_complete_entries_linking_to_built_pages(built: Path) -> None:
    files = feed_files(built)
    # site + 3 tags? no: ballerina, john-wick; categories movies, interviews; authors jane-doe, sam-roe
    expected = {"", "tags/ballerina/", "tags/john-wick/", "categories/movies/", "categories/interviews/",
                "authors/jane-doe/", "authors/sam-roe/"}
    found = {p.parent.relative_to(built).as_posix() + "/" if p.parent != built else "" for p in files}
    assert found == expected
    assert len(files) == 2 * len(expected)
    for path in files:
        parsed = parse(path)
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version in ("atom10", "rss20"), path
        assert parsed.feed.title and parsed.feed.link.startswith(BASE)
        assert output_file_for(parsed.feed.link, built).is_file()
        assert parsed.entries, path
        for entry in parsed.entries:
            assert entry.title and entry.id.startswith("tag:news.example,")
            assert entry.published_parsed is not None
            assert entry.summary
            assert entry.content[0].value, "full content is the default"
            assert output_file_for(entry.link, built).is_file(), entry.link


def test_site_feed_holds_the_newest_entries_up_to_the_configured_number(built: Path) -> None:
    for name in ("feed.xml", "rss.xml"):
        titles = [e.title for e in parse(built / name).entries]
        assert len(titles) == 4
        assert titles[0] == "First Look at Ballerina" and titles[1] == XSS_TITLE and "Older News" in titles
        assert not any(t.startswith("Ballerina and the very long") for t in titles)  # the oldest is cut


def test_term_and_author_feeds_hold_only_their_articles(built: Path) -> None:
    assert [e.title for e in parse(built / "tags/john-wick/feed.xml").entries] == ["First Look at Ballerina"]
    assert [e.title for e in parse(built / "categories/interviews/rss.xml").entries] == ["Winter Story"]
    jane = [e.title for e in parse(built / "authors/jane-doe/feed.xml").entries]
    assert jane[:2] == ["First Look at Ballerina", "Older News"] and len(jane) == 3
    assert parse(built / "authors/jane-doe/feed.xml").entries[0].author == "Jane Doe"


def test_dates_keep_their_offsets_in_rfc3339_and_rfc822(built: Path) -> None:
    atom = ET.parse(built / "feed.xml").getroot()
    entries = {e.findtext(f"{ATOM}title"): e for e in atom.iter(f"{ATOM}entry")}
    first = entries["First Look at Ballerina"]
    assert first.findtext(f"{ATOM}published") == "2025-06-02T23:14:00-04:00"
    assert first.findtext(f"{ATOM}updated") == "2025-06-03T10:00:00+02:00"
    assert entries["Older News"].findtext(f"{ATOM}published") == "2025-05-20T00:00:00-04:00"
    assert atom.findtext(f"{ATOM}updated") == "2025-06-03T10:00:00+02:00"
    winter = ET.parse(built / "categories/interviews/feed.xml").getroot().find(f"{ATOM}entry")
    assert winter.findtext(f"{ATOM}published") == "2025-01-15T00:00:00-05:00"  # EST in winter
    rss = ET.parse(built / "rss.xml").getroot()
    items = {i.findtext("title"): i for i in rss.iter("item")}
    assert items["First Look at Ballerina"].findtext("pubDate") == "Mon, 02 Jun 2025 23:14:00 -0400"
    assert rss.find("channel").findtext("lastBuildDate") == "Tue, 03 Jun 2025 10:00:00 +0200"


def test_every_url_in_entry_html_is_absolute(built: Path) -> None:
    entry = next(e for e in parse(built / "feed.xml").entries if e.title == "First Look at Ballerina")
    for content in (entry.content[0].value,
                    next(e for e in parse(built / "rss.xml").entries if e.title == entry.title).content[0].value):
        soup = BeautifulSoup(content, "html.parser")
        links = [a["href"] for a in soup.find_all("a")]
        images = [img["src"] for img in soup.find_all("img")]
        assert links == ["https://news.example/sub/2025/06/01/other/", "https://news.example/sub/tags/ballerina/",
                         "https://elsewhere.example/x"]
        assert [re.sub(r"\.[0-9a-f]{8}-\d+\.", ".", src) for src in images] == [  # processed variants
            "https://news.example/sub/img/hero.jpg", "https://news.example/sub/img/still.jpg"]
        assert soup.find("img")["alt"] == "Eve on set"
    raw = html.unescape((built / "feed.xml").read_text(encoding="utf-8"))  # srcset, which feedparser drops
    sources = [item.split()[0] for found in re.findall(r'srcset="([^"]*)"', raw) for item in found.split(", ")]
    assert sources and all(src.startswith("https://news.example/sub/img/") for src in sources)


def test_ids_survive_a_new_base_url_and_differ_per_article(built: Path, tmp_path: Path) -> None:
    moved, _ = build_publishing_site(tmp_path, base_url="https://elsewhere.example/news/")
    before = {e.title: e.id for e in parse(built / "feed.xml").entries}
    after = {e.title: e.id for e in parse(moved / "feed.xml").entries}
    assert before == after and len(set(before.values())) == len(before)
    assert parse(moved / "feed.xml").entries[0].link.startswith("https://elsewhere.example/news/")
    rss_ids = {e.title: e.id for e in parse(moved / "rss.xml").entries}
    assert rss_ids == before
    assert before["First Look at Ballerina"] == "tag:news.example,2025-06-02:first-look"


def test_titles_and_summaries_come_out_exact_whatever_they_contain(built: Path) -> None:
    for name in ("feed.xml", "rss.xml", "tags/ballerina/feed.xml", "authors/sam-roe/rss.xml"):
        raw = (built / name).read_bytes()
        assert b"<script>" not in raw
        entry = next(e for e in parse(built / name).entries if "alert" in e.title)
        assert entry.title == XSS_TITLE
        assert entry.summary == '"A & B < C"'
    root = ET.parse(built / "feed.xml").getroot()
    assert XSS_TITLE in [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]


def test_every_page_advertises_the_site_feeds_and_its_own(built: Path) -> None:
    for page in html_pages(built):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        alternates = {(link["type"], link["href"]) for link in soup.find_all("link", rel="alternate")}
        assert ("application/atom+xml", "/sub/feed.xml") in alternates, page
        assert ("application/rss+xml", "/sub/rss.xml") in alternates, page
        for _, href in alternates:
            assert (built / href.removeprefix("/sub/")).is_file(), (page, href)
    tag = BeautifulSoup((built / "tags/john-wick/index.html").read_text(encoding="utf-8"), "html.parser")
    assert tag.find("link", rel="alternate", href="/sub/tags/john-wick/feed.xml")["title"].endswith("(Atom)")
    story = BeautifulSoup((built / "2025/06/02/first-look/index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {link["href"] for link in story.find_all("link", rel="alternate")}
    assert {"/sub/categories/movies/feed.xml", "/sub/authors/jane-doe/rss.xml"} <= hrefs


def test_summary_only_feeds_when_full_content_is_off(tmp_path: Path) -> None:
    config = CONFIG.replace("  entries: 4\n", "  entries: 4\n  full_content: false\n")
    out, _ = build_publishing_site(tmp_path, config=config,
                                   articles={"a.md": article("Only", date="2025-06-01", summary="Short.")})
    for name in ("feed.xml", "rss.xml"):
        entry = parse(out / name).entries[0]
        assert entry.summary == "Short." and "content" not in entry


def test_characters_xml_cannot_hold_are_dropped_not_fatal(tmp_path: Path) -> None:
    body = "Form\x0cfeed and \x01control characters, pasted from a word processor."
    out, _ = build_publishing_site(tmp_path, articles={"a.md": article("Pasted", date="2025-06-01", body=body)})
    for name in ("feed.xml", "rss.xml"):
        parsed = parse(out / name)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert "Formfeed and control characters" in parsed.entries[0].content[0].value
        ET.parse(out / name)
