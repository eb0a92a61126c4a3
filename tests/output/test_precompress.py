"""Precompressed copies: beside every text file worth it, the same bytes on every build, compressed
again only when the file changed."""

from __future__ import annotations

import gzip
import importlib
import os
import re
from pathlib import Path

import brotli

from conftest import article, run_cli, write_site

CONFIG = "title: T\nbase_url: https://news.example/\ntimezone: UTC\n"
KINDS = (".html", ".css", ".js", ".xml", ".json", ".svg", ".txt")


def build(site: Path, out: Path, *args: str) -> str:
    done = run_cli("build", "--source", str(site), "--output", str(out), "--no-search", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


PACKED = re.compile(r"(\d+) files precompressed in [\d.]+ s: ([\d.]+) KB -> ([\d.]+) KB Brotli, ([\d.]+) KB gzip"
                    r"(?:, (\d+) unchanged kept their copies)?\)$", re.M)


def make_site(root: Path, config: str = CONFIG) -> Path:
    return write_site(root, {"2025-06-01-a.md": article("A", "2025-06-01", body="Words " * 300),
                             "2025-06-02-b.md": article("B", "2025-06-02", body="Other words " * 300)}, config)


def originals(out: Path) -> list[Path]:
    return sorted(path for path in out.rglob("*") if path.is_file() and not path.name.endswith((".br", ".gz")))


def test_every_text_file_worth_it_has_a_brotli_and_a_gzip_copy_of_its_bytes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(make_site(tmp_path / "site"), out)
    with_copies = 0
    for path in originals(out):
        data = path.read_bytes()
        br, gz = Path(f"{path}.br"), Path(f"{path}.gz")
        if path.suffix in KINDS and len(data) >= 512:
            assert brotli.decompress(br.read_bytes()) == data, path
            packed = gz.read_bytes()
            assert gzip.decompress(packed) == data, path
            assert packed[3] & 0x08 == 0 and packed[4:8] == b"\0\0\0\0", path  # no file name, no time
            with_copies += 1
        else:  # a tiny file, an image, the host files: nothing to gain
            assert not br.exists() and not gz.exists(), path
    assert with_copies >= 12


def test_copies_are_reproducible_and_only_changed_files_are_compressed_again(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    first, second = tmp_path / "first", tmp_path / "second"
    build(site, first, "--no-cache")
    build(site, second, "--no-cache")
    copies = sorted(path.relative_to(first) for path in first.rglob("*.[bg][rz]"))
    assert copies and copies == sorted(path.relative_to(second) for path in second.rglob("*.[bg][rz]"))
    assert all((first / name).read_bytes() == (second / name).read_bytes() for name in copies)

    out = tmp_path / "out"
    build(site, out)
    files = [*copies, *{name.with_suffix("") for name in copies}]
    inodes = {name: os.stat(out / name).st_ino for name in files}
    (site / "content" / "2025-06-01-a.md").write_text(article("A", "2025-06-01", body="New words " * 300))
    build(site, out)
    changed = {name for name in files if os.stat(out / name).st_ino != inodes[name]}
    assert Path("2025/06/01/a/index.html.br") in changed
    for name in copies:  # a copy is made again exactly when its file changed
        assert (name in changed) == (name.with_suffix("") in changed), name
    assert len(changed) < len(files) / 2
    assert brotli.decompress((out / "2025/06/01/a/index.html.br").read_bytes()) == \
        (out / "2025/06/01/a/index.html").read_bytes()


def test_precompress_false_writes_no_copies(tmp_path: Path) -> None:
    """Not even of the search index, whose copies are made as it comes (pipeline/searching.py)."""
    out = tmp_path / "out"
    site = make_site(tmp_path / "site", CONFIG + "precompress: false\n")
    done = run_cli("build", "--source", str(site), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "pagefind" / "wasm.en.pagefind").is_file()
    assert not list(out.rglob("*.br")) and not list(out.rglob("*.gz"))


PAGEFIND_PACKED = (".pf_meta", ".pf_filter", ".pagefind")  # Pagefind's files that are gzip as it writes them


def assert_copies_match(out: Path) -> None:
    """Each copy decodes to its file; a Pagefind file's (Brotli only) to the bytes the file unpacks to,
    which Pagefind's runtime takes as they are."""
    for copy in out.rglob("*.[bg][rz]"):
        original = (copy.parent / copy.stem).read_bytes()
        if copy.stem.endswith(PAGEFIND_PACKED):
            assert copy.suffix == ".br" and not copy.with_suffix(".gz").exists(), copy
            original = gzip.decompress(original)
            assert original.startswith(b"pagefind_dcd"), copy
        unpack = brotli.decompress if copy.suffix == ".br" else gzip.decompress
        assert unpack(copy.read_bytes()) == original, copy


def test_copies_match_their_file_through_rebuilds_and_go_with_it(tmp_path: Path) -> None:
    """A rebuild starts from an older output (the spare tree) and keeps its copies where they are
    still right: every copy decodes to its file as it is now, whatever the older copy said."""
    site = make_site(tmp_path / "site")
    notes = site / "static" / "notes.txt"
    notes.parent.mkdir(exist_ok=True)
    out = tmp_path / "out"
    for round_, text in enumerate(("Long notes. " * 100, "Other long notes. " * 100, "Short.", "Short.")):
        notes.write_text(text)
        (site / "content" / "2025-06-01-a.md").write_text(article("A", "2025-06-01", body=f"Round {round_} " * 300))
        build(site, out)
        assert_copies_match(out)
        assert (out / "notes.txt.br").exists() == (len(text) >= 512)
    (site / "site.yaml").write_text(CONFIG + "precompress: false\n")
    build(site, out)
    assert not list(out.rglob("*.br")) and not list(out.rglob("*.gz"))


def test_the_build_reports_the_bytes_saved_and_what_it_cost(tmp_path: Path) -> None:
    site, out = make_site(tmp_path / "site"), tmp_path / "out"
    first = PACKED.search(build(site, out))
    assert first, "no precompression line"
    copies = sorted(out.rglob("*.br"))
    assert int(first[1]) == len(copies) and first[5] is None
    plain = sum(len(path.with_suffix("").read_bytes()) for path in copies)
    assert abs(float(first[2]) - plain / 1000) <= 1
    assert abs(float(first[3]) - sum(path.stat().st_size for path in copies) / 1000) <= 1
    assert float(first[3]) * 2 < float(first[2]) and float(first[4]) * 2 < float(first[2])

    (site / "content" / "2025-06-01-a.md").write_text(article("A", "2025-06-01", body="New words " * 300))
    again = PACKED.search(build(site, out))
    assert again and again[5] is not None
    assert 0 < int(again[1]) < len(copies) and int(again[1]) + int(again[5]) == len(copies)


def test_a_hard_link_kept_to_a_published_file_keeps_its_bytes_through_rebuilds(tmp_path: Path) -> None:
    """Rebuilds write over the files of their spare tree in place, which must never reach a file that
    has another name: here a reader's own hard links to a page and to its Brotli copy."""
    site, out = make_site(tmp_path / "site"), tmp_path / "out"
    build(site, out)
    page = Path("2025/06/02/b/index.html")
    kept = {name: tmp_path / f"kept-{index}" for index, name in enumerate((page, Path(f"{page}.br")))}
    for name, link in kept.items():
        os.link(out / name, link)
    before = {name: link.read_bytes() for name, link in kept.items()}
    for edit in range(4):  # from the second rebuild on, the spare tree holds files of its own
        (site / "content" / "2025-06-02-b.md").write_text(
            article("B", "2025-06-02", body=f"Edit {edit} of other words " * 300))
        build(site, out)
        now = (out / page).read_text(encoding="utf-8")
        assert f"Edit {edit} of other words" in now
        assert brotli.decompress((out / f"{page}.br").read_bytes()) == now.encode()
        assert {name: link.read_bytes() for name, link in kept.items()} == before


def test_a_page_a_server_still_has_open_is_never_written_into(tmp_path: Path) -> None:
    """A server sending a page from the output as it was two builds ago (the spare tree now) reads
    that page to the end, whatever the rebuilds write meanwhile."""
    site, out = make_site(tmp_path / "site"), tmp_path / "out"
    build(site, out)
    page = out / "2025/06/02/b/index.html"
    build_edit = [f"Edit {edit} of other words " * 300 for edit in range(3)]
    (site / "content" / "2025-06-02-b.md").write_text(article("B", "2025-06-02", body=build_edit[0]))
    build(site, out)
    with open(page, "rb") as sending, open(f"{page}.br", "rb") as sending_copy:
        before = page.read_bytes(), Path(f"{page}.br").read_bytes()
        for body in build_edit[1:]:
            (site / "content" / "2025-06-02-b.md").write_text(article("B", "2025-06-02", body=body))
            build(site, out)
        assert (sending.read(), sending_copy.read()) == before
    assert build_edit[2][:20] in page.read_text(encoding="utf-8")


def test_pages_compressed_while_the_indexer_works_get_the_same_copies(tmp_path: Path) -> None:
    """The search index is made by another program while the pages render; whatever time that
    leaves, the build compresses pages in (here it must: the indexer starts only once a copy is
    there). The output is the same, copies included, as when the indexer is quick."""
    real = importlib.import_module("pagefind_bin_extended").get_executable()
    site = make_site(tmp_path / "site")
    waiting = tmp_path / "waiting-pagefind"
    waiting.write_text(f"""#!/bin/sh
for tick in $(seq 1200); do
  [ -n "$(find '{tmp_path / "slow"}' -name '*.html.br' -print -quit 2>/dev/null)" ] && exec '{real}' "$@"
  sleep 0.05
done
exit 3
""", encoding="utf-8")
    waiting.chmod(0o755)
    trees = {}
    for name, env in (("quick", {}), ("slow", {"PAGEFIND_BINARY_PATH": str(waiting)})):
        out = tmp_path / name / "out"
        done = run_cli("build", "--source", str(site), "--output", str(out), "--no-cache", env=env)
        assert done.returncode == 0, done.stderr
        packed = PACKED.search(done.stdout)
        assert packed and int(packed[1]) == len(list(out.rglob("*.br")))
        trees[name] = {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*"))
                       if path.is_file() and path.name != "build-info.json"}
    assert trees["slow"] == trees["quick"]
    assert_copies_match(tmp_path / "slow" / "out")
