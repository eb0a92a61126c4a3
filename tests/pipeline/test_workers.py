"""How work is cut up and handed out across the cores (workers.py), and the render order."""

from __future__ import annotations

import os

import pytest

from ballerina_site.render import environment as render

from ballerina_site.pipeline import workers
from ballerina_site.site.pages import Page


@pytest.mark.parametrize("count", [0, 1, 7, 20, 100, 10_000, 18_140])
def test_chunks_cover_every_item_in_order_and_shrink_towards_the_end(count):
    items = list(range(count))
    slices = workers.chunks(items, 2)
    assert [item for part in slices for item in part] == items
    left = count
    for part in slices:
        assert 0 < len(part) <= max(8, -(-left // 4)), (count, len(part), left)  # a 4th of what is left
        left -= len(part)
    if count >= 10_000:
        assert len(slices[0]) == -(-count // 32)  # progress still moves: at most a 32nd at a time
        assert len(slices[-1]) <= 8  # the last worker to finish waits for at most a few items


def _square_with_pid(task: int) -> list[tuple[int, int]]:
    return [(task * task, os.getpid())]


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_result_is_handled_in_this_process_in_task_order(jobs):
    handled = []

    def each(result: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        handled.append(result[0][0])
        return [(value, worker, os.getpid()) for value, worker in result]

    results = workers.run(_square_with_pid, list(range(12)), None, jobs, each=each)
    assert [part[0][0] for part in results] == [n * n for n in range(12)]
    assert sorted(handled) == [n * n for n in range(12)]
    assert {part[0][2] for part in results} == {os.getpid()}  # ``each`` ran here
    workers_seen = {part[0][1] for part in results}
    assert (workers_seen == {os.getpid()}) == (jobs == 1)  # the tasks ran in workers when asked to


def _page(kind: str, path: str) -> Page:
    return Page(path=path, template=f"{kind}.html", kind=kind, title=kind)


def test_one_of_a_kind_pages_are_rendered_first():
    pages = [_page("article", "/a/"), _page("article", "/b/"), _page("home", "/"), _page("home", "/page/2/"),
             _page("tag_index", "/tags/"), _page("archive", "/archive/")]
    order = render._heaviest_first(pages)
    assert [pages[n].kind for n in order] == ["tag_index", "archive", "article", "article", "home", "home"]
    assert sorted(order) == list(range(len(pages)))
