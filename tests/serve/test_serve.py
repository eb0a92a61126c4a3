"""The preview server answers like a static host: a real server on a free loopback port, real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import article, write_site
from servekit import BOUND, ServeProcess, request, wait_until

from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.serve.livereload import LiveReload
from ballerina_site.serve.server import PortInUse, open_server, run_in_thread, stop

SECRET = "TOP-SECRET-BYTES-4c1f"
ASSETS = {
    "assets/photo.webp": "image/webp",
    "assets/photo.avif": "image/avif",
    "assets/font.woff2": "font/woff2",
    "assets/logo.png": "image/png",
    "assets/still.jpg": "image/jpeg",
    "assets/app.js": "text/javascript; charset=utf-8",
    "assets/data.json": "application/json",
    "assets/data.xml": "application/xml; charset=utf-8",
    "robots.txt": "text/plain; charset=utf-8",
}


def make_site(root: Path, base_url: str = "https://news.example/") -> Path:
    write_site(root, {
        "2025-06-01-first.md": article("First Story", tags="[John Wick]", body="First body text."),
        "2025-06-02-second.md": article("Second Story", date="2025-06-02", tags="[Ballerina]"),
    }, config=f"title: Test News\nbase_url: {base_url}\ntimezone: UTC\nauthor: {{name: Desk}}\n"
                "image: /assets/logo.png\n",
        extra={f"static/{name}": f"bytes of {name}\n" for name in ASSETS})
    build(BuildOptions(root=root))
    return root / "public"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A built site with traps around it: a secret beside the site, symlinks pointing out."""
    base = tmp_path_factory.mktemp("serve")
    (base / "secret.txt").write_text(SECRET)
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text(SECRET)
    output = make_site(base / "site")
    os.symlink(base / "secret.txt", output / "leak.txt")
    os.symlink(base / "outside", output / "leakdir")
    os.symlink(output / "robots.txt", output / "inside-link.txt")
    server = open_server("127.0.0.1", 0, output)
    thread = run_in_thread(server)
    yield server, base
    stop(server, thread)
    assert not thread.is_alive()


def soup(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body, "html.parser")


def test_folder_serves_its_index_html(served):
    server, _ = served
    home = request(server.port, "/")
    assert home.status == 200
    assert home.headers["content-type"] == "text/html; charset=utf-8"
    titles = [a.get_text(strip=True) for a in soup(home.body).select("a")]
    assert "First Story" in titles and "Second Story" in titles
    tag = request(server.port, "/tags/john-wick/")
    assert tag.status == 200
    assert "First Story" in tag.text


def test_folder_without_slash_redirects_to_slash(served):
    server, _ = served
    answer = request(server.port, "/tags/john-wick")
    assert answer.status == 301
    assert answer.headers["location"] == "/tags/john-wick/"
    with_query = request(server.port, "/tags/john-wick?page=2")
    assert with_query.headers["location"] == "/tags/john-wick/?page=2"


def test_missing_page_is_the_sites_404_with_status_404(served):
    server, _ = served
    for path in ("/no/such/page/", "/nothing.html", "/robots.txt/", "/tags/nope"):
        answer = request(server.port, path)
        assert answer.status == 404, path
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert soup(answer.body).h1.get_text(strip=True) == "Page not found"


@pytest.mark.parametrize("path,kind", sorted(ASSETS.items()))
def test_content_types(served, path, kind):
    server, _ = served
    answer = request(server.port, "/" + path)
    assert answer.status == 200
    assert answer.headers["content-type"] == kind
    assert answer.body == f"bytes of {path}\n".encode()


def test_css_and_svg_content_types_and_no_cache(served):
    server, _ = served
    css = request(server.port, "/assets/style.css")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    svg = request(server.port, "/assets/favicon.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    for answer in (css, svg, request(server.port, "/"), request(server.port, "/missing")):
        assert "no-store" in answer.headers["cache-control"]


def test_head_sends_headers_only(served):
    server, _ = served
    for path in ("/", "/assets/style.css", "/missing/"):
        full = request(server.port, path)
        head = request(server.port, path, method="HEAD")
        assert head.status == full.status
        assert head.body == b""
        assert head.headers["content-length"] == str(len(full.body))
        assert head.headers["content-type"] == full.headers["content-type"]


def test_many_requests_at_once(served):
    server, _ = served
    paths = ["/", "/tags/john-wick/", "/assets/style.css", "/missing"] * 10
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda p: request(server.port, p).status, paths))
    assert statuses == [200, 200, 200, 404] * 10


def test_symlink_inside_the_folder_is_served(served):
    server, _ = served
    answer = request(server.port, "/inside-link.txt")
    assert answer.status == 200 and answer.body == b"bytes of robots.txt\n"


def traversal_paths(base: Path) -> list[str]:
    secret = (base / "secret.txt").as_posix()
    return [
        "/../../secret.txt",
        "/assets/../../../secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/.%2e/.%2e/secret.txt",
        "/..%2f..%2fsecret.txt",
        "/..%2F..%2Fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..\\..\\secret.txt",
        "/%5c..%5c..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        secret,
        "/" + secret,
        "/%2F" + secret.lstrip("/").replace("/", "%2F"),
        "//etc/passwd",
        "/etc/passwd",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/leakdir/",
        "/./leak.txt",
        "/%00/../secret.txt",
        "/secret.txt%00.html",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
        "/..%c0%af..%c0%afsecret.txt",
    ]


def test_nothing_outside_the_output_folder_can_be_read(served):
    server, base = served
    for path in traversal_paths(base):
        answer = request(server.port, path)
        assert answer.status in (400, 404), (path, answer.status)
        assert SECRET not in answer.text, path
        assert "root:" not in answer.text, path
    # the traps are real: the secret files exist and hold the marker
    assert SECRET in (base / "secret.txt").read_text()
    assert SECRET in (server.root / "leak.txt").read_text()


def test_base_url_with_a_path_is_served_under_that_path(tmp_path):
    output = make_site(tmp_path / "site", base_url="https://news.example/ballerina/")
    server = open_server("127.0.0.1", 0, output, "/ballerina/")
    thread = run_in_thread(server)
    try:
        assert server.url() == f"http://127.0.0.1:{server.port}/ballerina/"
        home = request(server.port, "/ballerina/")
        assert home.status == 200
        page = soup(home.body)
        links = [a["href"] for a in page.select("a") if a.get_text(strip=True) == "First Story"]
        assert links and links[0].startswith("/ballerina/")
        assert request(server.port, links[0]).status == 200
        stylesheet = page.select_one('link[rel="stylesheet"]')["href"]
        assert stylesheet.startswith("/ballerina/")
        assert request(server.port, stylesheet).headers["content-type"] == "text/css; charset=utf-8"
        for path in ("/", "/ballerina"):
            answer = request(server.port, path)
            assert answer.status == 301 and answer.headers["location"] == "/ballerina/"
        for path in ("/assets/style.css", "/index.html", "/ballerinas/", "/ballerina/../secret.txt"):
            missing = request(server.port, path)
            assert missing.status == 404, path
            assert soup(missing.body).h1.get_text(strip=True) == "Page not found"
    finally:
        stop(server, thread)


def test_live_reload_script_is_added_to_html_only(tmp_path):
    output = make_site(tmp_path / "site")
    live = LiveReload()
    server = open_server("127.0.0.1", 0, output, extension=live)
    thread = run_in_thread(server)
    try:
        page = request(server.port, "/")
        scripts = soup(page.body).select("script#ballerina-live-reload")
        assert len(scripts) == 1
        assert page.text.index('id="ballerina-live-reload"') < page.text.rindex("</body>")
        assert "ballerina-live-reload" in request(server.port, "/missing/").text
        css = request(server.port, "/assets/style.css")
        assert b"ballerina-live-reload" not in css.body
        assert "ballerina-live-reload" not in (output / "index.html").read_text()
        assert int(page.headers["content-length"]) == len(page.body)
    finally:
        live.close()
        stop(server, thread)


def test_busy_port_gives_the_next_free_one(tmp_path):
    output = make_site(tmp_path / "site")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        with pytest.raises(PortInUse):
            open_server("127.0.0.1", taken, output)
        server = open_server("127.0.0.1", taken, output, next_free=10)
        try:
            assert server.port != taken and taken < server.port <= taken + 10
        finally:
            server.server_close()


# --- the command, as a process ------------------------------------------------------------------

def test_serve_command_port_in_use_is_a_clear_message(tmp_path):
    from conftest import run_cli

    make_site(tmp_path / "site")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        result = run_cli("serve", "--port", str(taken), cwd=tmp_path / "site", timeout=60)
    assert result.returncode == 1
    assert f"port {taken} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_command_stops_cleanly_on_signal(tmp_path, sig):
    make_site(tmp_path / "site")
    with ServeProcess(tmp_path / "site") as serve:
        assert serve.url.startswith("http://127.0.0.1:")
        answer = serve.get("/")
        assert answer.status == 200
        assert "ballerina-live-reload" not in answer.text  # no --watch: nothing to reload
        code = serve.stop(sig)
    assert code == 0
    assert serve.lines[-1] == "stopped"
    assert not any("Traceback" in line for line in serve.lines)


def test_serve_command_warns_when_listening_beyond_this_computer(tmp_path):
    make_site(tmp_path / "site")
    with ServeProcess(tmp_path / "site", "--host", "0.0.0.0") as serve:
        warning = serve.wait_for_line(r"^warning: listening on 0\.0\.0\.0")  # stderr: its own reader thread
        assert warning in serve.stderr
        assert serve.url.startswith("http://127.0.0.1:")
        assert serve.stop() == 0


def test_serve_command_without_watch_fails_on_a_broken_site(tmp_path):
    from conftest import run_cli

    write_site(tmp_path, {"2025-06-01-bad.md": "---\ntitle: [unclosed\n---\nbody\n"})
    result = run_cli("serve", "--port", "0", cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "content/2025-06-01-bad.md:" in result.stderr
    assert "Traceback" not in result.stderr


def test_stop_joins_every_thread(tmp_path):
    output = make_site(tmp_path / "site")
    before = set(threading.enumerate())
    live = LiveReload()
    server = open_server("127.0.0.1", 0, output, extension=live)
    thread = run_in_thread(server)
    from servekit import EventStream

    stream = EventStream(server.port)
    assert stream.first["error"] is None
    live.close()
    stop(server, thread)
    stream.close()
    stream.thread.join(BOUND)
    assert set(threading.enumerate()) <= before


def test_preview_with_watcher_leaves_no_thread_behind(tmp_path):
    from servekit import EventStream

    from ballerina_site.serve.preview import Preview, ServeOptions

    make_site(tmp_path / "site")
    before = set(threading.enumerate())
    preview = Preview(ServeOptions(BuildOptions(root=tmp_path / "site"), port=0, watch=True))
    assert preview.first_build().ok
    server = preview.start()
    stream = EventStream(server.port)
    rebuilds = preview.rebuilds()
    saving = time.time()
    (tmp_path / "site" / "content" / "2025-06-01-first.md").write_text(
        article("First Story", tags="[John Wick]", body="Changed body text."))
    outcome = next(rebuilds)
    window = time.time() - saving
    assert outcome.ok and outcome.changes.paths == ("content/2025-06-01-first.md",)
    # save -> served is measured inside the time this test saw pass (a file's time may lag the clock
    # by a tick, hence the slack): a consistency check, not a speed limit
    assert outcome.served_after is not None and 0 <= outcome.served_after <= window + 1
    assert stream.next()["build"] == stream.first["build"] + 1
    preview.stop()
    assert list(rebuilds) == []
    preview.close()
    stream.thread.join(BOUND)
    stream.close()
    assert set(threading.enumerate()) <= before


def test_open_hands_the_url_to_the_browser(tmp_path):
    """`--open` goes through Python's webbrowser module, which honours $BROWSER: a recorder here."""
    import stat
    import sys

    make_site(tmp_path / "site")
    opened = tmp_path / "opened.txt"
    recorder = tmp_path / "browser"
    recorder.write_text(f"#!{sys.executable}\nimport sys\nopen({str(opened)!r}, 'w').write(sys.argv[1])\n")
    recorder.chmod(recorder.stat().st_mode | stat.S_IXUSR)
    with ServeProcess(tmp_path / "site", "--open", env={"BROWSER": str(recorder)}) as serve:
        wait_until(lambda: opened.exists() and opened.read_text(), "the browser was not started")
        assert opened.read_text() == serve.url
        assert request(serve.port, "/").status == 200
        assert serve.stop() == 0


def test_the_preview_keeps_going_past_a_broken_article(tmp_path):
    from ballerina_site.serve.preview import rebuild

    site = write_site(tmp_path / "site", {
        "a.md": article("Fine"),
        "b.md": "---\ntitle: Broken\ndate: 2025-13-01\n---\nBody\n",
    }, config="title: T\nbase_url: https://t.example/\nsearch: false\nauthor: {name: Desk}\n"
              "image: /logo.png\n")
    report, problems = rebuild(BuildOptions(root=site, search=False))
    assert report is None and any(p.path == "content/b.md" for p in problems)
    report, problems = rebuild(BuildOptions(root=site, search=False, keep_going=True))
    assert report is not None and (site / "public/2025/06/01/a/index.html").is_file()
    assert [str(p) for p in problems if p.is_error] == [
        "content/b.md:3: `date`: impossible date `2025-13-01` (month must be in 1..12)"]
