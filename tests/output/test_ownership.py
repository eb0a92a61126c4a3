"""The output folder is the tool's only when it says so: a build never deletes or swallows a folder,
a file or a link it did not make, and writes nothing beside the output but while it runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import article, run_cli, write_site

MARKER = ".ballerina-output"


def site_at(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"a.md": article("A")},
                      "title: Test News\nbase_url: https://news.example/\nsearch: false\n")


def test_every_output_carries_the_marker_and_it_says_nothing_private(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    assert run_cli("build", "--source", str(site)).returncode == 0
    text = (site / "public" / MARKER).read_text(encoding="utf-8")
    assert "ballerina-site" in text and str(tmp_path) not in text and os.uname().nodename not in text
    assert run_cli("build", "--source", str(site)).returncode == 0  # its own folder: replaced again


def test_a_folder_the_tool_did_not_make_is_refused(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = run_cli("build", "--source", str(site), "--output", str(documents))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: {documents} already holds files that ballerina-site did not make (it has no {MARKER} marker); "
        "refusing to replace them (choose a new or empty folder, or pass --force to move them aside to "
        "Documents.before-ballerina-<time> and build there)")
    assert sorted(p.name for p in documents.iterdir()) == ["thesis.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Documents", "site"]


def test_force_sets_the_folder_aside_and_no_later_build_deletes_it(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    documents = tmp_path / "Documents"
    (documents / "sub").mkdir(parents=True)
    (documents / "sub" / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = run_cli("build", "--source", str(site), "--output", str(documents), "--force")
    assert result.returncode == 0, result.stderr
    [aside] = tmp_path.glob("Documents.before-ballerina-*")
    assert f"moved what was in {documents} before to {aside} (nothing deletes it there)" in result.stdout
    assert (documents / MARKER).is_file() and (documents / "index.html").is_file()
    for _ in range(3):  # later builds (and a changed article) never touch what was set aside
        (site / "content" / "a.md").write_text(article("A changed"), encoding="utf-8")
        assert run_cli("build", "--source", str(site), "--output", str(documents)).returncode == 0
    assert (aside / "sub" / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    assert not list((site / ".ballerina-cache").rglob("thesis.txt"))


def test_an_output_of_an_earlier_release_is_still_the_tools(tmp_path: Path) -> None:
    """Outputs built before the marker existed published build-info.json naming the generator."""
    site = site_at(tmp_path)
    old = tmp_path / "site" / "public"
    old.mkdir()
    (old / "index.html").write_text("<p>old</p>", encoding="utf-8")
    (old / "build-info.json").write_text('{\n  "generator": "ballerina-site 0.1.0",\n  "built_at": "x"\n}\n',
                                         encoding="utf-8")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert (old / MARKER).is_file() and "old" not in (old / "index.html").read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*before-ballerina*")) and not list((tmp_path / "site").glob("*before-ballerina*"))


def test_a_look_alike_build_record_does_not_make_a_folder_the_tools(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "build-info.json").write_text('{"generator": "Hugo 0.111"}', encoding="utf-8")
    assert run_cli("build", "--source", str(site), "--output", str(other)).returncode == 1
    assert sorted(p.name for p in other.iterdir()) == ["build-info.json"]


def test_an_empty_folder_is_taken(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    (tmp_path / "www").mkdir()
    assert run_cli("build", "--source", str(site), "--output", str(tmp_path / "www")).returncode == 0
    assert (tmp_path / "www" / MARKER).is_file()


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_an_output_that_is_a_file_is_an_error(force: list[str], tmp_path: Path) -> None:
    site = site_at(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    result = run_cli("build", "--source", str(site), "--output", str(notes), *force)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: {notes} is a file, not a folder; refusing to replace it "
                                     "(choose a folder for the output, e.g. public/)")
    assert notes.read_text(encoding="utf-8") == "my notes"


def test_a_symlinked_output_builds_behind_the_link(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    link = tmp_path / "www"
    link.symlink_to(deploy)
    for title in ("First", "Second"):
        (site / "content" / "a.md").write_text(article(title), encoding="utf-8")
        result = run_cli("build", "--source", str(site), "--output", str(link))
        assert result.returncode == 0, result.stderr
        assert link.is_symlink() and os.readlink(link) == str(deploy)
        assert title in (deploy / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["missing", "file"])
def test_a_symlink_to_no_folder_is_refused(target: str, tmp_path: Path) -> None:
    site = site_at(tmp_path)
    pointed = tmp_path / target
    if target == "file":
        pointed.write_text("keep", encoding="utf-8")
    link = tmp_path / "www"
    link.symlink_to(pointed)
    result = run_cli("build", "--source", str(site), "--output", str(link))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: {link} is a symbolic link to {pointed}, which is not a folder; "
                                     "point it at a folder (the build writes into the folder behind the link)")
    assert link.is_symlink() and (target == "missing" or pointed.read_text(encoding="utf-8") == "keep")


def test_nothing_is_left_beside_the_output(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    out_parent = tmp_path / "var" / "www"
    out_parent.mkdir(parents=True)
    for _ in range(2):
        assert run_cli("build", "--source", str(site), "--output", str(out_parent / "html")).returncode == 0
    assert sorted(p.name for p in out_parent.iterdir()) == ["html"]
    assert not (site / ".ballerina.lock").exists()
    assert list((site / ".ballerina-cache").glob("lock-*"))


def test_no_cache_keeps_its_lock_in_the_store_folder_too(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    assert run_cli("build", "--source", str(site), "--no-cache", "--output", str(tmp_path / "out")).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]
    assert sorted(p.name for p in (site / ".ballerina-cache").iterdir())[0] == ".gitignore"


def test_serve_refuses_a_foreign_folder_too(tmp_path: Path) -> None:
    site = site_at(tmp_path)
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = run_cli("serve", "--source", str(site), "--output", str(documents), "--port", "0", timeout=60)
    assert result.returncode == 1
    assert "already holds files that ballerina-site did not make" in result.stderr
    assert (documents / "thesis.txt").read_text(encoding="utf-8") == "years of work"
