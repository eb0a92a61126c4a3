"""One zone for every date: the date shown, the archive month and the date in the URL are all in the
site's zone, whatever zone an article's date is written in; a URL this changes keeps a redirect."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from conftest import article, run_cli, write_site

CONFIG = "title: T\nbase_url: https://news.example/\ntimezone: UTC\nsearch: false\n"


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / "public" / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_url_shown_date_and_archive_month_agree(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"late-night.md": article("Late Night", date="2025-05-31T23:00:00-04:00")}, CONFIG)
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "public" / "2025" / "06" / "01" / "late-night" / "index.html").is_file()
    assert not (site / "public" / "2025" / "05").exists()
    shown = page(site, "2025/06/01/late-night").find("time")
    assert shown is not None and "June 1, 2025" in shown.get_text()
    archive = page(site, "archive")
    assert [h.get_text() for h in archive.select("section.archive-month h2")] == ["June 2025"]


def test_a_month_boundary_makes_each_month_once_with_unique_ids(tmp_path: Path) -> None:
    articles = {  # written in three zones, around the first of December in UTC
        "a.md": article("Dec UTC", date="2018-12-01T00:30:00+00:00"),
        "b.md": article("Nov in UTC", date="2018-12-01T01:00:00+02:00"),  # 2018-11-30 23:00 UTC
        "c.md": article("Dec in UTC", date="2018-11-30T20:00:00-05:00"),  # 2018-12-01 01:00 UTC
        "d.md": article("Nov plain", date="2018-11-15"),
    }
    site = write_site(tmp_path / "site", articles, CONFIG)
    assert run_cli("build", "--source", str(site)).returncode == 0
    archive = page(site, "archive")  # every month once, each with a page of its own
    months = [a.get_text() for a in archive.select(".archive-index a")]
    assert months == ["December 2018", "November 2018"]
    for path in ("archive", "archive/2018/12", "archive/2018/11"):
        ids = [tag["id"] for tag in page(site, path).find_all(id=True)]
        assert len(ids) == len(set(ids)), path
    december = page(site, "archive/2018/12").select("section.archive-month")[0]
    assert sorted(a.get_text() for a in december.select("li > a")) == ["Dec UTC", "Dec in UTC"]
    november = page(site, "archive/2018/11").select("section.archive-month")[0]
    assert sorted(a.get_text() for a in november.select("li > a")) == ["Nov in UTC", "Nov plain"]


def test_a_url_changed_by_the_zone_rule_redirects(tmp_path: Path) -> None:
    """urls.lock, as an older build wrote it, records the URL by the written zone's day."""
    site = write_site(tmp_path / "site", {"late-night.md": article("Late Night", date="2025-05-31T23:00:00-04:00")},
                      CONFIG, {"urls.lock": '{"version": 1, "articles": {"content/late-night.md": '
                                            '{"url": "/2025/05/31/late-night/", "slug": "late-night"}}}\n'})
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert "moved: content/late-night.md from /2025/05/31/late-night/ (the old URL redirects)" in result.stdout
    moved = page(site, "2025/05/31/late-night")
    link = moved.find("link", rel="canonical")
    assert link is not None and link["href"] == "https://news.example/2025/06/01/late-night/"
