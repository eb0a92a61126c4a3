"""Sitemaps, the news sitemap and robots.txt, read with an XML parser and checked against the built files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from publishing_site import BASE, CONFIG, XSS_TITLE, build_publishing_site, html_pages, output_file_for

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out, _ = build_publishing_site(tmp_path_factory.mktemp("sitemaps"))
    return out


def locs(path: Path) -> dict[str, str | None]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SM}urlset"
    return {url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")}


def article_urls(out: Path) -> set[str]:
    return {BASE + p.parent.relative_to(out).as_posix() + "/" for p in html_pages(out)
            if p.relative_to(out).as_posix()[:4].isdigit()}


def test_sitemap_lists_every_article_and_listing_with_lastmod(built: Path) -> None:
    entries = locs(built / "sitemap.xml")
    for loc, lastmod in entries.items():
        assert output_file_for(loc, built).is_file(), loc
        assert lastmod and datetime.fromisoformat(lastmod).tzinfo is not None
    assert article_urls(built) <= set(entries) and len(article_urls(built)) == 5
    listings = {BASE, BASE + "page/2/", BASE + "tags/", BASE + "tags/ballerina/", BASE + "tags/ballerina/page/2/",
                BASE + "categories/", BASE + "categories/movies/", BASE + "authors/", BASE + "authors/jane-doe/",
                BASE + "archive/"}
    assert listings <= set(entries)
    assert not any("404" in loc for loc in entries)
    assert entries[BASE + "2025/06/02/first-look/"] == "2025-06-03T10:00:00+02:00"  # from `updated`
    assert entries[BASE] == "2025-06-03T10:00:00+02:00"
    built_pages = {BASE + p.relative_to(built).as_posix().removesuffix("index.html") for p in html_pages(built)}
    assert set(entries) == built_pages - {BASE + "404.html", BASE + "search/"}  # no thin pages


def test_robots_txt_points_to_both_sitemaps(built: Path) -> None:
    lines = (built / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines and f"Sitemap: {BASE}news-sitemap.xml" in lines


def test_news_sitemap_holds_only_the_last_48_hours(built: Path) -> None:
    root = ET.parse(built / "news-sitemap.xml").getroot()
    urls = {url.findtext(f"{SM}loc"): url.find(f"{NEWS}news") for url in root.iter(f"{SM}url")}
    # build time 2025-06-03 12:00 UTC: both 2 June articles are in, 20 May is not
    assert set(urls) == {BASE + "2025/06/02/first-look/", BASE + "2025/06/02/escaping/"}
    for loc, news in urls.items():
        assert output_file_for(loc, built).is_file()
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Test News Daily"
        assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    escaping = urls[BASE + "2025/06/02/escaping/"]
    assert escaping.findtext(f"{NEWS}title") == XSS_TITLE
    assert escaping.findtext(f"{NEWS}publication_date") == "2025-06-02T08:00:00-04:00"
    assert b"<script>" not in (built / "news-sitemap.xml").read_bytes()


def test_many_urls_make_a_sitemap_index_and_news_is_off_by_default(tmp_path: Path) -> None:
    config = CONFIG.replace("  news: true\n", "  max_urls: 4\n")
    out, _ = build_publishing_site(tmp_path, config=config)
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SM}sitemapindex"
    parts = [s.findtext(f"{SM}loc") for s in root.iter(f"{SM}sitemap")]
    assert all(s.findtext(f"{SM}lastmod") for s in root.iter(f"{SM}sitemap"))
    assert parts[0] == BASE + "sitemap-1.xml" and len(parts) > 1
    listed: dict[str, str | None] = {}
    for part in parts:
        entries = locs(output_file_for(part, out))
        assert 0 < len(entries) <= 4
        listed.update(entries)
    assert article_urls(out) <= set(listed)
    assert all(output_file_for(loc, out).is_file() for loc in listed)
    assert not (out / "news-sitemap.xml").exists()
    assert "news-sitemap" not in (out / "robots.txt").read_text(encoding="utf-8")


def test_a_base_url_without_host_is_warned_about_unless_given_on_the_command_line(tmp_path: Path) -> None:
    from conftest import article, run_cli, write_site

    site = write_site(tmp_path, {"a.md": article("One", image="https://pictures.example/a.jpg", author="Ann")}, "title: T\n")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0
    assert result.stderr.splitlines() == ["site.yaml: warning: `base_url` has no scheme and host, so feeds, "
                                          "sitemaps and share links hold relative URLs "
                                          "(set e.g. base_url: https://example.org/)"]
    quiet = run_cli("build", "--source", str(site), "--base-url", "/")
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_rebuild_in_the_same_process_writes_what_it_shows_now(tmp_path: Path, monkeypatch) -> None:
    """The preview reuses its last sitemap when nothing it shows changed: not when a date moves to
    another zone at the same instant, nor when the base URL or the split size changes."""
    from conftest import article, write_site

    from ballerina_site.pipeline.build import BuildOptions, build
    from ballerina_site.store.store import Store

    config = "title: T\nbase_url: https://one.example/\ntimezone: UTC\nsearch: false\nauthor: {name: Desk}\n"
    site = write_site(tmp_path / "site", {f"a{i}.md": article(f"Story {i}", f"2025-06-0{i + 1}T10:00:00+02:00")
                                          for i in range(3)}, config)
    options = BuildOptions(root=site, cache=True, record_urls=False,
                           store=Store(site, in_memory=True))  # as the preview keeps one store
    build(options)
    first = locs(site / "public" / "sitemap.xml")
    assert first["https://one.example/2025/06/01/a0/"] == "2025-06-01T10:00:00+02:00"

    path = site / "content" / "a0.md"
    path.write_text(path.read_text(encoding="utf-8").replace("2025-06-01T10:00:00+02:00",
                                                             "2025-06-01T08:00:00+00:00"), encoding="utf-8")
    build(options)
    assert locs(site / "public" / "sitemap.xml")["https://one.example/2025/06/01/a0/"] == \
        "2025-06-01T08:00:00+00:00"

    (site / "site.yaml").write_text(config.replace("one.example", "two.example"), encoding="utf-8")
    build(options)
    assert set(locs(site / "public" / "sitemap.xml")) == {loc.replace("one.", "two.") for loc in first}

    (site / "site.yaml").write_text(config.replace("one.example", "two.example") + "sitemap: {max_urls: 2}\n",
                                    encoding="utf-8")
    build(options)
    index = ET.parse(site / "public" / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
