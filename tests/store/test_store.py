"""The one store of what is kept between builds: safe to delete, ignored when damaged or foreign,
and never a reason for a build to differ from a clean one."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import article, run_cli, write_site

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01
CONFIG = "title: Store News\nbase_url: https://news.example/\ntimezone: UTC\nsearch: false\nauthor: {name: Desk}\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_site(root: Path) -> Path:
    return write_site(root, {f"a{i}.md": article(f"Story {i}", f"2025-05-0{i + 1}", f"Body {i}.", tags="[Film]")
                             for i in range(4)}, CONFIG)


def build(site: Path, *args: str) -> str:
    result = run_cli("build", "--source", str(site), *args, env=EPOCH)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_everything_kept_lives_in_one_folder_that_may_be_deleted_at_any_time(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    before = {p.name for p in site.iterdir()}
    build(site)
    made = {p.name for p in site.iterdir()} - before  # the output's lock is in the store too
    assert made == {"public", ".ballerina-cache", "urls.lock"}
    first = tree(site / "public")
    assert "4 of 4 articles from the build cache" in build(site)
    shutil.rmtree(site / ".ballerina-cache")
    again = build(site)
    assert "from the build cache" not in again and "nothing changed" not in again
    assert tree(site / "public") == first


def test_a_store_of_another_version_is_ignored_whole(tmp_path: Path) -> None:
    """Every file names the version it was written under; a file of another version reads as missing."""
    site = make_site(tmp_path / "site")
    build(site)
    first = tree(site / "public")
    for path in (site / ".ballerina-cache").iterdir():
        if path.is_file() and path.name != ".gitignore" and not path.name.startswith("lock-"):  # the build lock
            data = path.read_bytes()
            magic, rest = data.split(b"\n", 1)
            name, version, _key = rest.split(b"\n", 1)[0].split(b" ")
            path.write_bytes(magic + b"\n" + name + b" " + version + b" " + b"0" * 24 + b"\n"
                             + rest.split(b"\n", 1)[1])
    output = build(site)
    assert "nothing changed" not in output and "from the build cache" not in output
    assert tree(site / "public") == first


def test_a_stranger_file_in_the_store_changes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    build(site)
    first = tree(site / "public")
    (site / ".ballerina-cache" / "articles-0").write_bytes(b"not ours at all")
    (site / ".ballerina-cache" / "related").write_bytes(b"BALLERINA-STORE\n")
    build(site, "--no-cache")
    assert tree(site / "public") == first
    (site / "content" / "a1.md").write_text(article("Story one, retold", "2025-05-02", "New words."),
                                            encoding="utf-8")
    build(site)
    clean = tmp_path / "clean"
    result = run_cli("build", "--source", str(site), "--no-cache", "-o", str(clean), env=EPOCH)
    assert result.returncode == 0, result.stderr
    assert tree(site / "public") == tree(clean)
