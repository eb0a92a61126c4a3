"""Gate: a reader's journey in Debian's chromium, with screenshots at phone and desktop widths.

Home -> the first article -> Keep Reading -> a tag -> the tag page lists the article -> (search, when
the site has a search page) -> the 404 page. Along the way: no console error, no failed request and
no request to any host but the local server. Screenshots land in a folder the test prints
(``BALLERINA_SCREENSHOTS=DIR`` to choose it); ``UPDATE_DOCS_SCREENSHOTS=1`` also refreshes the README's
screenshots in docs/ (the default site's home and first article, 1280 px wide, first screen).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import REPO
from gates import BuiltSite, chromium_context, built_default, built_fixture, serve  # noqa: F401

pytestmark = pytest.mark.slow

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def screenshot_dir(tmp_path_factory: pytest.TempPathFactory, site: BuiltSite) -> Path:
    chosen = os.environ.get("BALLERINA_SCREENSHOTS")
    folder = Path(chosen) / site.name if chosen else tmp_path_factory.mktemp(f"screenshots-{site.name}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("site_name", ["built_default", "built_fixture"])
def test_a_readers_journey(site_name: str, request: pytest.FixtureRequest,
                           tmp_path_factory: pytest.TempPathFactory) -> None:
    from playwright.sync_api import expect

    site: BuiltSite = request.getfixturevalue(site_name)
    shots = screenshot_dir(tmp_path_factory, site)
    update_docs = os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1"
    if update_docs:
        (REPO / "docs").mkdir(exist_ok=True)
    console_errors: list[str] = []
    failed: list[str] = []
    foreign: list[str] = []
    with serve(site.output) as origin, chromium_context(viewport={"width": 1280, "height": 900}) as context:
        def watch(page):
            page.on("console", lambda m: m.type == "error" and console_errors.append(f"{page.url}: {m.text}"))
            page.on("pageerror", lambda e: console_errors.append(f"{page.url}: {e}"))
            # a request the browser itself cancels because the reader moved on (net::ERR_ABORTED, e.g. a
            # lazy image) is not a failure; a missing file shows as an HTTP error status below
            page.on("requestfailed", lambda r: r.failure == "net::ERR_ABORTED"
                    or failed.append(f"{r.url}: {r.failure}"))
            page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url}: HTTP {r.status}"))
            page.on("request", lambda r: r.url.startswith((origin + "/", "data:", "about:"))
                    or foreign.append(r.url))
            return page

        page = watch(context.new_page())
        page.goto(origin + "/")
        expect(page.locator("h1")).to_contain_text("All News")
        first = page.locator(".card__title a").first
        title = first.inner_text().strip()
        first.click()
        expect(page.locator("h1")).to_have_text(title)
        article_path = page.url.removeprefix(origin)
        assert article_path == site.first_article()

        keep = page.locator("section.keep-reading")
        expect(keep.get_by_role("heading", name="Keep Reading")).to_be_visible()
        assert keep.locator(".card__title a").count() >= 1

        hops = 0  # the first article may have no tags: read on through Keep Reading until one has
        while page.locator(".story__header .tag").count() == 0:
            hops += 1
            assert hops <= 3, "no article with tags within three Keep Reading hops"
            page.locator("section.keep-reading .card__title a").first.click()
        tagged_path = page.url.removeprefix(origin)
        tagged_title = page.locator("h1").inner_text().strip()
        tag = page.locator(".story__header .tag").first
        tag_name = tag.inner_text().strip()
        tag.click()
        expect(page.locator("h1")).to_contain_text(tag_name)
        assert page.url.removeprefix(origin).startswith("/tags/")
        listed = page.locator(f'.card__title a[href="{tagged_path}"]')
        expect(listed).to_have_text(tagged_title)

        if (site.output / "search" / "index.html").is_file():  # search arrives with issue 4b
            word = max(re.findall(r"\w{5,}", tagged_title), key=len)
            page.goto(origin + "/search/")
            page.locator("input[type=search]").first.fill(word)
            page.keyboard.press("Enter")
            expect(page.locator(f'a[href="{tagged_path}"]').first).to_be_visible()

        response = page.goto(origin + "/404.html")
        assert response is not None and response.ok
        expect(page.locator("h1")).to_have_text("Page not found")
        expect(page.get_by_role("link", name="Go to All News")).to_be_visible()

        for width_name, (width, height) in WIDTHS.items():
            shot = watch(context.new_page())
            shot.set_viewport_size({"width": width, "height": height})
            for kind, path in (("home", "/"), ("article", article_path)):
                shot.goto(origin + path)
                overflow = shot.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, f"{path} is {overflow}px wide at {width}px: it scrolls sideways"
                shot.screenshot(path=str(shots / f"{kind}-{width_name}.png"), full_page=True)
                if width_name == "desktop" and site.name == "default" and update_docs:
                    shot.screenshot(path=str(REPO / "docs" / f"screenshot-{kind}.png"))
            shot.close()

    print(f"\nscreenshots of the {site.name} site: {shots}")
    assert not console_errors, "\n".join(console_errors)
    assert not failed, "\n".join(failed)
    assert not foreign, "requests left the local server:\n" + "\n".join(foreign)
