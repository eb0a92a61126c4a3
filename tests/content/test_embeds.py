"""Video embeds (privacy-first, click to load) and figures: the HTML shape, errors, and a real click."""

from __future__ import annotations

import functools
import http.server
import re
import tempfile
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import article, run_cli, write_image, write_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

BODY = """\
The new trailer is here.

!youtube[Ballerina – Official Trailer](https://www.youtube.com/watch?v=0FSwsrFpkbw&t=1m5s)

!vimeo[Behind the scenes](https://vimeo.com/76979871 /images/bts.jpg "Shot on the *Prague* set")

![Ana de Armas as Eve](/images/eve.jpg "Ana de Armas in *Ballerina*. Photo: Lionsgate")

![A plain image](/images/plain.jpg)
"""


def build_article(tmp_path: Path, body: str = BODY) -> tuple[object, Path]:
    site = write_site(tmp_path / "site", {"2025-06-01-trailer.md": article("Trailer", "2025-06-01", body=body)},
                      "title: T\nbase_url: /\n")
    for name in ("bts.jpg", "eve.jpg", "plain.jpg"):
        write_image(site / "static/images" / name, 640, 360, "JPEG")
    out = tmp_path / "out"
    return run_cli("build", "--source", str(site), "--output", str(out), "--no-search"), out


def test_embed_html_shape_and_no_request_before_click(tmp_path: Path) -> None:
    result, out = build_article(tmp_path)
    assert result.returncode == 0, result.stderr
    html = (out / "2025/06/01/trailer/index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    youtube, vimeo = soup.select("figure.embed")
    frame = youtube.select_one(".embed__frame")
    assert frame["data-embed-src"] == "https://www.youtube-nocookie.com/embed/0FSwsrFpkbw?autoplay=1&start=65"
    assert frame["data-embed-title"] == "YouTube video: Ballerina – Official Trailer"
    link = frame.select_one("a.embed__link")
    assert link["href"] == "https://www.youtube.com/watch?v=0FSwsrFpkbw&t=65s"  # the plain link without JS
    assert link.get_text(" ", strip=True) == "Ballerina – Official Trailer Watch on YouTube"
    assert youtube.select_one("iframe") is None and youtube.select_one("img") is None
    assert vimeo.select_one(".embed__frame")["data-embed-src"] == \
        "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"
    poster = vimeo.select_one("picture img.embed__poster")  # a picture, in the modern formats too
    assert poster["src"].startswith("/images/bts.") and poster["loading"] == "lazy"
    assert vimeo.select_one("img.embed__poster")["alt"] == ""
    assert vimeo.select_one("figcaption").decode_contents() == "Shot on the <em>Prague</em> set"
    # Nothing loads from a video host before a click: no src, srcset or poster points off the site.
    for tag in soup.find_all(True):
        for attribute in ("src", "srcset", "poster", "data"):
            value = tag.get(attribute) or ""
            assert not re.search(r"youtube|vimeo|ytimg|vimeocdn|//", value), (tag.name, attribute, value)
    assert soup.find("script", src=re.compile(r"^/assets/embeds\.[0-9a-f]{8}\.js$")) is not None
    figure = soup.select_one("figure.figure")
    assert figure.select_one("img")["alt"] == "Ana de Armas as Eve"
    assert figure.select_one("img").get("title") is None
    assert figure.select_one("figcaption").decode_contents() == "Ana de Armas in <em>Ballerina</em>. Photo: Lionsgate"
    assert soup.select_one("p > picture > img[alt='A plain image']") is not None  # no title: no figure


def test_pages_without_embeds_load_no_script(tmp_path: Path) -> None:
    result, out = build_article(tmp_path, "Just words.")
    assert result.returncode == 0
    assert "embeds.js" not in (out / "2025/06/01/trailer/index.html").read_text()


@pytest.mark.parametrize("line, message", [
    ("!youtube[](0FSwsrFpkbw)", "a video embed needs a title for screen readers"),
    ("!youtube[Clip](not-an-id)", "`not-an-id` is not a YouTube video ID or URL"),
    ("!vimeo[Clip](https://www.youtube.com/watch?v=0FSwsrFpkbw)",
     "`https://www.youtube.com/watch?v=0FSwsrFpkbw` is not a Vimeo address"),
    ("!youtube[Clip](0FSwsrFpkbw https://i.ytimg.com/vi/x/hq.jpg)",
     "the poster `https://i.ytimg.com/vi/x/hq.jpg` must be a file of this site"),
])
def test_bad_embeds_are_reported_with_their_line(tmp_path: Path, line: str, message: str) -> None:
    result, out = build_article(tmp_path, f"Intro.\n\n{line}\n")
    assert result.returncode == 1
    # front matter: 4 lines, a blank line, "Intro.", a blank line, then the embed on line 8
    assert f"content/2025-06-01-trailer.md:8: {message}" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


@pytest.mark.slow
def test_click_loads_the_nocookie_player_and_nothing_before(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing; run scripts/setup-tests.sh", pytrace=False)
    from playwright.sync_api import sync_playwright

    result, out = build_article(tmp_path)
    assert result.returncode == 0, result.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outside: list[str] = []

    def guard(route) -> None:  # the browser never reaches the network: off-site requests are noted and cut
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    try:
        with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM),
                                                            headless=True, args=CHROMIUM_FLAGS)
            try:
                page = context.new_page()
                context.route("**/*", guard)
                page.goto(base + "/2025/06/01/trailer/")
                page.wait_for_load_state("networkidle")
                assert outside == []
                link = page.locator(".embed--youtube .embed__link")
                assert link.get_attribute("role") == "button"
                assert link.text_content() == "Ballerina – Official TrailerPlay video (loads YouTube)"
                # Keyboard: focus the poster and press Space; the first request off the site is the player's.
                link.focus()
                with page.expect_request(lambda request: not request.url.startswith(base)) as off_site:
                    page.keyboard.press("Space")
                assert off_site.value.url.startswith("https://www.youtube-nocookie.com/")
                player = page.locator(".embed--youtube iframe")
                player.wait_for()
                assert player.get_attribute("src") == \
                    "https://www.youtube-nocookie.com/embed/0FSwsrFpkbw?autoplay=1&start=65"
                assert player.get_attribute("title") == "YouTube video: Ballerina – Official Trailer"
                assert page.evaluate("document.activeElement.tagName") == "IFRAME"
                assert all(url.startswith("https://www.youtube-nocookie.com/") for url in outside)
                assert page.locator(".embed--vimeo iframe").count() == 0  # the other video is still a poster
            finally:
                context.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("kind, text, player", [
    ("youtube", "0FSwsrFpkbw", "https://www.youtube-nocookie.com/embed/0FSwsrFpkbw?autoplay=1"),
    ("video", "https://youtu.be/0FSwsrFpkbw?t=90", "https://www.youtube-nocookie.com/embed/0FSwsrFpkbw?autoplay=1&start=90"),
    ("youtube", "https://m.youtube.com/watch?v=0FSwsrFpkbw&t=1h2m3s",
     "https://www.youtube-nocookie.com/embed/0FSwsrFpkbw?autoplay=1&start=3723"),
    ("youtube", "https://www.youtube.com/shorts/0FSwsrFpkbw", "https://www.youtube-nocookie.com/embed/0FSwsrFpkbw?autoplay=1"),
    ("youtube", "youtube.com/embed/0FSwsrFpkbw?start=12", "https://www.youtube-nocookie.com/embed/0FSwsrFpkbw?autoplay=1&start=12"),
    ("vimeo", "76979871", "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"),
    ("video", "https://vimeo.com/channels/staffpicks/76979871", "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"),
    ("vimeo", "https://vimeo.com/76979871/a1b2c3d4e5", "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1&h=a1b2c3d4e5"),
    ("vimeo", "https://player.vimeo.com/video/76979871?h=a1b2c3d4e5#t=30s",
     "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1&h=a1b2c3d4e5#t=30s"),
])
def test_video_addresses_in_every_usual_form(kind: str, text: str, player: str) -> None:
    from ballerina_site.content.embeds import Video, parse_video

    video = parse_video(kind, text)
    assert isinstance(video, Video) and video.player_url == player
