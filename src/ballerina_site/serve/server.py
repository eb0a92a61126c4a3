"""A local web server that answers like a static host would, for previewing the output folder.

Why not ``SimpleHTTPRequestHandler``: it lists folders, guesses paths loosely and caches by date.
A preview must behave like production (``index.html`` for folders, a redirect to the trailing
slash, the site's own ``404.html`` with status 404, the ``base_url`` sub-path) and must never hand
out a byte from outside the output folder, whatever the request says.

The server only reads files. The live-reload part plugs in through :class:`Extension`, so this
module knows nothing about rebuilds.

It holds its ground against what a web page or a stuck client can do: only ``Host`` names that are
this computer (``localhost``, ``127.0.0.1``, ``[::1]``) or the ``--host`` given are answered, so a
DNS-rebinding page cannot read the preview (drafts included); at most :data:`MAX_CONNECTIONS`
connections are served at once (one thread each, so threads are bounded too), a request's line and
headers must arrive within ``request_timeout`` seconds (the idle wait of a kept-alive connection
included: the server closes it), a stalled write gives up after :data:`WRITE_TIMEOUT`, and
``server_close`` shuts every open connection down first, so stopping never waits for a client.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import threading
import time
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, Callable, Protocol

from .guard import MAX_CONNECTIONS, REQUEST_TIMEOUT, WRITE_TIMEOUT, Connections, host_allowed
from .resolve import CONTENT_TYPES, BadRequest, Found, Missing, Redirect, Target, content_type, inside, resolve

Injector = Callable[[bytes], bytes]

NO_CACHE = "no-store, must-revalidate"
FALLBACK_404 = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>"
                b"</head><body><h1>404 Not Found</h1><p>Nothing here (the site has no 404.html yet).</p>"
                b"</body></html>\n")
# How long a request waits for the output folder while a rebuild swaps it in (two renames).
SWAP_GRACE = 2.0
TOO_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n"
            b"Retry-After: 1\r\n\r\n")


class Extension(Protocol):
    """What the live-reload part adds: its own endpoints, and a script in every HTML page served."""

    def handle(self, handler: BaseHTTPRequestHandler, path: str) -> bool:
        """Answer the request and return True if ``path`` is one of the extension's endpoints."""

    def injector(self) -> Injector:
        """A function adding the extension's script to a page; taken before the page is read."""

    def close(self) -> None:
        """End whatever the extension's endpoints hold open (event streams): the server is stopping."""


class PreviewServer(ThreadingHTTPServer):
    """A threaded server over one output folder. ``server_close`` waits for every request thread."""

    daemon_threads = False
    block_on_close = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], root: Path, base_path: str = "/",
                 extension: Extension | None = None,
                 on_error: Callable[[str], None] | None = None, *,
                 max_connections: int = MAX_CONNECTIONS, request_timeout: float = REQUEST_TIMEOUT):
        self.root = Path(root).absolute()
        self.base_path = base_path
        self.extension = extension
        self.on_error = on_error
        self.host = address[0].strip("[]").lower()
        self.connections = Connections(max_connections, request_timeout)
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)

    def host_allowed(self, header: str | None) -> bool:
        return host_allowed(header, self.host, self.port)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection, at most ``max_connections``; one more is told 503 and closed."""
        if not self.connections.admit(request):
            with contextlib.suppress(OSError):
                request.setblocking(False)
                request.send(TOO_BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        self.connections.release(request)
        super().shutdown_request(request)

    def service_actions(self) -> None:
        """Called by ``serve_forever`` every poll interval: close connections past their deadline."""
        self.connections.expire()

    def server_close(self) -> None:
        """Shut every open connection down (their threads then end at once), then join the threads."""
        if self.extension is not None:
            self.extension.close()
        self.connections.cut_all()
        super().server_close()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, host: str | None = None) -> str:
        host = host or str(self.server_address[0])
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{self.base_path}"

    def root_id(self) -> int | None:
        try:
            return os.stat(self.root).st_ino
        except OSError:
            return None

    def wait_for_root(self, grace: float = SWAP_GRACE) -> None:
        """A rebuild swaps the output folder with two renames; a request in between waits for it."""
        deadline = time.monotonic() + grace
        while not self.root.is_dir() and time.monotonic() < deadline:
            time.sleep(0.005)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser closing a connection early is normal; anything else goes to ``on_error``."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        if self.on_error is not None:
            self.on_error("".join(traceback.format_exception_only(type(error), error)).strip())


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    timeout = WRITE_TIMEOUT  # the socket's timeout; reading a request is bounded by the server's deadline

    def version_string(self) -> str:
        return "ballerina-site preview"

    def handle_one_request(self) -> None:
        self.server.connections.waiting(self.connection, True)
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The request line and headers are in: answer, if the ``Host`` is one this server is for."""
        if not super().parse_request():  # reads the headers, still against the deadline
            return False
        self.server.connections.waiting(self.connection, False)
        if not self.server.host_allowed(self.headers.get("Host")):
            self.close_connection = True
            self.send_error(HTTPStatus.FORBIDDEN, "Host not allowed",
                            "This preview answers only to localhost, 127.0.0.1, [::1] or the --host it was given.")
            return False
        return True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base
        """Quiet: a preview prints its rebuilds, not every request."""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        server = self.server
        if server.extension is not None and server.extension.handle(self, self.path):
            return
        # taken before anything is read, so a page never carries a newer build than its own
        inject = server.extension.injector() if server.extension is not None else None
        target, handle = self._find()
        if isinstance(target, BadRequest):
            self._send_bytes(HTTPStatus.BAD_REQUEST, "text/plain; charset=utf-8",
                             f"400 Bad Request: {target.reason}\n".encode(), send_body)
        elif isinstance(target, Redirect):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", target.location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", NO_CACHE)
            self.end_headers()
        elif isinstance(target, Found) and handle is not None:
            with handle:
                self._send_file(target.file, handle, inject, send_body)
        else:
            self._send_not_found(inject, send_body)

    def _find(self) -> tuple[Target, BinaryIO | None]:
        """Resolve and open. A rebuild may swap the output folder meanwhile (a new folder, so a
        new inode): then a miss is not trusted, and the request is looked up again."""
        server = self.server
        for _ in range(3):
            server.wait_for_root()
            before = server.root_id()
            target = resolve(server.root, server.base_path, self.path)
            handle = None
            if isinstance(target, Found):
                try:
                    handle = open(target.file, "rb")
                except OSError:
                    target = Missing()
            if not isinstance(target, Missing) or (before is not None and server.root_id() == before):
                return target, handle
        return target, None

    def _send_not_found(self, inject: Injector | None, send_body: bool) -> None:
        page = self.server.root / "404.html"
        try:
            data = page.read_bytes() if page.is_file() and inside(
                os.path.realpath(self.server.root), os.path.realpath(page)) else FALLBACK_404
        except OSError:
            data = FALLBACK_404
        if inject is not None:
            data = inject(data)
        self._send_bytes(HTTPStatus.NOT_FOUND, CONTENT_TYPES[".html"], data, send_body)

    def _send_file(self, file: Path, handle: BinaryIO, inject: Injector | None, send_body: bool) -> None:
        kind = content_type(file)
        if inject is not None and kind.startswith("text/html"):
            self._send_bytes(HTTPStatus.OK, kind, inject(handle.read()), send_body)
            return
        size = os.fstat(handle.fileno()).st_size
        self._start(HTTPStatus.OK, kind, size)
        if send_body:
            shutil.copyfileobj(handle, self.wfile, 64 * 1024)

    def _send_bytes(self, status: HTTPStatus, kind: str, data: bytes, send_body: bool) -> None:
        self._start(status, kind, len(data))
        if send_body:
            self.wfile.write(data)

    def _start(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", NO_CACHE)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()


class PortInUse(OSError):
    pass


def open_server(host: str, port: int, root: Path, base_path: str = "/", *, next_free: int = 0,
                extension: Extension | None = None,
                on_error: Callable[[str], None] | None = None) -> PreviewServer:
    """Bind ``host:port``; if it is taken, try up to ``next_free`` following ports, else raise
    :class:`PortInUse`. Port 0 lets the system choose."""
    last: OSError | None = None
    for candidate in range(port, port + next_free + 1) if port else [0]:
        try:
            return PreviewServer((host, candidate), root, base_path, extension, on_error)
        except OSError as exc:
            if exc.errno not in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise
            last = exc
    raise PortInUse(last.errno if last else 98, f"port {port} on {host} is in use")


def run_in_thread(server: PreviewServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="preview-server")
    thread.start()
    return thread


def stop(server: PreviewServer, thread: threading.Thread) -> None:
    """Stop accepting, wait for requests in flight, close the socket, join the serving thread."""
    server.shutdown()
    server.server_close()
    thread.join()
