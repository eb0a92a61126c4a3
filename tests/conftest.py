"""Shared test helpers: run the CLI as a user would, build small sites in temp folders."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SRC = REPO / "src"
# The package under test, and the shared helpers here (fixture_site, servekit, gates, publishing_site),
# importable by name from the test files in tests/<subpackage>/ (those folders have no __init__.py).
sys.path[:0] = [str(folder) for folder in (SRC, TESTS) if str(folder) not in sys.path]

# Hypothesis keeps what it found (and a cache of Unicode tables) in .hypothesis/ in the current folder
# by default: the checkout. Tests write nothing there, so it lives in the system's temp folder instead.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "ballerina-site-hypothesis")


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ballerina_site`` from this checkout in a real process."""
    full_env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "ballerina_site", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def write_site(root: Path, articles: dict[str, str], config: str | None = None,
               extra: dict[str, str] | None = None) -> Path:
    """Create a site folder: ``articles`` maps file names under content/ to their text."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(textwrap.dedent(config).lstrip("\n") if config is not None else
                                    "title: Test News\nbase_url: https://news.example/\ntimezone: UTC\n"
                                    "author: {name: Test Desk}\nimage: https://news.example/share.png\n",
                                    encoding="utf-8")
    for name, text in articles.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for name, text in (extra or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def write_image(path: Path, width: int = 1200, height: int = 800, fmt: str = "PNG", colour: str = "#9b1226") -> Path:
    """A real picture (Pillow) where a test site needs one: lead images must be at least 600 px wide."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height), colour).save(path, fmt)
    return path


def article(title: str, date: str = "2025-06-01", body: str = "Some words here.", **meta: str) -> str:
    lines = ["---", f"title: '{title.replace(chr(39), chr(39) * 2)}'", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in meta.items()]
    return "\n".join(lines + ["---", "", body, ""])


@pytest.fixture
def repo() -> Path:
    return REPO


def only_this_thread() -> None:
    """Wait for threads an earlier test left ending (the manager of a pool stopped early), so that
    this process may fork again (pipeline/parallel.py forks only while it runs a single thread)."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join()


class _Taken:
    def __init__(self, value: object):
        self.value = value

    def taken(self) -> object:
        return self.value

    def cancel(self) -> None:
        pass


def others_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work ahead (parallel.ahead) goes to another process as in a build, but is done before this
    process goes on: work the two share from both ends (parallel.Meet, the articles' own pages'
    fingerprints) is all taken by the other one, one page at a time, whatever the timing."""
    from ballerina_site.pipeline import parallel, plan

    started = parallel.ahead

    def ahead(func):  # type: ignore[no-untyped-def]
        pending = started(func)
        return None if pending is None else _Taken(pending.taken())
    monkeypatch.setattr(parallel, "ahead", ahead)
    monkeypatch.setattr(plan, "OWN_PAGES_A_CHUNK", 1)

