"""Listings of the output and the spare tree, made by another process on a big site: the same as
made in the build process, and made there instead when that process fails or lies."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from ballerina_site.output import listing as listing_module
from ballerina_site.output.listing import Lister, listing


def make_tree(root: Path) -> Path:
    folder = root / "out"
    (folder / "news/a").mkdir(parents=True)
    (folder / "news/a/index.html").write_text("<p>a</p>")
    (folder / "news/empty").mkdir()
    (folder / "index.html").write_text("home")
    (folder / "é.txt").write_text("unicode name")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.html").write_text("not ours")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "link.html").symlink_to(outside / "secret.html")
    return folder


def fake_python(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-python"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.mark.parametrize("sizes", [True, False])
def test_another_process_lists_what_this_one_would(tmp_path, monkeypatch, sizes):
    folder = make_tree(tmp_path)
    expected = listing(folder, sizes)
    assert set(expected.files) == {"news/a/index.html", "index.html", "é.txt"}
    assert expected.folders == {"news", "news/a", "news/empty"}
    assert sorted(expected.others) == ["link.html", "linked"]  # symlinks: named, never followed
    assert expected.files["index.html"].stat.inode == (folder / "index.html").stat().st_ino
    assert (expected.files["index.html"].stat.size == 4) is sizes

    def not_here(*args: object) -> None:
        raise AssertionError("listed in the build process")

    with Lister([(folder, sizes), (tmp_path / "missing", True)]) as lister:
        monkeypatch.setattr(listing_module, "listing", not_here)
        assert lister.get(0) == expected
        assert lister.get(1) == listing_module.Listing({}, set(), [])  # a missing folder: empty


@pytest.mark.parametrize("script", ["exit 3", "echo not a listing", "printf '\\343'"])
def test_a_failed_or_garbled_lister_means_listing_here(tmp_path, monkeypatch, script):
    folder = make_tree(tmp_path)
    monkeypatch.setattr(sys, "executable", fake_python(tmp_path, script))
    with Lister([(folder, True)]) as lister:
        assert lister.get(0) == listing(folder)


def test_closing_an_unfinished_lister_ends_its_process(tmp_path, monkeypatch):
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(sys, "executable", fake_python(tmp_path, f"echo $$ > {pid_file}; exec sleep 600"))
    with Lister([(make_tree(tmp_path), True)]):
        for _ in range(500):
            if pid_file.is_file() and pid_file.read_text().strip():
                break
            time.sleep(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 60  # it did not wait for the process to end by itself
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped: not even a zombie
