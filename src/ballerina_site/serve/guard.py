"""What keeps the preview server's ground: which ``Host`` names it answers, and its connections
bounded in number and in time (see server.py's docstring for why)."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time

MAX_CONNECTIONS = 64  # a browser opens 6 per host; more at once is a runaway client
REQUEST_TIMEOUT = 10.0  # seconds for a request line and its headers, or for the next request on a kept connection
WRITE_TIMEOUT = 30.0  # seconds a single send may block on a client that does not read
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(header: str) -> tuple[str, int | None] | None:
    """``Host`` header -> (lower-case name without brackets, port or None); None when malformed."""
    header = header.strip().lower()
    port: str | None
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        if not bracket:
            return None
        port = rest[1:] if rest.startswith(":") else (None if not rest else "x")
    else:
        name, colon, port_text = header.partition(":")
        port = port_text if colon else None
    if not name or (port is not None and not port.isdigit()):
        return None
    return name, int(port) if port is not None else None


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def host_allowed(header: str | None, listening: str, port: int) -> bool:
    """This computer's names, the ``--host`` given (``listening``), and, listening on every address, any
    IP address: a DNS-rebinding page reaches the server only under its own domain name. A port, if
    given, must be the server's."""
    parsed = host_name(header) if header else None
    if parsed is None:
        return False
    name, asked = parsed
    if asked is not None and asked != port:
        return False
    every = listening in ("0.0.0.0", "::", "")
    return name in LOOPBACK_NAMES or name == listening or (every and _is_ip(name))


def cut(connection: socket.socket) -> None:
    """End a connection from outside its thread: a blocked read or write returns at once."""
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


class Connections:
    """The open connections and each one's deadline: while a handler waits for a request, it must
    come in full (line and headers) before ``request_timeout``; while it answers, no deadline."""

    def __init__(self, limit: int = MAX_CONNECTIONS, request_timeout: float = REQUEST_TIMEOUT):
        self.limit = limit
        self.request_timeout = request_timeout
        self._deadlines: dict[socket.socket, float | None] = {}
        self._lock = threading.Lock()

    def admit(self, connection: socket.socket) -> bool:
        with self._lock:
            if len(self._deadlines) >= self.limit:
                return False
            self._deadlines[connection] = time.monotonic() + self.request_timeout
            return True

    def release(self, connection: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(connection, None)

    def waiting(self, connection: socket.socket, waiting: bool) -> None:
        with self._lock:
            if connection in self._deadlines:
                self._deadlines[connection] = time.monotonic() + self.request_timeout if waiting else None

    def expire(self) -> None:
        """Cut every connection past its deadline."""
        now = time.monotonic()
        with self._lock:
            late = [conn for conn, deadline in self._deadlines.items() if deadline is not None and deadline < now]
            for conn in late:
                self._deadlines[conn] = None
        for conn in late:
            cut(conn)

    def cut_all(self) -> None:
        with self._lock:
            connections = list(self._deadlines)
        for conn in connections:
            cut(conn)

    def __len__(self) -> int:
        with self._lock:
            return len(self._deadlines)
