"""The benchmark corpus generator: deterministic, realistic enough to exercise every path."""

from __future__ import annotations

import re
import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate_site  # noqa: E402

from ballerina_site.pipeline.build import BuildOptions  # noqa: E402
from ballerina_site.pipeline.load import load_site  # noqa: E402


def test_same_seed_same_bytes_and_a_valid_site(tmp_path):
    first = generate_site(tmp_path / "a", 40, seed=7)
    second = generate_site(tmp_path / "b", 40, seed=7)
    files = sorted(p.name for p in (first / "content").iterdir())
    assert len(files) == 40
    assert files == sorted(p.name for p in (second / "content").iterdir())
    for name in files:
        assert (first / "content" / name).read_bytes() == (second / "content" / name).read_bytes()
    other = generate_site(tmp_path / "c", 40, seed=8)
    assert sorted(p.name for p in (other / "content").iterdir()) != files

    site = load_site(BuildOptions(root=first, future=True)).site
    assert len(site.articles) == 40
    for article in site.articles:
        assert 3 <= len(article.tags) <= 6
        assert 550 <= article.word_count <= 1100, (article.source, article.word_count)
        assert article.category is not None and article.author
    bodies = [article.body_html for article in site.articles]
    for block in ("<h2", "<ul>", "<ol>", "<blockquote>", '<a href="https://'):
        assert sum(block in body for body in bodies) >= 10, block  # headings, lists, quotes, links
    names = {tag.name for tag in site.tags}
    assert any(not name.isascii() for name in names)  # Amélie, Agnès Varda, Ruben Östlund ...
    years = {article.date.year for article in site.articles}
    assert len(years) >= 3


def test_benchmark_prints_every_scenario_and_deletes_nothing_until_the_end(tmp_path):
    """The real command at a tiny size: each cold run starts from nothing (no article from the cache)
    although earlier outputs were only set aside, and those are gone once the table is printed."""
    import subprocess

    work = tmp_path / "work"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks/run.py"), "--sizes", "25", "--runs", "2",
                           "--profiles", "comparable", "--work", str(work)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {cells[2]: cells for cells in (line.strip("|").split("|") for line in done.stdout.splitlines()
                                          if line.startswith("| 25 "))}
    rows = {name.strip(): [cell.strip() for cell in cells] for name, cells in rows.items()}
    assert set(rows) == {"cold", "warm", "first edit", "edit article", "edit template"}
    assert rows["cold"][7] == "0" and rows["warm"][7] == "25"  # articles from the cache
    assert int(rows["cold"][6].replace(",", "")) > 25  # pages
    assert (work / "ours-comparable-25" / "public" / "index.html").is_file()
    assert not (work / "set-aside").exists()


class FakeClock:
    """Stands in for the ``time`` module in benchmarks/run.py: a clock that moves only when told, and
    a ``sleep`` that records how long it was asked to wait instead of waiting."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_set_aside_moves_a_tree_instead_of_deleting_it(tmp_path, monkeypatch, capsys):
    import run

    clock = FakeClock(1_000_000.0)
    monkeypatch.setattr(run, "WORK", tmp_path / "work")
    monkeypatch.setattr(run, "time", clock)
    tree = tmp_path / "work" / "site" / "public"
    (tree / "a").mkdir(parents=True)
    (tree / "a" / "index.html").write_text("kept until the end")
    run.set_aside(tree)
    run.set_aside(tree)  # nothing there any more: nothing to do
    assert not tree.exists()
    moved = list((tmp_path / "work" / "set-aside").iterdir())
    assert [(path / "a" / "index.html").read_text() for path in moved] == ["kept until the end"]
    run.drop_set_aside()
    assert not (tmp_path / "work" / "set-aside").exists()
    assert (tmp_path / "work" / "set-aside-dropped").is_file()  # when: the next run settles first
    run.settle(1.0)  # right after the drop: the whole second is left to wait
    clock.now += 0.75
    run.settle(1.0)  # a quarter of a second later... the rest of it
    run.settle(0)  # --settle 0: no wait
    clock.now += 5
    run.settle(1.0)  # long since: no wait
    assert clock.slept == [1.0, 0.25]
    assert capsys.readouterr().err.count("waiting") == 2


@pytest.mark.slow
def test_benchmark_measures_precompression_and_the_first_view(tmp_path):
    """The default beside the same build without precompressed copies (their cost), and the bytes of a
    reader's first article view as served plain and from the copies."""
    import subprocess

    work = tmp_path / "work"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks/run.py"), "--sizes", "25", "--runs", "1",
                           "--profiles", "default", "uncompressed", "--work", str(work)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "## uncompressed" in done.stdout and "## default" in done.stdout
    assert not list((work / "ours-uncompressed-25" / "public").rglob("*.br"))
    view = re.search(r"25 articles: first article view \(.+?, (\d+) files: HTML, CSS, JS\): ([\d.]+) KB plain, "
                     r"([\d.]+) KB Brotli", done.stdout)
    assert view, done.stdout
    assert int(view[1]) >= 2 and float(view[3]) * 2 < float(view[2])
    packing = re.search(r"25 articles: precompression, from the build's own line \(median\): cold ([\d.]+) s "
                        r"\(([\d.]+)% of the build\)", done.stdout)
    assert packing, done.stdout
    assert 0 <= float(packing[2]) < 50  # 25 articles compress in milliseconds
