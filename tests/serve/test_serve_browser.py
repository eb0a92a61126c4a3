"""A real browser (Debian's chromium, driven by Playwright) follows `serve --watch` by itself."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from golden_site import copy_default_site
from servekit import BOUND, REPO, ServeProcess

from playwright import sync_api as playwright_api  # the `test` extra; a missing one fails, not skips

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WAIT_MS = int(BOUND * 1000)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser_context():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup-tests.sh installs Debian's chromium")
    profile = tempfile.mkdtemp(prefix="ballerina-chromium-")
    with playwright_api.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                            args=ARGS)
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


def test_open_article_shows_an_edit_without_a_manual_reload(tmp_path, browser_context):
    site = copy_default_site(tmp_path / "site")
    with ServeProcess(site, "--watch") as serve:
        page = browser_context.new_page()
        page.goto(serve.url)
        article = sorted((site / "content").glob("*.md"))[0]
        link = page.locator("main a[href]").filter(has_text=_title(article)[:20]).first
        link.click()
        page.wait_for_load_state()
        # live reload is connected once the server counts the tab's event stream
        page.wait_for_function("document.getElementById('ballerina-live-reload') !== null")
        page.evaluate("window.__sameDocument = true")
        assert "Typed in the editor a moment ago." not in page.inner_text("main")

        text = article.read_text(encoding="utf-8")
        article.write_text(text.rstrip("\n") + "\n\nTyped in the editor a moment ago.\n", encoding="utf-8")
        page.wait_for_function("document.querySelector('main').innerText.includes("
                               "'Typed in the editor a moment ago.')", timeout=WAIT_MS)
        assert page.evaluate("window.__sameDocument === undefined")  # the tab reloaded itself

        # a broken front matter shows the terminal's message over the page; fixing it clears it
        article.write_text(text.replace("title:", "title: [unclosed\nbroken:", 1), encoding="utf-8")
        overlay = page.locator("#ballerina-live-error")
        overlay.wait_for(state="visible", timeout=WAIT_MS)
        message = overlay.inner_text()
        assert f"content/{article.name}:" in message
        problem = next(line for line in serve.stderr if line.startswith(f"content/{article.name}:"))
        assert problem in message
        article.write_text(text.rstrip("\n") + "\n\nFixed and back.\n", encoding="utf-8")
        page.wait_for_function("document.querySelector('main').innerText.includes('Fixed and back.')",
                               timeout=WAIT_MS)
        assert overlay.count() == 0
        page.close()
        assert serve.stop() == 0


def test_stylesheet_change_swaps_css_in_place(tmp_path, browser_context):
    site = copy_default_site(tmp_path / "site")
    css = site / "static" / "assets" / "style.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    theme_css = REPO / "src/ballerina_site/theme/static/assets/style.css"
    css.write_text(theme_css.read_text(encoding="utf-8"), encoding="utf-8")
    with ServeProcess(site, "--watch") as serve:
        page = browser_context.new_page()
        page.goto(serve.url)
        page.wait_for_function("document.getElementById('ballerina-live-reload') !== null")
        page.evaluate("window.__sameDocument = true")
        css.write_text(css.read_text(encoding="utf-8") + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n",
                       encoding="utf-8")
        page.wait_for_function("getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'",
                               timeout=WAIT_MS)
        assert page.evaluate("window.__sameDocument === true")  # no full reload for CSS
        page.close()
        assert serve.stop() == 0


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip("'\"")
    raise AssertionError(f"{path} has no title")
