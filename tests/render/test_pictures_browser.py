"""Gate: an article with a lead image and two body images, in Debian's chromium: the lead image is the
largest paint and loads at once, the browser picks a modern format, and nothing moves as pictures load."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_image, write_site
from gates import build_site, chromium_context, serve

pytestmark = pytest.mark.slow

CONFIG = "title: Pic News\nbase_url: /\ntimezone: UTC\nauthor: {name: Desk}\n"
ARTICLE = ("---\ntitle: A picture story\ndate: 2025-06-01\nimage: /images/lead.jpg\nimage_alt: The lead picture\n"
           "image_caption: The caption.\nsummary: A short standfirst.\n---\n" + "A paragraph of words before the pictures. " * 6 + "\n\n"
           + ("Another paragraph of words to read first. " * 6 + "\n\n") * 4 +
           "![The first body picture](/images/one.png)\n\n"
           + "A paragraph of words to read between the pictures. " * 30 + "\n\n![The second body picture](/images/two.jpg)\n")
# Layout shifts and the largest paint, as the page saw them, collected from the start (buffered)
OBSERVE = """() => new Promise(resolve => {
  const shifts = []; let lcp = null;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) shifts.push(e.value); })
    .observe({type: 'layout-shift', buffered: true});
  new PerformanceObserver(list => { const all = list.getEntries(); lcp = all[all.length - 1]; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  setTimeout(() => resolve({cls: shifts.reduce((a, b) => a + b, 0),
                            lcp: lcp && lcp.element ? (lcp.element.getAttribute('alt') || lcp.element.outerHTML.slice(0, 80)) : null, size: lcp && lcp.size,
                            lcpUrl: lcp ? lcp.url : null}), 1500);
})"""


def photo(path: Path, width: int, height: int) -> None:
    """A picture with detail: chromium does not count a flat colour as the largest paint (low entropy)."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    noise = Image.effect_noise((width, height), 60)
    Image.merge("RGB", (noise, Image.linear_gradient("L").resize((width, height)), noise)).save(path, "JPEG")


def test_lead_image_is_the_largest_paint_is_not_lazy_and_nothing_shifts(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"a.md": ARTICLE}, CONFIG)
    photo(site / "static/images/lead.jpg", 2400, 1350)
    write_image(site / "static/images/one.png", 1000, 700, "PNG", "#204080")
    write_image(site / "static/images/two.jpg", 1600, 900, "JPEG", "#208040")
    built = build_site(site, site / "public", "pictures")
    with serve(built.output) as origin, chromium_context(viewport={"width": 412, "height": 823}) as context:
        page = context.new_page()
        page.goto(origin + "/2025/06/01/a/", wait_until="load")
        lead = page.locator(".story__hero img")
        assert lead.evaluate("img => img.loading") == "auto" and lead.get_attribute("fetchpriority") == "high"
        assert lead.evaluate("img => img.complete && img.naturalWidth > 0")
        assert lead.evaluate("img => img.currentSrc").endswith(".avif")  # the browser took the best format
        for body in page.locator(".story__body picture img").all():
            assert body.evaluate("img => img.loading") == "lazy"
        seen = page.evaluate(OBSERVE)
        assert seen["cls"] == 0, seen
        assert seen["lcp"] == "The lead picture", seen
        page.mouse.wheel(0, 4000)  # the lazy pictures load as they come into view, still without a shift
        page.wait_for_function("() => [...document.querySelectorAll('.story__body img')].every(i => i.complete)")
        assert page.evaluate(OBSERVE)["cls"] == 0
