"""The one concurrency module (pipeline/parallel.py): how work is cut up and handed out, that the
serial and the parallel paths give the same results and the same site, and that a pool started from
a threaded process (the live preview) works."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import pytest

from ballerina_site.pipeline import parallel, parsing
from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.render import environment as render
from ballerina_site.site.pages import Page

from conftest import article, only_this_thread, write_image, write_site

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("count", [0, 1, 7, 20, 100, 10_000, 18_140])
def test_chunks_cover_every_item_in_order_and_shrink_towards_the_end(count):
    items = list(range(count))
    slices = parallel.chunks(items, 2)
    assert [item for part in slices for item in part] == items
    left = count
    for part in slices:
        assert 0 < len(part) <= max(8, -(-left // 4)), (count, len(part), left)  # a 4th of what is left
        left -= len(part)
    if count >= 10_000:
        assert len(slices[0]) == -(-count // 32)  # progress still moves: at most a 32nd at a time
        assert len(slices[-1]) <= 8  # the last worker to finish waits for at most a few items


@pytest.mark.parametrize("largest", [1, 3])
def test_a_cap_on_the_slice_size_is_kept_and_every_item_still_covered(largest):
    """Long items (pictures) go out a few at a time: an interrupt waits only for those being worked on."""
    items = list(range(100))
    slices = parallel.chunks(items, 2, largest=largest)
    assert [item for part in slices for item in part] == items
    assert max(map(len, slices)) == largest
    results = parallel.run(_square_with_pid, items, 0, 2, largest=largest)
    assert [square for square, _ in results] == [i * i for i in items]


def _square_with_pid(offset: int, part: Sequence[int]) -> list[tuple[int, int]]:
    return [(offset + task * task, os.getpid()) for task in part]


def _run_squares(jobs: int) -> tuple[list[tuple[int, int, int]], list[int], list[int]]:
    handled: list[int] = []
    counted: list[int] = []

    def each(part: Sequence[int], results: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        assert [value for value, _ in results] == [1 + task * task for task in part]
        handled.extend(value for value, _ in results)
        return [(value, worker, os.getpid()) for value, worker in results]

    results = parallel.run(_square_with_pid, list(range(100)), 1, jobs, each=each, progress=counted.append)
    return results, handled, counted


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_result_is_handled_in_this_process_in_item_order(jobs):
    results, handled, counted = _run_squares(jobs)
    assert [value for value, _, _ in results] == [1 + n * n for n in range(100)]
    assert sorted(handled) == [1 + n * n for n in range(100)]
    assert sum(counted) == 100
    assert {here for _, _, here in results} == {os.getpid()}  # ``each`` ran here
    workers_seen = {worker for _, worker, _ in results}
    assert (workers_seen == {os.getpid()}) == (jobs == 1)  # the work ran in workers when asked to


def test_a_pool_started_from_a_threaded_process_does_not_fork():
    """With another thread alive, workers are started clean and take the state pickled."""
    outcome: dict[str, object] = {}
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        def work() -> None:
            outcome["method"] = parallel.start_method()
            outcome["run"] = _run_squares(2)

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
    finally:
        stop.set()
        other.join()
    assert outcome["method"] != "fork"
    results, _, _ = outcome["run"]  # type: ignore[misc]
    assert [value for value, _, _ in results] == [1 + n * n for n in range(100)]
    assert {worker for _, worker, _ in results} != {os.getpid()}
    assert parallel.start_method() == "fork"  # one thread again: forking is safe


def _page(kind: str, path: str) -> Page:
    return Page(path=path, template=f"{kind}.html", kind=kind, title=kind)


def test_one_of_a_kind_pages_are_rendered_first():
    pages = [_page("article", "/a/"), _page("article", "/b/"), _page("home", "/"), _page("home", "/page/2/"),
             _page("tag_index", "/tags/"), _page("archive", "/archive/")]
    order = render.heaviest_first(pages)
    assert [pages[n].kind for n in order] == ["tag_index", "archive", "article", "article", "home", "home"]
    assert sorted(order) == list(range(len(pages)))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    articles = {f"s{i:02d}.md": article(f"Story {i}", f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}",
                                        f"Body of story {i}.\n\n## Part\n\n- one\n- two\n",
                                        tags=f"[Tag {i % 5}, Ballerina]", category="Movies" if i % 2 else "Trailers")
                for i in range(40)}
    articles["broken.md"] = article("Broken", "2025-02-02", "Text.", titel="typo")  # a warning, in page order
    for i in range(3):  # pictures go out one a slice, cards in the usual slices: the same bytes either way
        articles[f"p{i}.md"] = article(f"Picture {i}", "2025-03-03", "Text.", image=f"/images/p{i}.png",
                                       image_alt="A still")
    root = write_site(tmp_path_factory.mktemp("parallel") / "site", articles,
                      "title: Test News\nbase_url: https://news.example/\nsearch: false\nauthor: {name: Desk}\n")
    for i, colour in enumerate(("#123456", "#654321", "#9b1226")):
        write_image(root / f"static/images/p{i}.png", 900, 600, colour=colour)
    return root


def _build(site: Path, out: Path, jobs: int) -> tuple[dict[str, bytes], list[str]]:
    shutil.rmtree(out, ignore_errors=True)
    report = build(BuildOptions(root=site, output=out, now=NOW, cache=False, jobs=jobs, record_urls=False))
    return tree(out), [str(warning) for warning in report.summary.warnings]


@pytest.fixture
def pools_for_small_sites(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(render, "RENDER_POOL_THRESHOLD", 1)


@pytest.mark.usefixtures("pools_for_small_sites")
def test_the_serial_and_the_parallel_builds_give_the_same_bytes(site: Path, tmp_path: Path) -> None:
    serial = _build(site, tmp_path / "serial", jobs=1)
    spread = _build(site, tmp_path / "spread", jobs=2)
    assert spread == serial
    assert "index.html" in serial[0] and any("titel" in warning for warning in serial[1])


@pytest.mark.usefixtures("pools_for_small_sites")
def test_a_build_in_a_thread_beside_another_gives_the_same_bytes(site: Path, tmp_path: Path) -> None:
    """As in the live preview: the build runs while other threads are alive, so no worker is forked."""
    expected = _build(site, tmp_path / "main", jobs=2)
    outcome: list[object] = []
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)  # stands for the preview's HTTP server
    server.start()
    try:
        builder = threading.Thread(target=lambda: outcome.append(_build(site, tmp_path / "threaded", jobs=2)))
        builder.start()
        builder.join()
    finally:
        stop.set()
        server.join()
    assert outcome == [expected]


def _die_in_a_worker(parent: int, part: Sequence[int]) -> list[int]:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
    return [item * 2 for item in part]


def test_a_pool_whose_workers_die_leaves_the_work_to_this_process():
    assert parallel.run(_die_in_a_worker, list(range(50)), os.getpid(), 2) == [n * 2 for n in range(50)]


def test_work_ahead_runs_in_another_process_while_this_one_goes_on():
    only_this_thread()
    parent = os.getpid()
    pending = parallel.ahead(lambda: (os.getpid(), {"files": [1, "two"]}))
    assert pending is not None  # one thread: forking is safe
    here = sum(range(1000))  # this process is free meanwhile
    worker, value = pending.taken()
    assert worker != parent and value == {"files": [1, "two"]} and here == 499500


def test_work_ahead_is_not_started_from_a_threaded_process():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        pending = parallel.ahead(lambda: "listed")
    finally:
        stop.set()
        other.join()
    assert pending is None  # the caller does the work itself, as the live preview does


def test_work_ahead_whose_process_dies_or_fails_is_left_to_the_caller():
    only_this_thread()
    killed = parallel.ahead(lambda: os.kill(os.getpid(), signal.SIGKILL))  # as the OOM killer would
    failed = parallel.ahead(lambda: 1 // 0)
    assert killed is not None and failed is not None
    assert killed.taken() is None and failed.taken() is None


def test_two_processes_meeting_take_every_item_once_the_other_from_the_back():
    only_this_thread()
    meet = parallel.Meet(1000, chunk=7)
    items = list(range(1000))
    pending = parallel.ahead(lambda: [item for span in meet.back() for item in items[span]])
    assert pending is not None
    mine = [item for span in meet.front() for item in items[span]]
    theirs = pending.taken()
    assert theirs is not None and sorted(mine + theirs) == items  # each once
    assert mine == items[:meet.met()] and sorted(theirs) == items[meet.met():]


def test_items_no_other_process_takes_are_all_taken_from_the_front():
    meet = parallel.Meet(100, chunk=8)
    assert [item for span in meet.front() for item in range(100)[span]] == list(range(100))
    assert meet.met() == 100

