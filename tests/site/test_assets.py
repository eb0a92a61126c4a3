"""Fingerprinted assets: stylesheets and scripts published under a name that carries their hash,
linked by every page, the same name while the bytes stay the same."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import article, run_cli, write_site

CONFIG = "title: T\nbase_url: https://news.example/sub/\ntimezone: UTC\n"


def build(site: Path, out: Path):
    return run_cli("build", "--source", str(site), "--output", str(out), "--no-search")


def stylesheet(page: Path) -> str:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("link[rel=stylesheet]")["href"]


def test_pages_link_the_fingerprinted_stylesheet_and_it_keeps_its_name_while_unchanged(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A"), "2025-06-02-b.md": article("B", "2025-06-02")},
                      CONFIG)
    out = tmp_path / "out"
    assert build(site, out).returncode == 0
    href = stylesheet(out / "index.html")
    match = re.fullmatch(r"/sub/assets/style\.([0-9a-f]{8})\.css", href)
    assert match, href
    data = (out / "assets" / "style.css").read_bytes()
    assert (out / href.removeprefix("/sub/")).read_bytes() == data
    assert match.group(1) == hashlib.sha256(data).hexdigest()[:8]
    assert {stylesheet(page) for page in out.rglob("index.html")} == {href}

    (site / "content" / "2025-06-02-b.md").write_text(article("B edited", "2025-06-02"))
    assert build(site, out).returncode == 0
    assert stylesheet(out / "index.html") == href  # unchanged bytes, unchanged name

    (site / "static" / "assets").mkdir(parents=True)
    (site / "static" / "assets" / "style.css").write_text("body { color: red }\n")
    assert build(site, out).returncode == 0
    new = stylesheet(out / "index.html")
    assert new != href and (out / new.removeprefix("/sub/")).read_text() == "body { color: red }\n"
    assert {stylesheet(page) for page in out.rglob("index.html")} == {new}  # pages kept from the last build too
    assert not (out / href.removeprefix("/sub/")).exists()


def test_asset_helper_and_url_filter_give_the_fingerprinted_name(tmp_path: Path) -> None:
    template = ('{% extends "base.html" %}{% block main %}<p id="a">{{ asset("search.js") }}</p>'
                '<p id="b">{{ "/assets/search.js" | url }}</p><p id="c">{{ asset("favicon.svg") }}</p>'
                '{% endblock %}')
    site = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A")}, CONFIG, {"templates/index.html": template})
    out = tmp_path / "out"
    done = build(site, out)
    assert done.returncode == 0, done.stderr
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert re.fullmatch(r"/sub/assets/search\.[0-9a-f]{8}\.js", soup.select_one("#a").text)
    assert soup.select_one("#b").text == soup.select_one("#a").text
    assert soup.select_one("#c").text == "/sub/assets/favicon.svg"  # not a stylesheet or script: its own name

    (site / "templates" / "index.html").write_text(template.replace('asset("search.js")', 'asset("nope.js")'))
    done = build(site, out)
    assert done.returncode == 1
    assert "templates/index.html:1: template error: asset('nope.js'): no such file" in done.stderr
