"""``--keep-going``: one bad post no longer blocks the archive, yet the build still fails loudly."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import article, run_cli, write_site

ARTICLES = {
    "a.md": article("Good one", date="2025-06-01"),
    "b.md": "---\ntitle: Broken\ndate: 2025-13-01\n---\nBody\n",
    "c.md": article("Clash", date="2025-06-01", slug="a"),
    "d.md": "no front matter\n",
    "e.md": article("Fine", date="2025-06-02", body="[the good one](a.md)"),
}
CONFIG = ("title: T\nbase_url: https://t.example/\nsearch: false\nauthor: {name: Desk}\n"
          "image: https://t.example/share.png\n")


def test_without_it_the_build_is_all_or_nothing(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", ARTICLES, CONFIG)
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    assert not (site / "public").exists()


def test_keep_going_builds_the_rest_lists_the_rejected_and_exits_1(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", ARTICLES, CONFIG)
    result = run_cli("build", "--source", str(site), "--keep-going")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert lines == [
        "left out: content/b.md",
        "content/b.md:3: `date`: impossible date `2025-13-01` (month must be in 1..12)",
        "left out: content/c.md",
        "content/c.md: two pages would be written to /2025/06/01/a/: content/a.md and content/c.md "
        "(give one of them a different `slug`)",
        "left out: content/d.md",
        "content/d.md:1: no front matter (start the file with a `---` line, then `title:` and `date:`, then `---`)",
        "build incomplete: 3 articles left out with errors (fix them and build again)",
    ]
    assert "3 articles left out" in result.stdout
    out = site / "public"
    assert (out / "2025/06/01/a/index.html").is_file() and (out / "2025/06/02/e/index.html").is_file()
    assert "Good one" in (out / "2025/06/01/a/index.html").read_text(encoding="utf-8")
    # nothing changed: the same answer, the same exit status
    again = run_cli("build", "--source", str(site), "--keep-going")
    assert again.returncode == 1 and again.stderr == result.stderr


def test_a_rejected_article_keeps_its_recorded_url(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("One"), "b.md": article("Two", date="2025-06-02")},
                      CONFIG)
    assert run_cli("build", "--source", str(site)).returncode == 0
    (site / "content/b.md").write_text("---\ntitle: Two\ndate: 2025-06-02\ndraft: maybe\n---\nB.\n", encoding="utf-8")
    result = run_cli("build", "--source", str(site), "--keep-going")
    assert result.returncode == 1
    assert "gone:" not in result.stdout
    lock = json.loads((site / "urls.lock").read_text(encoding="utf-8"))
    assert lock["articles"]["content/b.md"]["url"] == "/2025/06/02/b/"


def test_strict_keep_going_leaves_out_articles_with_warnings(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("One"),
                                          "b.md": article("Two", body="[x](missing.md)")}, CONFIG)
    result = run_cli("build", "--source", str(site), "--keep-going", "--strict")
    assert result.returncode == 1
    assert "left out: content/b.md" in result.stderr and "left out: content/a.md" not in result.stderr
    assert (site / "public/2025/06/01/a/index.html").is_file()
