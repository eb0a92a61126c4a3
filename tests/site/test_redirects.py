"""URLs that never break: the urls.lock record across builds, automatic redirects, aliases, strict mode."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import article, run_cli, write_site

CONFIG = "title: T\nbase_url: https://news.example/sub/\n"


def build(site: Path, out: Path, *args: str):
    return run_cli("build", "--source", str(site), "--output", str(out), "--no-search", *args)


def redirect_target(page: Path) -> tuple[str, str, str]:
    soup = BeautifulSoup(page.read_text(), "html.parser")
    refresh = soup.select_one("meta[http-equiv=refresh]")["content"]
    return refresh, soup.select_one("link[rel=canonical]")["href"], soup.select_one("body a")["href"]


def test_changed_slug_redirects_from_the_old_url_across_builds(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-trailer.md": article("Trailer", "2025-06-01"),
                                          "2025-06-02-other.md": article("Other", "2025-06-02")}, CONFIG)
    out = tmp_path / "out"
    first = build(site, out)
    assert first.returncode == 0, first.stderr
    lock = json.loads((site / "urls.lock").read_text())
    assert lock["articles"]["content/2025-06-01-trailer.md"]["url"] == "/2025/06/01/trailer/"
    assert not (out / "_redirects").exists()

    source = site / "content" / "2025-06-01-trailer.md"
    source.write_text(article("Trailer", "2025-06-01", slug="final-trailer"))
    second = build(site, out)
    assert second.returncode == 0, second.stderr
    assert "moved: content/2025-06-01-trailer.md from /2025/06/01/trailer/" in second.stdout
    new_url = "https://news.example/sub/2025/06/01/final-trailer/"
    assert redirect_target(out / "2025/06/01/trailer/index.html") == (f"0; url={new_url}", new_url, new_url)
    assert (out / "2025/06/01/final-trailer/index.html").is_file()
    assert (out / "_redirects").read_text().splitlines()[1:] == [
        "/sub/2025/06/01/trailer/ /sub/2025/06/01/final-trailer/ 301"]
    lock = json.loads((site / "urls.lock").read_text())
    entry = lock["articles"]["content/2025-06-01-trailer.md"]
    assert {key: entry[key] for key in ("url", "slug", "old")} == {
        "url": "/2025/06/01/final-trailer/", "slug": "final-trailer", "old": ["/2025/06/01/trailer/"]}

    # A third change keeps both earlier URLs working, pointing straight at the newest one.
    source.write_text(article("Trailer", "2025-06-01", slug="the-final-trailer"))
    assert build(site, out).returncode == 0
    for old in ("trailer", "final-trailer"):
        assert redirect_target(out / f"2025/06/01/{old}/index.html")[1].endswith("/2025/06/01/the-final-trailer/")

    # An unchanged rebuild leaves the record's bytes and modification time alone.
    stamp = (site / "urls.lock").stat().st_mtime_ns
    assert build(site, out).returncode == 0
    assert (site / "urls.lock").stat().st_mtime_ns == stamp


def test_renamed_file_keeps_its_history(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-trailer.md": article("Trailer", "2025-06-01")}, CONFIG)
    out = tmp_path / "out"
    assert build(site, out).returncode == 0
    (site / "content" / "2025-06-01-trailer.md").rename(site / "content" / "2025-06-05-trailer.md")
    (site / "content" / "2025-06-05-trailer.md").write_text(article("Trailer", "2025-06-05"))
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert redirect_target(out / "2025/06/01/trailer/index.html")[1].endswith("/2025/06/05/trailer/")
    assert list(json.loads((site / "urls.lock").read_text())["articles"]) == ["content/2025-06-05-trailer.md"]


def test_a_file_renamed_to_a_new_slug_is_found_by_its_headline_and_date(tmp_path: Path) -> None:
    text = article("Ballerina Trailer", "2025-06-01")
    site = write_site(tmp_path / "site", {"2025-06-01-trailer.md": text,
                                          "2025-06-02-other.md": article("Other", "2025-06-02")}, CONFIG)
    out = tmp_path / "out"
    assert build(site, out).returncode == 0
    (site / "content" / "2025-06-01-trailer.md").rename(site / "content" / "2025-06-01-ballerina-trailer.md")
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert "gone:" not in result.stdout
    assert "moved: content/2025-06-01-ballerina-trailer.md from /2025/06/01/trailer/" in result.stdout
    assert redirect_target(out / "2025/06/01/trailer/index.html")[1].endswith("/2025/06/01/ballerina-trailer/")
    assert sorted(json.loads((site / "urls.lock").read_text())["articles"]) == [
        "content/2025-06-01-ballerina-trailer.md", "content/2025-06-02-other.md"]


def test_a_real_deletion_is_gone(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-trailer.md": article("Trailer", "2025-06-01"),
                                          "2025-06-02-other.md": article("Other", "2025-06-02")}, CONFIG)
    out = tmp_path / "out"
    assert build(site, out).returncode == 0
    (site / "content" / "2025-06-01-trailer.md").unlink()
    (site / "content" / "2025-06-03-new.md").write_text(article("Something else", "2025-06-03"))
    result = build(site, out)
    assert "gone: content/2025-06-01-trailer.md was published at /2025/06/01/trailer/" in result.stdout


def test_aliases_make_redirects_and_clashes_are_errors(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "2025-06-01-a.md": article("A", "2025-06-01", aliases="[/old/a, /legacy/a.html]"),
        "2025-06-02-b.md": article("B", "2025-06-02"),
    }, CONFIG)
    out = tmp_path / "out"
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert redirect_target(out / "old/a/index.html")[1] == "https://news.example/sub/2025/06/01/a/"
    assert redirect_target(out / "legacy/a.html")[1] == "https://news.example/sub/2025/06/01/a/"
    assert "noindex" in (out / "old/a/index.html").read_text()

    (site / "content" / "2025-06-02-b.md").write_text(
        article("B", "2025-06-02", aliases="[/2025/06/01/a/, 'https://elsewhere.example/x/', /../etc/]"))
    before = (out / "index.html").read_bytes()
    failed = build(site, out)
    assert failed.returncode == 1
    lines = failed.stderr.splitlines()
    assert "content/2025-06-02-b.md:4: alias `https://elsewhere.example/x/` must be a path of this site, " \
           "not a full URL (write only the path after base_url, e.g. /2024/05/old-title/)" in lines
    assert any(line.startswith("content/2025-06-02-b.md:4: alias `/../etc/`") for line in lines)
    assert "Traceback" not in failed.stderr
    assert (out / "index.html").read_bytes() == before


def test_a_relative_alias_is_resolved_against_the_articles_url(tmp_path: Path) -> None:
    """As Hugo does: against the folder holding the article's URL; ``..`` climbs, never above the root."""
    site = write_site(tmp_path / "site", {
        "2025-06-01-a.md": article("A", "2025-06-01", aliases="[old-name, ../../gone.html, ../../../../../top/]"),
    }, CONFIG + "permalink: /news/{year}/{slug}/\n")
    out = tmp_path / "out"
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    for old in ("news/2025/old-name/index.html", "gone.html", "top/index.html"):
        assert redirect_target(out / old)[1] == "https://news.example/sub/news/2025/a/", old
    assert "/sub/news/2025/old-name/ /sub/news/2025/a/ 301" in (out / "_redirects").read_text()


def test_alias_on_a_live_page_is_an_error(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "2025-06-01-a.md": article("A", "2025-06-01"),
        "2025-06-02-b.md": article("B", "2025-06-02", aliases="[/2025/06/01/a/]"),
    }, CONFIG)
    failed = build(site, tmp_path / "out")
    assert failed.returncode == 1
    assert "content/2025-06-02-b.md:4: alias /2025/06/01/a/ is the URL of another page of this site " \
           "(remove it from `aliases`)" in failed.stderr
    assert not (site / "urls.lock").exists()  # written only after a successful build


def test_strict_mode_fails_until_the_old_url_is_an_alias(tmp_path: Path) -> None:
    config = CONFIG + "redirects:\n  strict: true\n"
    site = write_site(tmp_path / "site", {"2025-06-01-trailer.md": article("Trailer", "2025-06-01")}, config)
    out = tmp_path / "out"
    assert build(site, out).returncode == 0
    lock_before = (site / "urls.lock").read_bytes()
    source = site / "content" / "2025-06-01-trailer.md"
    source.write_text(article("Trailer", "2025-06-01", slug="final-trailer"))
    failed = build(site, out)
    assert failed.returncode == 1
    assert ("content/2025-06-01-trailer.md:4: the URL changed from /2025/06/01/trailer/ to "
            "/2025/06/01/final-trailer/ and `redirects: strict` is on (add `aliases: [/2025/06/01/trailer/]`"
            in failed.stderr)
    assert (site / "urls.lock").read_bytes() == lock_before
    assert not (out / "2025/06/01/final-trailer").exists()

    source.write_text(article("Trailer", "2025-06-01", slug="final-trailer", aliases="[/2025/06/01/trailer/]"))
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert redirect_target(out / "2025/06/01/trailer/index.html")[1].endswith("/2025/06/01/final-trailer/")


def test_drafts_and_broken_record(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A", "2025-06-01"),
                                          "2025-06-02-d.md": article("D", "2025-06-02", draft="true")}, CONFIG)
    out = tmp_path / "out"
    assert build(site, out, "--drafts").returncode == 0
    assert list(json.loads((site / "urls.lock").read_text())["articles"]) == ["content/2025-06-01-a.md"]
    (site / "urls.lock").write_text("{\n  \"articles\": oops\n}\n")
    failed = build(site, out)
    assert failed.returncode == 1
    assert any(line.startswith("urls.lock:2: not valid JSON") for line in failed.stderr.splitlines())


def test_deleted_article_is_forgotten_with_a_note(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A", "2025-06-01"),
                                          "2025-06-02-b.md": article("B", "2025-06-02")}, CONFIG)
    out = tmp_path / "out"
    assert build(site, out).returncode == 0
    (site / "content" / "2025-06-01-a.md").unlink()
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert "gone: content/2025-06-01-a.md was published at /2025/06/01/a/; its file is gone" in result.stdout
    assert list(json.loads((site / "urls.lock").read_text())["articles"]) == ["content/2025-06-02-b.md"]
    assert not (out / "2025/06/01/a").exists()
