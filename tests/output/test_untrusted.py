"""Nothing in a content folder writes outside the output, reads outside the site, or runs as code."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ballerina_site.cli.main import main
from conftest import write_image, write_site

CONFIG = "title: Test News\nbase_url: https://news.example/\ntimezone: UTC\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    status = main(list(args))
    return status, capsys.readouterr().err.splitlines()


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


HOSTILE_FRONT_MATTER = [
    'slug: "../../../../tmp/escaped"',
    'slug: "/etc/passwd"',
    'slug: "..\\\\..\\\\windows"',
    'slug: "con"',
    'slug: "a:b"',
    'tags: ["../../etc", "..\\\\evil", "/abs/path", "nul", "C:\\\\x", "aux.txt"]',
    'category: "../../outside"',
    'category: "/etc"',
    'image: "../../../etc/passwd"',
]


@pytest.mark.parametrize("line", HOSTILE_FRONT_MATTER)
def test_hostile_names_stay_inside_the_output(line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": f"---\ntitle: A\ndate: 2025-06-01\n{line}\n---\nWords.\n"}, CONFIG)
    before = files_under(tmp_path)
    code, lines = run(capsys, "build", "--source", str(site))
    assert code == 0, lines
    # by design outside the output: the record of published URLs, and the store: the build lock, parsed
    # articles and the records of inputs and output files (names no slug can steer)
    written = files_under(tmp_path) - before - {"site/urls.lock", "site/.ballerina-cache",
                                                "site/.ballerina-cache/.gitignore",
                                                "site/.ballerina-cache/related",
                                                "site/.ballerina-cache/template-reads",
                                                "site/.ballerina-cache/partial-inputs"}
    records = {name for name in written
               if re.fullmatch(r"site/\.ballerina-cache/(outputs|uptodate|uptodate-outputs|lock|search|hosts|published)-[0-9a-f]{16}", name)
               or re.fullmatch(r"site/\.ballerina-cache/build-info-[0-9a-f]{16}\.json", name)}
    shards = {name for name in written if re.fullmatch(r"site/\.ballerina-cache/articles-[0-9a-f]", name)}
    assert len(records) == 8 and len(shards) == 1, written  # one article: one shard (records: see docs/architecture.md)
    compiled = {name for name in written
                if re.fullmatch(r"site/\.ballerina-cache/templates-[0-9a-f]+(/__jinja2_[0-9a-f]{40}\.cache)?", name)}
    processed = {name for name in written  # social cards and pictures, by a hash of their inputs
                 if re.fullmatch(r"site/\.ballerina-cache/images(-index|-entries|/[0-9a-f]{2}(/[0-9a-f]{32}"
                                 r"(/(manifest|[0-9a-z]+\.(png|jpg|webp|avif)))?)?)?", name)}
    written -= records | shards | compiled | processed  # compiled templates are named by a hash of the template name
    assert written and all(name.startswith("site/public") for name in written)
    for name in written:
        part = name.split("/")
        assert ".." not in part and all(":" not in p and "\\" not in p for p in part)
        assert all(p.split(".")[0].lower() not in {"con", "nul", "aux", "prn"} for p in part)


def test_nul_byte_is_a_problem_not_a_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {}, CONFIG)
    (site / "content" / "a.md").write_bytes(b"---\ntitle: A\ndate: 2025-06-01\nslug: \"a\x00b\"\n---\nx\n")
    code, lines = run(capsys, "build", "--source", str(site))
    assert code == 1
    assert lines[0] == ("content/a.md:4:9: invalid YAML: unacceptable character #x0000: control characters are "
                        "not allowed (remove the invisible character)")
    assert not (site / "public").exists()


def test_symlinks_out_of_the_site_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.md").write_text("---\ntitle: Secret\ndate: 2025-06-01\n---\nSECRET\n")
    (outside / "dir" / "more.md").write_text("---\ntitle: More\ndate: 2025-06-01\n---\nSECRET\n")
    (outside / "secret.css").write_text("SECRET")
    site = write_site(tmp_path / "site", {"a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nx\n"}, CONFIG)
    (site / "static").mkdir()
    os.symlink(outside / "secret.md", site / "content" / "secret.md")
    os.symlink(outside / "dir", site / "content" / "dir")
    os.symlink(outside / "secret.css", site / "static" / "secret.css")
    os.symlink(outside, site / "static" / "everything")
    (site / "content" / "inside.md").symlink_to(site / "content" / "a.md")  # inside the site: fine, but a
    code, lines = run(capsys, "check", "--source", str(site))                # second article at its own URL
    hint = "(copy the file into {0}/ instead of linking to it)"
    assert code == 1
    assert lines == [
        "content/dir: symlink points outside the site folder; refused " + hint.format("content"),
        "content/secret.md: symlink points outside the site folder; refused " + hint.format("content"),
        "static/everything: symlink points outside the site folder; refused " + hint.format("static"),
        "static/secret.css: symlink points outside the site folder; refused " + hint.format("static"),
        "check failed: 4 errors",
    ]
    for name in ("secret.md", "dir", "secret.css", "everything"):
        for folder in ("content", "static"):
            if (site / folder / name).is_symlink():
                (site / folder / name).unlink()
    assert run(capsys, "build", "--source", str(site))[0] == 0
    assert all("SECRET" not in p.read_text(errors="replace") for p in (site / "public").rglob("*") if p.is_file())


HOSTILE = {
    "title": '<script>alert("title")</script> & "Ballerina" \'quotes\'',
    "tag": '<b onmouseover="alert(1)">tag</b>',
    "summary": '" onmouseover="alert(\'summary\')" x=\' &amp; &lt;',
    "author": "</title><script>alert('author')</script>",
    "category": "<i>cat</i>&amp;",
    "image_alt": '" onerror="alert(1)',
}


def test_front_matter_values_are_escaped_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    meta = {"title": HOSTILE["title"], "date": "2025-06-01", "tags": [HOSTILE["tag"], "Plain"],
            "summary": HOSTILE["summary"], "author": HOSTILE["author"], "category": HOSTILE["category"],
            "image": "/poster.png", "image_alt": HOSTILE["image_alt"]}
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\nPlain words.\n"
    site = write_site(tmp_path / "site", {"a.md": text, "b.md": "---\ntitle: B\ndate: 2025-06-02\ntags: [Plain]\n---\nx\n"},
                      CONFIG)
    write_image(site / "static/poster.png", 800, 450)
    assert run(capsys, "build", "--source", str(site))[0] == 0
    pages = [p for p in (site / "public").rglob("*.html")]
    assert len(pages) > 5
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        # only the theme's own script files and JSON-LD data: no script made of front matter text
        assert soup.find("script", src=False, type=lambda t: t != "application/ld+json") is None, page
        assert soup.find("b") is None and soup.find("i") is None, page
        for element in soup.find_all(True):
            assert not any(name.startswith("on") for name in element.attrs), (page, element)
    story = BeautifulSoup((site / "public/2025/06/01/a/index.html").read_text(), "html.parser")
    assert story.select_one("h1").get_text() == HOSTILE["title"]
    shown_summary = HOSTILE["summary"].replace("&amp;", "&").replace("&lt;", "<")  # a summary may use entities
    assert story.select_one(".story__standfirst").get_text() == shown_summary
    assert story.select_one(".story__author").get_text() == HOSTILE["author"]
    assert story.find("meta", attrs={"name": "description"})["content"] == shown_summary
    assert story.select_one(".story__hero img")["alt"] == HOSTILE["image_alt"]
    assert HOSTILE["tag"] in [a.get_text() for a in story.select(".tags a")]
    assert story.title.get_text().startswith(HOSTILE["title"])


BODY = 'Before.\n\n<div class="embed"><script>alert(1)</script></div>\n\nInline <b>bold</b> and [x](javascript:alert(2)).\n'


@pytest.mark.parametrize("unsafe", [None, True, False])
def test_raw_html_kept_by_default_and_escaped_when_configured(unsafe: bool | None, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = CONFIG + ("" if unsafe is None else f"markdown:\n  unsafe_html: {str(unsafe).lower()}\n")
    site = write_site(tmp_path / "site", {"a.md": f"---\ntitle: A\ndate: 2025-06-01\n---\n{BODY}"}, config)
    assert run(capsys, "build", "--source", str(site))[0] == 0
    body = BeautifulSoup((site / "public/2025/06/01/a/index.html").read_text(), "html.parser").select_one(".story__body")
    if unsafe is False:
        assert body.find("script") is None and body.find("b") is None and body.find("div") is None
        assert '<script>alert(1)</script>' in body.get_text() and "<b>bold</b>" in body.get_text()
        assert body.find("a")["href"] == "#"
    else:
        assert body.select_one("div.embed script").get_text() == "alert(1)"
        assert body.find("b").get_text() == "bold"
        assert body.find("a")["href"] == "javascript:alert(2)"
