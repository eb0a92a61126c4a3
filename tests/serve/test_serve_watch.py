"""`serve --watch` on a temp copy of the default site: saves become served pages, tabs are told.

Each test runs the real command, edits real files and reads real HTTP and Server-Sent Events.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from conftest import write_image
from golden_site import copy_default_site
from servekit import BOUND, EventStream, ServeProcess, wait_until

REBUILT = r"^rebuilt \d+ pages?( \(\d+ rendered\))? in \d+ ms; saved -> served in \d+ ms"


@pytest.fixture
def site(tmp_path) -> Path:
    return copy_default_site(tmp_path / "site")


def first_article(site: Path) -> Path:
    return sorted((site / "content").glob("*.md"))[0]


def article_url(serve: ServeProcess, title_part: str) -> str:
    home = BeautifulSoup(serve.get(serve.base_path).body, "html.parser")
    for link in home.select("main a[href]"):
        if title_part.lower() in link.get_text(" ", strip=True).lower():
            return link["href"]
    raise AssertionError(f"no link to {title_part!r} on the home page")


def title_of(path: Path) -> str:
    match = re.search(r"^title:\s*['\"]?(.+?)['\"]?\s*$", path.read_text(encoding="utf-8"), re.M)
    assert match
    return match.group(1)


def append_body(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")


def editor_save(path: Path, text: str) -> None:
    """What vim (backupcopy=no), VS Code's safe write, gedit and most tools do: temp file + rename."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def marker_rebuild(site: Path, serve: ServeProcess, stream: EventStream, after: int) -> str:
    """Save one more article and wait until the build that has it is served; return its terminal line.

    This is how a test shows that nothing else rebuilt: rebuilds run one after another, so any
    rebuild still owed to earlier changes comes before this one (or in it, and then its line names
    more than this file) -- no waiting for a fixed time to see that nothing happens."""
    marker = site / "content" / "2025-05-01-marker.md"
    marker.write_text("---\ntitle: Marker\ndate: 2025-05-01\n---\n\nThe marker.\n", encoding="utf-8")
    after_each_rebuild(stream, lambda: "Marker" in serve.get(serve.base_path + "archive/2025/05/").text)
    # the terminal line comes after the tabs are told (the build then writes its records), and the
    # lines of earlier rebuilds before it
    line = serve.wait_for_line(REBUILT + r".*content/2025-05-01-marker\.md")
    assert stream.first["build"] + after + 1 == latest_build(serve)
    return line


def latest_build(serve: ServeProcess) -> int:
    """The number of the build being served, as a tab opened now is told."""
    late = EventStream(serve.port)
    late.close()
    return late.first["build"]


def after_each_rebuild(stream: EventStream, check) -> None:
    """Wait until ``check()`` holds, looking again after each event (each rebuild sends one)."""
    while not check():
        stream.next()


def test_edited_article_is_served_and_tabs_reload_after_the_write(site):
    path = first_article(site)
    with ServeProcess(site, "--watch") as serve:
        url = article_url(serve, title_of(path)[:20])
        assert "Fresh words from the test" not in serve.get(url).text
        stream = EventStream(serve.port)
        start = stream.first["build"]
        mark = len(serve.lines)
        append_body(path, "Fresh words from the test.")
        event = stream.wait_for(lambda e: e["build"] > start)
        # the event is sent only once the new build is in place: the page already has the text
        page = serve.get(url)
        assert page.status == 200
        assert "Fresh words from the test." in BeautifulSoup(page.body, "html.parser").get_text()
        assert event == {"session": stream.first["session"], "build": start + 1, "css": False, "error": None}
        line = serve.wait_for_line(REBUILT, start=mark)
        assert path.name in line
        # the built files on disk never contain the live-reload script
        assert "ballerina-live-reload" not in (site / "public" / "index.html").read_text(encoding="utf-8")
        assert "ballerina-live-reload" in page.text
        stream.close()
        assert serve.stop() == 0


def test_a_picture_dropped_in_and_referenced_is_served_processed(site):
    path = first_article(site)
    with ServeProcess(site, "--watch") as serve:
        url = article_url(serve, title_of(path)[:20])
        stream = EventStream(serve.port)
        write_image(site / "static" / "images" / "dropped.png", 1000, 600)
        append_body(path, "![A dropped picture](/images/dropped.png)")

        def shown():
            return BeautifulSoup(serve.get(url).body, "html.parser").select_one(
                ".story__body picture img[alt='A dropped picture']")

        after_each_rebuild(stream, lambda: shown() is not None)
        img = shown()
        assert (img["width"], img["height"]) == ("1000", "600") and img["loading"] == "lazy"
        sources = [img["src"]] + [entry.split()[0] for source in img.find_parent("picture").select("source")
                                  for entry in source["srcset"].split(", ")]
        assert any(src.endswith(".avif") for src in sources) and any(src.endswith(".webp") for src in sources)
        for src in sources:
            answer = serve.get(src)
            with Image.open(io.BytesIO(answer.body)) as picture:  # a real picture of the width it claims
                assert answer.status == 200 and picture.width == int(src.rsplit("-", 1)[1].split(".")[0])
        stream.close()
        assert serve.stop() == 0


def test_deleted_article_404s_and_a_new_one_appears(site):
    path = first_article(site)
    with ServeProcess(site, "--watch") as serve:
        url = article_url(serve, title_of(path)[:20])
        stream = EventStream(serve.port)
        path.unlink()
        stream.wait_for(lambda e: e["build"] > stream.first["build"])
        gone = serve.get(url)
        assert gone.status == 404
        assert BeautifulSoup(gone.body, "html.parser").h1.get_text(strip=True) == "Page not found"

        (site / "content" / "2025-06-03-a-new-arrival.md").write_text(
            "---\ntitle: A New Arrival\ndate: 2025-06-03\n---\n\nBrand new.\n", encoding="utf-8")
        stream.wait_for(lambda e: e["build"] > stream.first["build"] + 1)
        new_url = article_url(serve, "A New Arrival")
        assert "Brand new." in serve.get(new_url).text

        renamed = site / "content" / "2025-06-03-renamed-arrival.md"
        os.rename(site / "content" / "2025-06-03-a-new-arrival.md", renamed)
        renamed.write_text(renamed.read_text().replace("A New Arrival", "Renamed Arrival"))
        stream.wait_for(lambda e: e["build"] > stream.first["build"] + 2)
        assert "Renamed Arrival" in serve.get(article_url(serve, "Renamed Arrival")).text
        stream.close()
        assert serve.stop() == 0


def test_editor_style_save_triggers_exactly_one_rebuild(site):
    path = first_article(site)
    with ServeProcess(site, "--watch") as serve:
        url = article_url(serve, title_of(path)[:20])
        stream = EventStream(serve.port)
        before = serve.count(REBUILT)
        # of the temp file's events and the rename, only the rename is the article's: one change
        editor_save(path, path.read_text(encoding="utf-8") + "\nSaved by an editor.\n")
        stream.wait_for(lambda e: e["build"] == stream.first["build"] + 1)
        assert "Saved by an editor." in serve.get(url).text
        line = marker_rebuild(site, serve, stream, after=1)  # no second rebuild for the save
        assert line.endswith("(content/2025-05-01-marker.md)"), line
        assert serve.count(REBUILT) == before + 2
        # incremental: the pages that show the article are rendered, not every page (on a two-article
        # site that is most of them; the benchmark shows 13 of 2,405 at 1,000 articles)
        line = serve.wait_for_line(r"^rebuilt")
        total, rendered = map(int, re.search(r"^rebuilt (\d+) pages \((\d+) rendered\)", line).groups())
        assert 1 <= rendered < total, line
        assert not list((site / "content").glob("*.tmp"))
        stream.close()
        assert serve.stop() == 0


DROPPINGS = (".2025-06-01-x.md.swp", "4913", "2025-06-01-x.md~", ".#2025-06-01-x.md", ".DS_Store")


def write_burst(content: Path, count: int = 30) -> list[str]:
    """A checkout-like burst: ``count`` new articles written in a row; their site paths."""
    names = [f"2025-07-{number + 1:02d}-burst-{number}.md" for number in range(count)]
    for number, name in enumerate(names):
        (content / name).write_text(f"---\ntitle: Burst {number}\ndate: 2025-07-{number + 1:02d}\n---\n\nBody {number}.\n")
    return [f"content/{name}" for name in names]


def named_files(line: str) -> list[str]:
    """The changed files a terminal line names: ``(... (a.md, b.md, c.md and 27 more)`` -> the three."""
    shown = re.search(r"\(([^()]*)\)$", line)
    assert shown, line
    return re.sub(r" and \d+ more$", "", shown.group(1)).split(", ")


def test_editor_droppings_are_ignored_and_a_burst_is_served(site):
    content = site / "content"
    with ServeProcess(site, "--watch") as serve:
        stream = EventStream(serve.port)
        for name in DROPPINGS:
            (content / name).write_text("junk")
        # the next rebuild is the marker's alone: the droppings made none, and are not in it
        line = marker_rebuild(site, serve, stream, after=0)
        assert line.endswith("(content/2025-05-01-marker.md)"), line
        assert serve.count(r"^rebuilt") == 1
        mark = len(serve.lines)
        burst = write_burst(content)
        after_each_rebuild(stream, lambda: "Burst 29" in serve.get("/archive/").text)
        archive = serve.get("/archive/").text
        assert all(f"Burst {number}<" in archive for number in range(30))
        # one rebuild as a rule (see the next test); on a busy machine the watcher may cut a burst
        # in two, but whatever it rebuilt for, it was the burst's files
        builds = latest_build(serve) - (stream.first["build"] + 1)  # since the marker's
        wait_until(lambda: serve.count(REBUILT) >= 1 + builds, "a terminal line for each rebuild")
        rebuilt = [line for line in serve.lines[mark:] if re.match(REBUILT, line)]
        assert builds >= 1 and len(rebuilt) == builds and all(set(named_files(line)) <= set(burst) for line in rebuilt), rebuilt
        stream.close()
        assert serve.stop() == 0


def test_the_watcher_makes_one_change_of_a_burst_and_ignores_droppings(site):
    """The watcher's own rule, in this process: a burst of saves is one change, droppings are none.
    Its quiet window is 1 s here (the command's is 50 ms), so a busy machine cannot cut the burst."""
    import threading

    from ballerina_site.serve.watch import Watcher

    watcher = Watcher(site, site / "public", quiet=1.0, longest=BOUND)
    stop = threading.Event()
    watcher.start()
    try:
        for name in DROPPINGS:
            (site / "content" / name).write_text("junk")
        burst = write_burst(site / "content")
        changes = watcher.wait(stop)
        assert changes is not None and changes.paths == tuple(sorted(burst))
        (site / "content" / "2025-05-01-marker.md").write_text("---\ntitle: M\ndate: 2025-05-01\n---\n")
        assert watcher.wait(stop).paths == ("content/2025-05-01-marker.md",)  # nothing of the burst left over
    finally:
        watcher.stop()


def test_broken_front_matter_shows_in_the_event_stream_until_fixed(site):
    path = first_article(site)
    good = path.read_text(encoding="utf-8")
    with ServeProcess(site, "--watch") as serve:
        url = article_url(serve, title_of(path)[:20])
        good_page = serve.get(url).text
        stream = EventStream(serve.port)
        start = stream.first["build"]
        mark = len(serve.lines)
        path.write_text(good.replace("title:", "title: [unclosed\nbroken:", 1), encoding="utf-8")
        failed = stream.wait_for(lambda e: e["error"] is not None)
        assert failed["build"] == start
        terminal = serve.wait_for_line(r"still serving the last good build", start=mark)
        problem_lines = [line for line in serve.stderr if line.startswith(f"content/{path.name}:")]
        assert problem_lines, serve.lines
        assert failed["error"] == "\n".join(problem_lines)
        assert re.match(rf"content/{re.escape(path.name)}:\d+(:\d+)?: ", failed["error"])
        assert "Traceback" not in "\n".join(serve.lines) and terminal
        # the last good site is still served, and a tab opened now gets the error too
        still = serve.get(url)
        assert still.status == 200 and still.text == good_page
        late = EventStream(serve.port)
        assert late.first["error"] == failed["error"]

        path.write_text(good, encoding="utf-8")
        fixed = stream.wait_for(lambda e: e["error"] is None)
        assert fixed["build"] == start + 1
        assert late.wait_for(lambda e: e["error"] is None)["build"] == start + 1
        stream.close()
        late.close()
        assert serve.stop() == 0


def test_css_only_change_is_marked_css(site):
    css = site / "static" / "assets" / "style.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text("body { color: teal; }\n")
    with ServeProcess(site, "--watch") as serve:
        stream = EventStream(serve.port)
        css.write_text("body { color: rebeccapurple; }\n")
        event = stream.wait_for(lambda e: e["build"] > stream.first["build"])
        assert event["css"] is True
        assert "rebeccapurple" in serve.get("/assets/style.css").text
        append_body(first_article(site), "Not CSS.")
        assert stream.wait_for(lambda e: e["build"] > event["build"])["css"] is False
        stream.close()
        assert serve.stop() == 0


def test_templates_and_site_yaml_are_watched_even_if_created_later(site):
    shutil.rmtree(site / "templates", ignore_errors=True)
    with ServeProcess(site, "--watch") as serve:
        stream = EventStream(serve.port)
        (site / "templates").mkdir()
        (site / "templates" / "404.html").write_text(
            '{% extends "base.html" %}{% block main %}<h1>Custom missing page</h1>{% endblock %}\n')
        after_each_rebuild(stream, lambda: "Custom missing page" in serve.get("/nowhere/").text)
        assert serve.get("/nowhere/").status == 404
        config = site / "site.yaml"
        editor_save(config, config.read_text(encoding="utf-8").replace('title: "Ballerina"',
                                                                        'title: "Renamed Site"'))
        after_each_rebuild(stream, lambda: "Renamed Site" in serve.get("/").text)
        stream.close()
        assert serve.stop() == 0


def test_poll_mode_sees_changes(site):
    path = first_article(site)
    with ServeProcess(site, "--poll") as serve:
        assert serve.wait_for_line("watching by polling")
        url = article_url(serve, title_of(path)[:20])
        stream = EventStream(serve.port)
        append_body(path, "Seen by polling.")
        stream.wait_for(lambda e: e["build"] > stream.first["build"])
        assert "Seen by polling." in serve.get(url).text
        stream.close()
        assert serve.stop() == 0


def test_sigterm_with_open_event_streams_exits_zero_at_once(site):
    with ServeProcess(site, "--watch") as serve:
        streams = [EventStream(serve.port) for _ in range(3)]
        assert serve.stop(signal.SIGTERM, timeout=BOUND) == 0
        assert serve.lines[-1] == "stopped"
        assert not any("Traceback" in line for line in serve.lines)
        for stream in streams:
            stream.thread.join(BOUND)
            assert not stream.thread.is_alive()  # the server ended each stream


def test_failed_first_build_still_serves_and_recovers(tmp_path):
    from conftest import write_site

    write_site(tmp_path, {"2025-06-01-bad.md": "---\ntitle: [unclosed\ndate: 2025-06-01\n---\nbody\n"})
    with ServeProcess(tmp_path, "--watch") as serve:
        stream = EventStream(serve.port)
        assert stream.first["error"].startswith("content/2025-06-01-bad.md:")
        home = serve.get("/")
        assert home.status == 404 and "ballerina-live-reload" in home.text
        (tmp_path / "content" / "2025-06-01-bad.md").write_text(
            "---\ntitle: Now Fine\ndate: 2025-06-01\n---\n\nbody\n")
        fixed = stream.wait_for(lambda e: e["error"] is None)
        assert fixed["build"] == stream.first["build"] + 1
        assert "Now Fine" in serve.get("/").text
        stream.close()
        assert serve.stop() == 0


def test_pages_stay_available_while_rebuilds_swap_the_output(site):
    """The atomic build swaps folders with two renames; a request in between must not 404."""
    import threading
    import time

    path = first_article(site)
    with ServeProcess(site, "--watch") as serve:
        stream = EventStream(serve.port)
        statuses: list[int] = []
        done = threading.Event()

        def hammer() -> None:
            deadline = time.monotonic() + BOUND
            while not done.is_set() and time.monotonic() < deadline and len(statuses) < 5000:
                statuses.append(serve.get("/").status)

        worker = threading.Thread(target=hammer)
        worker.start()
        try:
            for number in range(3):
                append_body(path, f"Edit number {number}.")
                stream.wait_for(lambda e, n=number: e["build"] == stream.first["build"] + n + 1)
        finally:
            done.set()
            worker.join()
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
        stream.close()
        assert serve.stop() == 0


def test_tabs_reload_once_the_output_is_in_place_and_hear_of_a_failure_after_it(site, monkeypatch):
    """The preview tells its tabs as soon as the new output is swapped in, before the build writes
    its records; if writing them then fails, the tabs show that error over the new build."""
    from ballerina_site.pipeline import stages as build_module
    from ballerina_site.pipeline.build import BuildOptions
    from ballerina_site.serve.preview import Preview, ServeOptions

    preview = Preview(ServeOptions(build=BuildOptions(root=site, output=site / "public", cache=True),
                                   port=0, watch=True))
    try:
        assert preview.first_build().ok
        server = preview.start()
        stream = EventStream(server.port)
        start = stream.first["build"]
        order: list[str] = []
        real_save_lock = build_module.save_lock

        def save_lock(*args, **kwargs):
            order.append("records")
            if len(order) > 1:
                raise OSError(28, "No space left on device", str(site / "urls.lock"))
            return real_save_lock(*args, **kwargs)

        monkeypatch.setattr(build_module, "save_lock", save_lock)
        rebuilds = preview.rebuilds()  # one outcome per burst of changes the watcher sees
        path = first_article(site)
        editor_save(path, path.read_text(encoding="utf-8") + "\nWords before the records.\n")  # one event
        outcome = next(rebuilds)
        assert outcome.ok and order == ["records"]
        assert stream.next() == {"session": stream.first["session"], "build": start + 1, "css": False, "error": None}
        assert any("Words before the records." in page.read_text(encoding="utf-8")
                   for page in (site / "public").rglob("index.html"))

        editor_save(path, path.read_text(encoding="utf-8") + "\nWords, then a full disk.\n")
        failed = next(rebuilds)
        assert not failed.ok and "No space left on device" in failed.message
        # the output went live first (a tab told of it at once reloads; one whose stream is slower to
        # send, on a busy machine, is told only the newest state), then the tabs hear of the failure
        seen = [stream.next()]
        while seen[-1]["error"] is None:
            seen.append(stream.next())
        assert [event["build"] for event in seen] == [start + 2] * len(seen) and len(seen) <= 2, seen
        assert "No space left on device" in seen[-1]["error"]
        assert any("Words, then a full disk." in page.read_text(encoding="utf-8")
                   for page in (site / "public").rglob("index.html"))
        stream.close()
    finally:
        preview.close()



def _indexed_text(public: Path) -> str:
    """Every article body in the served search index (each bundle's fragments), as one text."""
    import gzip
    import json

    texts = []
    for fragment in (public / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        texts.append(json.loads(data[len(b"pagefind_dcd"):])["content"])
    return " ".join(texts)


def test_search_is_on_in_the_preview_and_an_edit_is_indexed(site):
    """Search stays on in the preview (``--no-search`` turns it off): a saved edit is searchable once
    the rebuild is served, one small shard indexed again."""
    path = first_article(site)
    with ServeProcess(site, "--watch") as serve:
        assert serve.get(serve.base_path + "pagefind/pagefind.js").status == 200
        assert serve.get(serve.base_path + "search/").status == 200
        stream = EventStream(serve.port)
        start = stream.first["build"]
        append_body(path, "Zanzibarian lighthouse keepers.")
        stream.wait_for(lambda e: e["build"] > start)
        assert "Zanzibarian" in _indexed_text(site / "public")
        stream.close()
        assert serve.stop() == 0
    with ServeProcess(site, "--no-search") as serve:
        assert serve.get(serve.base_path + "pagefind/pagefind.js").status == 404
        assert serve.get(serve.base_path + "search/").status == 404
        assert serve.stop() == 0
