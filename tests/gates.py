"""Shared parts of the quality gates: the tools in .tools/, built sites, a loopback server, chromium.

Tools nobody on the project wrote judge the output: the Nu Html Checker, axe-core, Lighthouse and
Debian's chromium driven by Playwright. They are installed by scripts/setup-tests.sh; a missing tool
fails the gate (it is never skipped) with the command that installs it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, run_cli
from fixture_site import make_fixture_site
from golden_site import copy_default_site

TOOLS = REPO / ".tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
LIGHTHOUSE_CLI = TOOLS / "lighthouse" / "cli" / "index.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIXTURE_ARTICLES = 300


def require(path: Path | str, what: str) -> str:
    """The path of a tool, or a failed (not skipped) gate that says how to install it."""
    found = shutil.which(path) if isinstance(path, str) else (str(path) if path.exists() else None)
    if not found:
        pytest.fail(f"{what} is missing ({path}); run `bash scripts/setup-tests.sh`", pytrace=False)
    return found


@dataclass(frozen=True, slots=True)
class BuiltSite:
    name: str
    source: Path  # the site folder it was built from
    output: Path
    base_url: str

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))

    def first_article(self) -> str:
        """The site path of the newest article: the first card on the home page."""
        home = BeautifulSoup((self.output / "index.html").read_text(encoding="utf-8"), "html.parser")
        return str(home.select_one(".card__title a")["href"])

    def first_tag(self) -> str:
        tags = sorted(p.parent.name for p in (self.output / "tags").glob("*/index.html"))
        return f"/tags/{tags[0]}/"

    def audit_pages(self) -> dict[str, str]:
        """The page kinds every browser gate visits; add a kind here and every gate covers it."""
        pages = {"home": "/", "article": self.first_article(), "tag": self.first_tag(),
                 "archive": "/archive/", "404": "/404.html"}
        if (self.output / "search" / "index.html").is_file():  # the search page (issue 4b) when built
            pages["search"] = "/search/"
        return pages


def build_site(source: Path, output: Path, name: str, base_url: str = "/") -> BuiltSite:
    result = run_cli("build", "--source", str(source), "--output", str(output), "--base-url", base_url)
    assert result.returncode == 0, result.stderr
    return BuiltSite(name, source, output, base_url)


@pytest.fixture(scope="session")
def built_default(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The repository's own site, built for serving at the root of a loopback server."""
    site = copy_default_site(tmp_path_factory.mktemp("default") / "site")  # a build writes beside its sources
    return build_site(site, site / "public", "default")


@pytest.fixture(scope="session")
def built_fixture(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    root = make_fixture_site(tmp_path_factory.mktemp("fixture") / "site", FIXTURE_ARTICLES)
    return build_site(root, root / "public", "fixture")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A plain static file server on 127.0.0.1 (port chosen by the OS); yields its origin."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium_context(**options: object) -> Iterator[object]:
    """Debian's chromium, headless, with a fresh profile; never a downloaded browser."""
    require(str(CHROMIUM), "chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the Python package playwright is missing; run `bash scripts/setup-tests.sh`", pytrace=False)
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, **options)
        try:
            yield context
        finally:
            context.close()
