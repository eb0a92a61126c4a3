"""Listings of the previous output (what a rebuild may keep) and the atomic folder swap of the
platform module, with its portable two-rename fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballerina_site.output import listing as listing_module, system
from ballerina_site.output.listing import Listing, listing, unchanged
from ballerina_site.output.ownership import MARKER, MARKER_TEXT
from ballerina_site.output.previous import claim_output
from ballerina_site.output.writer import Staging
from ballerina_site.pipeline.parallel import ahead

from conftest import only_this_thread


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


@pytest.mark.parametrize("sizes", [True, False])
def test_a_listing_names_files_and_folders_and_never_follows_a_symlink(tmp_path: Path, sizes: bool) -> None:
    folder = make_tree(tmp_path)
    found = listing(folder, sizes)
    assert set(found.files) == {"news/a/index.html", "index.html", "é.txt"}
    assert found.folders == {"news", "news/a", "news/empty"}
    assert sorted(found.others) == ["link.html", "linked"]  # symlinks: named, never followed
    assert found.files["index.html"].path == f"{folder}/index.html"
    assert found.files["index.html"].stat.inode == (folder / "index.html").stat().st_ino
    assert (found.files["index.html"].stat.size == 4) is sizes


def test_a_missing_or_symlinked_folder_lists_as_empty(tmp_path: Path) -> None:
    folder = make_tree(tmp_path)
    (tmp_path / "alias").symlink_to(folder, target_is_directory=True)
    assert listing(tmp_path / "missing") == Listing({}, set(), [])
    assert listing(tmp_path / "alias") == Listing({}, set(), [])


def wide_tree(root: Path) -> Path:
    folder = root / "public"
    for year in range(2015, 2021):
        for slug in ("a", "b", "c"):
            (folder / f"{year}/{slug}").mkdir(parents=True)
            (folder / f"{year}/{slug}/index.html").write_text(f"{year} {slug}")
    (folder / "index.html").write_text("home")
    return folder


@pytest.mark.parametrize("split", [None, ahead])
def test_the_nothing_changed_comparison_finds_any_change_in_either_half(tmp_path: Path, split,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``split``, another process compares half of the folders: a change in any folder, top or
    deep, is still found, and an untouched tree is still the same."""
    folder = wide_tree(tmp_path)
    found = listing(folder)
    record = {relative: tuple(old.stat) for relative, old in found.files.items()}

    monkeypatch.setattr(listing_module, "SPLIT_FROM", 1)  # halved even for this small tree

    def same() -> bool:
        return unchanged(folder, record, found.folders, {}, split)
    only_this_thread()
    assert same()
    for year in range(2015, 2021):  # a hand edit deep in each folder, one at a time
        page = folder / f"{year}/b/index.html"
        kept = page.read_text()
        page.write_text(kept + " edited by hand")
        assert not same(), year
        page.write_text(kept)
        record[f"{year}/b/index.html"] = tuple(listing(folder).files[f"{year}/b/index.html"].stat)
    assert same()
    (folder / "2018/c/stray.html").write_text("not made by the tool")
    assert not same()
    (folder / "2018/c/stray.html").unlink()
    (folder / "2016/a/index.html").unlink()
    assert not same()


def contents(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def two_versions(root: Path) -> tuple[Path, Path, Path]:
    output, new = root / "public", root / ".public.building-1"
    (output / "old").mkdir(parents=True)
    (output / "old/index.html").write_text("old page")
    (output / "index.html").write_text("old home")
    (new / "fresh").mkdir(parents=True)
    (new / "index.html").write_text("new home")
    (new / "fresh/index.html").write_text("new page")
    return output, new, root / ".public.previous-1"


@pytest.mark.parametrize("exchange_ok", [True, False])
def test_the_swap_and_its_fallback_leave_the_same_folders(tmp_path: Path, exchange_ok: bool) -> None:
    output, new, aside = two_versions(tmp_path)
    previous = system.replace_folder(new, output, aside, exchange_ok)
    assert contents(output) == {"index.html": "new home", "fresh/index.html": "new page"}
    assert previous is not None and contents(previous) == {"index.html": "old home", "old/index.html": "old page"}
    if not exchange_ok:
        assert previous == aside and not new.exists()
    elif previous == new:  # one exchange: the new folder's path now holds the old output
        assert not aside.exists()


@pytest.mark.parametrize("exchange_ok", [True, False])
def test_a_first_swap_has_no_previous_folder(tmp_path: Path, exchange_ok: bool) -> None:
    output, new, aside = two_versions(tmp_path)
    output.rename(tmp_path / "elsewhere")
    assert system.replace_folder(new, output, aside, exchange_ok) is None
    assert contents(output) == {"index.html": "new home", "fresh/index.html": "new page"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "public"]


def test_files_dropped_after_all_leave_no_empty_folder_behind(tmp_path: Path) -> None:
    """A search bundle the previous output had and this build does not make (an index made afresh):
    its folders go, even where the spare tree held them with other files."""
    output, spare, lock = tmp_path / "public", tmp_path / "spare", tmp_path / "lock"
    for tree, bundle in ((output, "new.pf"), (spare, "old.pf")):
        (tree / "pagefind/delta/fragment").mkdir(parents=True)
        (tree / "pagefind/delta/fragment" / bundle).write_bytes(b"bundle")
        (tree / "index.html").write_text("home")
        (tree / MARKER).write_bytes(MARKER_TEXT)
    with claim_output(output, spare, lock) as previous:
        with Staging(output, previous) as staging:
            staging.prepare({"index.html", "pagefind/delta/fragment/new.pf"})
            staging.drop(["pagefind/delta/fragment/new.pf"])
            staging.complete({"index.html": b"home"}, {})
    assert listing(output).folders == set()  # nothing but the page and the marker
    assert (output / "index.html").read_text() == "home"
