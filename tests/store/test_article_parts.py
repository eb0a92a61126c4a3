"""Each article's share of its pages' fingerprints is kept in the store between builds and taken
while the article's file is unchanged. The later stages give an unchanged file's article new values
too: its pictures when an image's bytes change, a tag's spelling when other articles change it.
Each must still reach the pages, in a build run as a new process would (a new store
object, nothing kept in memory), after a build that kept the parts."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ballerina_site.pipeline.build import BuildOptions, build
from conftest import article, write_image, write_site

NOW = datetime(2025, 7, 1, tzinfo=timezone.utc)
CONFIG = "title: Part News\nbase_url: https://parts.example/\ntimezone: UTC\nsearch: false\nauthor: {name: Desk}\n"
PICTURED = ("---\ntitle: Pictured\ndate: 2025-06-01\nimage: /images/lead.png\nimage_alt: A stage\n"
            "tags: [box office]\n---\nIntro.\n\n![A red box](/images/body.png)\n")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def retag(site: Path) -> None:
    for name in ("b.md", "c.md"):
        path = site / "content" / name
        path.write_text(path.read_text(encoding="utf-8").replace("Box Office", "BOX OFFICE"), encoding="utf-8")


CHANGES = {
    "a tag spelled anew by the other articles": retag,
    "the bytes of a body image": lambda site: write_image(site / "static/images/body.png", 300, 200, colour="#123456"),
    "the bytes of the lead image": lambda site: write_image(site / "static/images/lead.png", 800, 600,
                                                            colour="#654321"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_what_the_later_stages_give_an_unchanged_article_reaches_its_pages(tmp_path: Path, change: str) -> None:
    site = write_site(tmp_path / "site", {
        "a.md": PICTURED,
        "b.md": article("B", "2025-06-02", tags="[Box Office]"),
        "c.md": article("C", "2025-06-03", tags="[Box Office]"),
        "z.md": article("Z", "2025-06-04")}, CONFIG)
    write_image(site / "static/images/lead.png", 800, 600)
    write_image(site / "static/images/body.png", 300, 200)
    out = tmp_path / "out"
    options = BuildOptions(root=site, output=out, now=NOW, cache=True, record_urls=False)
    build(options)
    (site / "content/z.md").write_text(article("Z", "2025-06-04", "Other words."), encoding="utf-8")
    build(options)  # an edit: every article's parts are made and kept
    assert (site / ".ballerina-cache/article-parts").is_file()
    before = tree(out)
    CHANGES[change](site)
    build(options)
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(BuildOptions(root=site, output=clean, now=NOW, record_urls=False))
    after, expected = tree(out), tree(clean)
    assert after == expected
    page = "2025/06/01/a/index.html"  # the pictured article, its file unchanged
    assert after[page] != before[page]
