"""The preview server holds its ground: it answers only to this computer's Host names (or the
--host given), serves a bounded number of connections, closes connections that send nothing or send
their headers too slowly, and stops at once on Ctrl-C or SIGTERM whatever its clients are doing.
All over real sockets on loopback; every wait waits for an event, bounded by BOUND."""

from __future__ import annotations

import http.client
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import article, write_site
from servekit import BOUND, ServeProcess, wait_until

from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.serve.guard import REQUEST_TIMEOUT
from ballerina_site.serve.livereload import LiveReload
from ballerina_site.serve.server import PreviewServer, run_in_thread, stop


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_site(tmp_path_factory.mktemp("guard") / "site", {"a.md": article("A draft", draft="true")},
                      "title: T\nbase_url: https://news.example/\nsearch: false\n")
    build(BuildOptions(root=site, drafts=True))
    return site / "public"


def raw(port: int, data: bytes) -> bytes:
    """Send ``data`` as is and read the whole answer (the server closes or says Connection: close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in b"".join(chunks):
                break
        return b"".join(chunks)


def status_for_host(port: int, host: str | None) -> int:
    head = b"GET / HTTP/1.1\r\n" + (f"Host: {host}\r\n".encode() if host is not None else b"")
    answer = raw(port, head + b"Connection: close\r\n\r\n")
    return int(answer.split(b" ", 2)[1])


def serving(root: Path, host: str = "127.0.0.1", **kwargs: object):
    server = PreviewServer((host, 0), root, **kwargs)  # type: ignore[arg-type]
    return server, run_in_thread(server)


ALLOWED = ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "localhost", "127.0.0.1", "[::1]:{port}"]
REFUSED = ["evil.example", "evil.example:{port}", "localhost.evil.example:{port}", "127.0.0.1.nip.io:{port}",
           "127.0.0.1:1", "localhost:{port}0", "[::1", "localhost:x", "", None]


@pytest.mark.parametrize("host", ALLOWED)
def test_loopback_host_names_are_answered(host: str, output: Path) -> None:
    server, thread = serving(output)
    try:
        assert status_for_host(server.port, host.format(port=server.port)) == 200
    finally:
        stop(server, thread)


@pytest.mark.parametrize("host", REFUSED)
def test_other_host_names_are_refused(host: str | None, output: Path) -> None:
    """A DNS-rebinding page's requests carry its own domain name: 403, and not a byte of the site."""
    live = LiveReload()
    server, thread = serving(output, extension=live)
    try:
        for path in ("/", "/2025/06/01/a-draft/", "/__ballerina/events"):  # page, draft, live-reload endpoint
            shown = host.format(port=server.port) if host is not None else None
            head = f"GET {path} HTTP/1.1\r\n".encode() + (f"Host: {shown}\r\n".encode() if shown is not None else b"")
            answer = raw(server.port, head + b"\r\n")
            assert answer.startswith(b"HTTP/1.0 403") or answer.startswith(b"HTTP/1.1 403"), answer[:80]
            assert b"A draft" not in answer
    finally:
        live.close()
        stop(server, thread)


def test_the_host_given_is_answered_and_any_ip_when_listening_everywhere(output: Path) -> None:
    server, thread = serving(output, host="0.0.0.0")
    try:
        assert status_for_host(server.port, f"192.168.1.20:{server.port}") == 200
        assert status_for_host(server.port, f"0.0.0.0:{server.port}") == 200
        assert status_for_host(server.port, f"rebind.evil.example:{server.port}") == 403
    finally:
        stop(server, thread)


def idle(port: int, count: int, half_sent: bool = False) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
        if half_sent:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        sockets.append(conn)
    return sockets


def test_connections_are_bounded(output: Path) -> None:
    before = threading.active_count()
    server, thread = serving(output, max_connections=4)
    held = idle(server.port, 4)
    try:
        # accepted in order: once this one is answered, the four before it hold every place
        assert raw(server.port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").startswith(b"HTTP/1.1 503")
        assert threading.active_count() <= before + 1 + 4  # the serving thread and one per connection
        held.pop().close()
        wait_until(lambda: raw(server.port, b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                   .startswith(b"HTTP/1.0 200") or None, "a place freed by a closed connection")
    finally:
        for conn in held:
            conn.close()
        stop(server, thread)


@pytest.mark.parametrize("half_sent", [False, True])
def test_a_connection_that_sends_nothing_or_too_slowly_is_closed(half_sent: bool, output: Path) -> None:
    server, thread = serving(output, request_timeout=0.5)
    [conn] = idle(server.port, 1, half_sent)
    try:
        assert conn.recv(1024) == b""  # closed by the server, well before BOUND
    finally:
        conn.close()
        stop(server, thread)


def test_a_trickling_client_is_closed_though_bytes_keep_coming(output: Path) -> None:
    """Slowloris: a byte of header every 50 ms never completes the request: the deadline holds."""
    server, thread = serving(output, request_timeout=0.5)
    [conn] = idle(server.port, 1, half_sent=True)
    closed = threading.Event()

    def trickle() -> None:
        try:
            while not closed.is_set():
                conn.sendall(b"a")
                closed.wait(0.05)  # the attack's own pace, not a synchronisation
        except OSError:
            closed.set()

    sender = threading.Thread(target=trickle)
    sender.start()
    try:
        assert conn.recv(1024) == b""
    finally:
        closed.set()
        sender.join(BOUND)
        conn.close()
        stop(server, thread)


def test_stop_does_not_wait_for_idle_or_half_sent_clients(output: Path) -> None:
    live = LiveReload()
    server, thread = serving(output, extension=live)
    held = idle(server.port, 10) + idle(server.port, 10, half_sent=True)
    stream = http.client.HTTPConnection("127.0.0.1", server.port, timeout=BOUND)  # a live-reload stream
    stream.request("GET", "/__ballerina/events", headers={"Host": "localhost"})
    assert stream.getresponse().status == 200
    try:
        stopper = threading.Thread(target=stop, args=(server, thread))
        stopper.start()
        stopper.join(REQUEST_TIMEOUT / 2)  # a bound below the request timeout: no client timed out first
        assert not stopper.is_alive() and not thread.is_alive()
    finally:
        live.close()
        stream.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_the_serve_command_stops_on_a_signal_whatever_clients_do(sig: int, tmp_path: Path) -> None:
    write_site(tmp_path / "site", {"a.md": article("A")}, "title: T\nbase_url: https://news.example/\n")
    with ServeProcess(tmp_path / "site", "--watch") as serve:
        held = idle(serve.port, 20) + idle(serve.port, 20, half_sent=True)
        assert serve.get("/").status == 200  # answered after them: every one of them is accepted
        try:
            serve.proc.send_signal(sig)
            code = serve.proc.wait(REQUEST_TIMEOUT / 2)  # well before any of them would time out
        finally:
            for conn in held:
                conn.close()
        assert code == 0
