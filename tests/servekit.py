"""Helpers for the preview tests: run `serve` as a real process, talk to it over real HTTP.

Every wait here waits for something to happen (an output line, an event, a condition), never for
a fixed time, and gives up only after ``BOUND`` seconds: generous, so that a busy machine makes
the tests slower, not failing.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
BOUND = 60.0  # the longest any single wait may take before the test fails


def wait_until(condition: Callable[[], object], what: str, timeout: float = BOUND) -> None:
    """Look again (every 20 ms) until ``condition()`` holds; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.02)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(port: int, path: str, method: str = "GET", host: str = "127.0.0.1") -> Response:
    """One raw HTTP request: the path is sent exactly as given (no client-side normalising)."""
    conn = http.client.HTTPConnection(host, port, timeout=BOUND)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        answer = conn.getresponse()
        body = answer.read()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, body)
    finally:
        conn.close()


class ServeProcess:
    """`python -m ballerina_site serve --port 0 ...` in a site folder, its output read line by line."""

    def __init__(self, site: Path, *args: str, env: dict[str, str] | None = None):
        env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "ballerina_site", "serve", "--port", "0", *args],
                                     cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.lines: list[str] = []  # stdout and stderr, in arrival order
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._changed = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(stream, into), daemon=True)
                         for stream, into in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr))]
        for reader in self._readers:
            reader.start()
        line = self.wait_for_line(r"^serving ")
        match = re.search(r" at (http://\S+?)(?: |$)", line)
        assert match, line
        self.url = match.group(1)
        self.port = urlsplit(self.url).port or 80
        self.base_path = urlsplit(self.url).path

    def _read(self, stream, into: list[str]) -> None:
        for line in stream:
            with self._changed:
                into.append(line.rstrip("\n"))
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for_line(self, pattern: str, start: int = 0, timeout: float = BOUND) -> str:
        """The first output line from index ``start`` on that matches ``pattern``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[start:]:
                    if regex.search(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not any(r.is_alive() for r in self._readers)):
                    raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))
                self._changed.wait(min(left, 0.2))

    def count(self, pattern: str) -> int:
        regex = re.compile(pattern)
        with self._changed:
            return sum(1 for line in self.lines if regex.search(line))

    def get(self, path: str, method: str = "GET") -> Response:
        return request(self.port, path, method)

    def stop(self, sig: int = signal.SIGINT, timeout: float = BOUND) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("serve did not stop within the bound:\n" + "\n".join(self.lines))
        for reader in self._readers:
            reader.join(BOUND)
        return code

    def __enter__(self) -> "ServeProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class EventStream:
    """A real SSE client: collects every ``state`` event the server sends, in a background thread."""

    def __init__(self, port: int, path: str = "/__ballerina/events"):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=BOUND)
        self.conn.request("GET", path)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith("text/event-stream")
        self.events: queue.Queue[dict] = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.first = self.next()

    def _read(self) -> None:
        name, data = None, []
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "":
                    if name == "state" and data:
                        self.events.put(json.loads("\n".join(data)))
                    name, data = None, []
        except (OSError, ValueError):
            pass

    def next(self, timeout: float = BOUND) -> dict:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no event within {timeout} s") from None

    def wait_for(self, predicate, timeout: float = BOUND) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            event = self.next(max(0.01, deadline - time.monotonic()))
            if predicate(event):
                return event

    def close(self) -> None:
        try:
            self.conn.sock and self.conn.sock.shutdown(2)
        except OSError:
            pass
        self.conn.close()
