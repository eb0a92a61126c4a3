"""A client for ``pagefind --service``: search records in, an index bundle's files (bytes) out.

The binary's service mode is what Pagefind's own Python and Node indexing APIs speak: base64 JSON
messages, each followed by a comma, on stdin and stdout. We speak it ourselves because the Python
wrapper reads one reply per tenth of a second (a thousand seconds for 10,000 records) and waits for
ever if the binary dies. Here a reader thread drains the binary's output, every wait has a deadline,
and a failure names its cause: the binary's own message, the signal that killed it, or the timeout.

Nothing is written to disk: ``GetFiles`` hands back each file of the bundle, which the build stages.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

Record = Mapping[str, Any]  # url, content, language, meta, filters, sort: Pagefind's AddRecord fields


class IndexerError(Exception):
    """The indexer failed; the message names why (its own words, a signal, a timeout)."""


class Service:
    """One ``pagefind --service`` process; use as a context manager (the process always ends)."""

    def __init__(self, binary: Path, deadline: float, allowed: float, setting: str) -> None:
        self.deadline = deadline  # time.monotonic() by which everything must be done
        self.allowed = allowed  # seconds, as given (for the message)
        self.setting = setting  # what sets them
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._errors: list[bytes] = []
        self._next_id = 0
        try:
            self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                             start_new_session=True)  # its own group: stopped whole
        except OSError as exc:
            raise IndexerError(f"could not start {binary}: {exc.strerror or exc}") from None
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._error_reader = threading.Thread(target=self._read_errors, daemon=True)
        self._readers = [threading.Thread(target=self._read_replies, daemon=True), self._error_reader,
                         threading.Thread(target=self._write_requests, daemon=True)]
        for reader in self._readers:
            reader.start()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the binary and anything it started (they would hold its output open), then the readers."""
        self._kill()
        self._process.wait()
        self._outbox.put(None)
        for reader in self._readers:
            reader.join(timeout=5)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def stop(self) -> None:
        """Kill the binary (from any thread): a wait for its replies then fails at once."""
        self._kill()

    def _kill(self) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self._process.pid, signal.SIGKILL)

    def _read_replies(self) -> None:
        """Split the binary's output at the commas (base64 has none); a bundle's files come as one
        reply of megabytes, so the pieces are joined once, not re-scanned at each read."""
        stream = self._process.stdout
        assert stream is not None
        pieces: list[bytes] = []
        try:
            while chunk := stream.read1(1 << 20):
                *whole, rest = chunk.split(b",")
                for end in whole:
                    message = b"".join(pieces) + end
                    pieces = []
                    self._replies.put(json.loads(base64.b64decode(message)))
                if rest:
                    pieces.append(rest)
        except (OSError, ValueError):
            pass
        self._replies.put(None)  # the binary is gone

    def _read_errors(self) -> None:
        stream = self._process.stderr
        assert stream is not None
        try:
            for line in stream:
                self._errors = (self._errors + [line])[-20:]
        except (OSError, ValueError):
            pass

    def _write_requests(self) -> None:
        """Writes in a thread of their own: a binary that stops reading cannot block the build past
        its deadline (then it is killed, and the write fails)."""
        stream = self._process.stdin
        assert stream is not None
        while (data := self._outbox.get()) is not None:
            try:
                stream.write(data)
                stream.flush()
            except (OSError, ValueError):
                return  # the binary is gone: the reply reader says so

    def _send(self, payloads: Iterable[dict[str, Any]]) -> int:
        """Queue each payload as one message; returns how many."""
        out = []
        for payload in payloads:
            self._next_id += 1
            message = {"message_id": self._next_id, "payload": payload}
            out.append(base64.b64encode(json.dumps(message, ensure_ascii=False).encode()) + b",")
        self._outbox.put(b"".join(out))
        return len(out)

    def _receive(self, count: int) -> list[dict[str, Any]]:
        """The next ``count`` replies (by message id), or the reason there are none."""
        replies: dict[int, dict[str, Any]] = {}
        while len(replies) < count:
            left = self.deadline - time.monotonic()
            try:
                reply = self._replies.get(timeout=max(left, 0.001))
            except queue.Empty:
                self._kill()
                raise IndexerError(f"did not finish within {self.allowed:g} s and was stopped (set "
                                   f"{self.setting} to allow it longer)") from None
            if reply is None:
                raise self._failure("stopped before it was done")
            payload = reply.get("payload", {})
            if payload.get("type") == "Error":
                raise IndexerError(f"refused a request: {payload.get('message', '')}".strip())
            replies[int(reply.get("message_id") or 0)] = payload
        return [replies[key] for key in sorted(replies)]

    def _failure(self, what: str) -> IndexerError:
        try:
            code = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._kill()
            code = self._process.wait()
        self._error_reader.join(timeout=5)  # its last words may still be in the pipe: they name the cause
        said = " ".join(b"".join(self._errors).decode("utf-8", "replace").split())[-300:]
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"was killed ({name}{', perhaps out of memory' if name == 'SIGKILL' else ''})"
        else:
            how = f"exited with status {code}"
        return IndexerError(f"{what}: it {how}" + (f": {said}" if said else ""))

    def bundle(self, records: Iterable[Record], language: str) -> tuple[int, dict[str, bytes]]:
        """Index ``records`` as one bundle: (pages indexed, bundle path -> bytes)."""
        config = {"force_language": language} if language else {}
        self._send([{"type": "NewIndex", "config": config}])
        index_id = self._receive(1)[0]["index_id"]
        sent = self._send({"type": "AddRecord", "index_id": index_id, **record} for record in records)
        self._receive(sent)
        self._send([{"type": "GetFiles", "index_id": index_id}])
        files = {item["path"]: base64.b64decode(item["content"]) for item in self._receive(1)[0]["files"]}
        self._send([{"type": "DeleteIndex", "index_id": index_id}])
        self._receive(1)
        return sent, files


class Indexers:
    """The indexer processes of one build, stopped all at once from any thread (a failed lane, or
    the build failing or interrupted while the index is made alongside the rendering); once stopped,
    no new one starts."""

    def __init__(self, setting: str) -> None:
        """``setting``: what sets their time limit (for the message when it is reached)."""
        self._setting = setting
        self._running: list[Service] = []
        self._lock = threading.Lock()
        self._stopped = False

    def start(self, binary: Path, deadline: float, timeout: float) -> Service:
        with self._lock:
            if self._stopped:
                raise IndexerError("was stopped: the build did not go on")
            service = Service(binary, deadline, timeout, self._setting)
            self._running.append(service)
        return service

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for service in self._running:
                service.stop()
