"""Save-to-reload latency of `ballerina-site serve --watch`, measured as a browser would feel it.

Copies a site to a temp folder, starts `serve --watch` on a free loopback port, opens a
Server-Sent Events client like an open tab, then edits one article N times. Each run times from
just before the file is written to the moment the reload event arrives (the server sends it only
after the rebuilt site is in place). Prints one row per run and the median.

    python benchmarks/serve_latency.py                    # the default site (repo root)
    python benchmarks/serve_latency.py --site DIR --runs 20
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def copy_site(source: Path, target: Path) -> Path:
    """The site's sources only: content/, templates/, static/ and the YAML files beside them."""
    target.mkdir(parents=True)
    for name in ("content", "templates", "static"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
    for path in source.glob("*.y*ml"):
        shutil.copy2(path, target / path.name)
    return target


class Server:
    def __init__(self, site: Path, poll: bool):
        env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
        args = [sys.executable, "-m", "ballerina_site", "serve", "--port", "0", "--poll" if poll else "--watch"]
        self.proc = subprocess.Popen(args, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.first_build = ""
        deadline = time.monotonic() + 300
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line.startswith("built "):
                self.first_build = line
            match = re.match(r"serving .* at http://127\.0\.0\.1:(\d+)(/\S*)", line)
            if match:
                self.port = int(match.group(1))
                break
            if line.startswith("build failed"):
                raise SystemExit(f"the site does not build: {line}")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def rebuild_line(self, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line.startswith(("rebuilt ", "build failed")):
                return line

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(30)


class Tab:
    """An SSE client; records when each `state` event arrives."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.conn.request("GET", "/__ballerina/events")
        self.response = self.conn.getresponse()
        self.events: queue.Queue[tuple[float, dict]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.build = self.events.get(timeout=30)[1]["build"]

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    self.events.put((time.perf_counter(), json.loads(line[5:])))
        except (OSError, ValueError):
            pass

    def next_build(self, timeout: float = 60) -> float:
        deadline = time.monotonic() + timeout
        while True:
            at, event = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            if event["error"] is not None:
                raise SystemExit(f"the edit broke the build: {event['error']}")
            if event["build"] > self.build:
                self.build = event["build"]
                return at

    def close(self) -> None:
        self.conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO, help="site folder to copy (default: the repo root)")
    parser.add_argument("--runs", type=int, default=10, help="timed edits (default: 10)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed edits first (default: 1)")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between edits (default: 0.3)")
    parser.add_argument("--poll", action="store_true", help="measure the polling watcher instead")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="serve-latency-") as temp:
        site = copy_site(args.site, Path(temp) / "site")
        articles = sorted((site / "content").rglob("*.md"))
        if not articles:
            raise SystemExit(f"{args.site}: no articles under content/")
        target = articles[len(articles) // 2]
        server = Server(site, args.poll)
        tab = Tab(server.port)
        rows: list[tuple[int, float, str]] = []
        try:
            for run in range(-args.warmup, args.runs):
                time.sleep(args.pause)
                text = target.read_text(encoding="utf-8")
                started = time.perf_counter()
                target.write_text(text + f"\nBenchmark edit {run}.\n", encoding="utf-8")
                arrived = tab.next_build()
                line = server.rebuild_line()
                if run >= 0:
                    rows.append((run + 1, (arrived - started) * 1000, line))
        finally:
            tab.close()
            code = server.stop()

    def number(pattern: str, line: str) -> str:
        match = re.search(pattern, line)
        return match.group(1) if match else "?"

    print(f"site: {args.site.resolve()} ({len(articles)} articles; {server.first_build})")
    print(f"edited: content/{target.relative_to(site / 'content').as_posix()}; watcher: "
          f"{'polling' if args.poll else 'native events'}; {os.cpu_count()} CPUs")
    print()
    print(f"{'run':>4} | {'save -> reload event (ms)':>26} | {'rebuild (ms)':>12} | {'server: save -> served (ms)':>27}")
    print(f"{'-' * 4}-+-{'-' * 26}-+-{'-' * 12}-+-{'-' * 27}")
    for run, ms, line in rows:
        build_ms, served_ms = number(r"in (\d+) ms;", line), number(r"served in (\d+) ms", line)
        print(f"{run:>4} | {ms:>26.1f} | {build_ms:>12} | {served_ms:>27}")
    times = [ms for _, ms, _ in rows]
    print(f"{'-' * 4}-+-{'-' * 26}-+-{'-' * 12}-+-{'-' * 27}")
    print(f"median save -> reload: {statistics.median(times):.1f} ms "
          f"(min {min(times):.1f}, max {max(times):.1f}, runs {len(times)})")
    if code != 0:
        print(f"warning: serve exited with {code}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
