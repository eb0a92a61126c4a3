"""The one store of what is kept between builds: safe to delete, ignored when damaged or foreign,
and never a reason for a build to differ from a clean one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import SRC, article, run_cli, write_site

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


@pytest.mark.parametrize("kind", ["dist-info", "egg-info"])
def test_another_version_of_a_library_makes_the_store_start_afresh(tmp_path: Path, kind: str) -> None:
    """A new Markdown may make other HTML of the same article: nothing kept under the old one is reused.
    The installed version is what packaging's metadata folder is named after (pip's ``dist-info``,
    Debian's ``egg-info``), here one put first on the path."""
    site = make_site(tmp_path / "site")
    build(site)
    newer = tmp_path / "libs"
    (newer / f"Markdown-99.0.{kind}").mkdir(parents=True)
    upgraded = {"PYTHONPATH": os.pathsep.join([str(newer), str(SRC), os.environ.get("PYTHONPATH", "")])}
    first = run_cli("build", "--source", str(site), env={**EPOCH, **upgraded})
    assert first.returncode == 0, first.stderr
    assert "nothing changed" not in first.stdout and "from the build cache" not in first.stdout
    again = run_cli("build", "--source", str(site), env={**EPOCH, **upgraded})
    assert "nothing changed" in again.stdout, again.stdout


def test_a_store_of_another_version_is_ignored_whole(tmp_path: Path) -> None:
    """Every file names the version it was written under; a file of another version reads as missing."""
    site = make_site(tmp_path / "site")
    build(site)
    first = tree(site / "public")
    for path in (site / ".ballerina-cache").iterdir():
        if path.is_file() and path.name != ".gitignore" and not path.name.startswith("lock-") \
                and path.suffix != ".json":  # the build lock; build-info, plain JSON
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
