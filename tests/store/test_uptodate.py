"""A build that finds nothing changed says so and keeps the output as it is, printing what the last
build printed; anything that could change a byte (an input, an option, the clock, the output itself)
makes it a real build. Through the real command line, as an editor runs it."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from conftest import article, run_cli, write_site

UNCHANGED = "nothing changed since the last build"
CONFIG = ("title: Test News\nbase_url: https://news.example/\ntimezone: UTC\nsearch: false\n"
          "author: {name: Test Desk}\nimage: https://news.example/share.png\n")


def clock(year: int, month: int, day: int, hour: int = 12) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(datetime(year, month, day, hour, tzinfo=timezone.utc).timestamp()))}


def make_site(root: Path) -> Path:
    return write_site(root, {
        "one.md": article("One", "2025-06-01", "Words [two](two.md).", tags="[Ballerina]"),
        "two.md": article("Two", "2025-06-02", "More words.", tags="[Ballerina, John Wick]", titel="typo"),
        "later.md": article("Later", "2025-06-20T09:00:00Z", "Not yet.", tags="[Ballerina]"),
    }, CONFIG)


def files_with_times(output: Path) -> dict[str, tuple[bytes, int, int]]:
    return {p.relative_to(output).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(output.rglob("*")) if p.is_file()}


def build(site: Path, *args: str, when: dict[str, str] | None = None):
    result = run_cli("build", "--source", str(site), *args, env=when or clock(2025, 6, 10))
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_second_build_with_nothing_changed_keeps_everything_and_says_the_same(tmp_path):
    site = make_site(tmp_path / "site")
    first = build(site)
    assert UNCHANGED not in first.stdout
    before = files_with_times(site / "public")
    second = build(site, when=clock(2025, 6, 11))
    assert UNCHANGED in second.stdout
    # the same warnings and notes, the same counts
    assert "titel" in second.stderr and "next change: 2025-06-20T09:00:00+00:00" in second.stdout
    assert first.stderr == second.stderr
    assert first.stdout.splitlines()[:-1] == second.stdout.splitlines()[:-1]
    assert first.stdout.split(" in ")[0] == second.stdout.split(" in ")[0]  # "built N pages from M articles"
    after = files_with_times(site / "public")
    assert set(after) == set(before)
    changed = [path for path in after if after[path] != before[path]]
    assert changed == []  # every file untouched: same bytes, mtime and inode
    info = json.loads(next((site / ".ballerina-cache").glob("build-info-*.json")).read_text())  # made anew
    assert info["built_at"] == "2025-06-11T12:00:00Z" and info["next_change"] == "2025-06-20T09:00:00Z"


def test_the_clock_reaching_a_scheduled_article_makes_a_real_build(tmp_path):
    site = make_site(tmp_path / "site")
    build(site)
    assert not (site / "public/2025/06/20/later/index.html").exists()
    result = build(site, when=clock(2025, 6, 21))
    assert UNCHANGED not in result.stdout
    assert (site / "public/2025/06/20/later/index.html").is_file()
    assert UNCHANGED not in build(site, when=clock(2025, 6, 10)).stdout  # a clock set back: build


def test_an_edit_that_keeps_size_and_mtime_is_still_noticed(tmp_path):
    site = make_site(tmp_path / "site")
    build(site)
    path = site / "content" / "one.md"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Words", "Wards"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or a sync tool would
    assert UNCHANGED not in build(site).stdout
    assert "Wards" in (site / "public/2025/06/01/one/index.html").read_text(encoding="utf-8")


def test_a_changed_option_data_file_or_output_makes_a_real_build(tmp_path):
    site = make_site(tmp_path / "site")
    build(site)
    assert UNCHANGED in build(site).stdout
    assert UNCHANGED not in build(site, "--base-url", "/news/").stdout  # another option
    assert UNCHANGED in build(site, "--base-url", "/news/").stdout
    assert UNCHANGED not in build(site).stdout  # and back

    (site / "tags.yaml").write_text("ballerina:\n  description: Dance and revenge.\n", encoding="utf-8")
    assert UNCHANGED not in build(site).stdout  # a data file that did not exist before
    assert "Dance and revenge." in (site / "public/tags/ballerina/index.html").read_text(encoding="utf-8")

    planted = site / "public" / "tags" / "planted"
    planted.mkdir()  # an empty folder: a build would not leave it there
    assert UNCHANGED not in build(site).stdout
    assert not planted.exists()
    (site / "public" / "link").symlink_to(tmp_path)
    assert UNCHANGED not in build(site).stdout
    assert not (site / "public" / "link").exists()

    home = site / "public" / "index.html"
    made = home.read_text(encoding="utf-8")
    home.write_text(made + "<!-- a hand edit -->", encoding="utf-8")  # a file changed in place
    assert UNCHANGED not in build(site).stdout
    assert home.read_text(encoding="utf-8") == made
    copies = sorted((site / "public").rglob("*.html.br"))
    copies[0].unlink()  # a precompressed copy gone
    assert UNCHANGED not in build(site).stdout
    assert copies[0].is_file()
    assert UNCHANGED in build(site).stdout


def test_build_check_always_builds_and_checks_links(tmp_path):
    site = make_site(tmp_path / "site")
    build(site)
    result = build(site, "--check")
    assert UNCHANGED not in result.stdout and "all good" in result.stdout


def test_a_record_of_the_outputs_lost_or_from_another_build_makes_a_real_build(tmp_path):
    """The output's files are kept apart from the inputs' record (an edit's build never reads them):
    without them, or with the files of another build beside the inputs of this one, nothing can be
    vouched for."""
    site = make_site(tmp_path / "site")
    build(site)
    cache = site / ".ballerina-cache"
    [outputs] = cache.glob("uptodate-outputs-*")
    earlier = outputs.read_bytes()
    outputs.unlink()
    lost = build(site)
    assert UNCHANGED not in lost.stdout  # a real build, which records them again
    assert UNCHANGED in build(site).stdout
    (site / "content/two.md").write_text((site / "content/two.md").read_text() + "\nA new line.\n")
    build(site)  # a real build: its own record of the outputs
    outputs.write_bytes(earlier)  # the record of an earlier build put back beside this one's inputs
    assert UNCHANGED not in build(site).stdout
    assert "A new line." in (site / "public/2025/06/02/two/index.html").read_text()
