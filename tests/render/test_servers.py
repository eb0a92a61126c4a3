"""Deploy anywhere, proven: the snippets `deploy-config` prints, run by real nginx, Apache and Caddy.

The default site (an article moved: urls.lock names its old URL) and a generated 300-article site
(an old URL in `aliases`), each built at the root and under /news/, are served by each server on a
loopback port with the printed snippet included, and checked over HTTP: every file 200 with its
bytes, the old URL a 301 to the new one, a missing page the site's 404 page with status 404, the
caching and content type of each kind of file, and the precompressed copies sent when the client
accepts them. Then a reader's journey through nginx in chromium, with no console error.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlsplit

import brotli
import pytest

from conftest import run_cli
from fixture_site import make_fixture_site
from gates import chromium_context
from golden_site import copy_default_site
from webservers import SERVERS, brotli_in_nginx, fetch, web_server

pytestmark = pytest.mark.slow

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
MOVED_FROM = "/2025/06/01/old-featurette/"
ALIAS = "/2020/01/01/an-old-story/"
TYPES = {"feed.xml": "application/atom+xml", "rss.xml": "application/rss+xml", "sitemap.xml": "application/xml",
         "photo.webp": "image/webp", "photo.avif": "image/avif", "index.html": "text/html", ".css": "text/css",
         ".js": "javascript"}


@dataclass(frozen=True)
class Built:
    name: str
    output: Path
    base: str  # "/" or "/news/"
    moved: tuple[str, str]  # (old site path, new site path)

    def link(self, relative: str) -> str:
        """The URL path of an output file (a folder's index.html by its folder)."""
        if relative == "index.html" or relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return self.base + relative


@pytest.fixture(scope="module")
def readable_root() -> Iterator[Path]:
    """A folder every user can read: Apache's workers run as www-data, and pytest's tmp_path is private."""
    root = Path(tempfile.mkdtemp(prefix="ballerina-deploy-"))
    root.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _add_images(site: Path) -> None:
    (site / "static" / "assets").mkdir(parents=True, exist_ok=True)
    (site / "static" / "assets" / "photo.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    (site / "static" / "assets" / "photo.avif").write_bytes(b"\x00\x00\x00\x1cftypavif")


def _default_site(root: Path) -> tuple[Path, tuple[str, str]]:
    """The repository's site, with its first article recorded in urls.lock at an older URL."""
    site = copy_default_site(root / "default")
    lock = json.loads((site / "urls.lock").read_text())
    source, entry = sorted(lock["articles"].items())[0]
    new = entry["url"]
    entry["url"] = MOVED_FROM
    (site / "urls.lock").write_text(json.dumps(lock, indent=2))
    _add_images(site)
    return site, (MOVED_FROM, new)


def _fixture_site(root: Path) -> tuple[Path, tuple[str, str]]:
    """300 generated articles, the first of which lists an old URL in `aliases`."""
    site = make_fixture_site(root / "fixture", 300)
    first = sorted((site / "content").rglob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("---\n", f"---\naliases: [{ALIAS}]\n", 1), encoding="utf-8")
    _add_images(site)
    return site, (ALIAS, "")


@pytest.fixture(scope="module")
def builds(readable_root: Path) -> dict[tuple[str, str], Built]:
    made: dict[tuple[str, str], Built] = {}
    for name, make in (("default", _default_site), ("fixture", _fixture_site)):
        site, moved = make(readable_root)
        for base in ("/", "/news/"):
            output = readable_root / f"{name}-{base.strip('/') or 'root'}"
            done = run_cli("build", "--source", str(site), "--output", str(output), "--base-url", base, timeout=600)
            assert done.returncode == 0, done.stderr
            redirects = (output / "_redirects").read_text().splitlines()[1:]
            old_link, new_link, status = redirects[0].split()
            assert (old_link, status) == (base + moved[0].lstrip("/"), "301")
            made[name, base] = Built(name, output, base, (moved[0], new_link[len(base) - 1:]))
    return made


def _snippet(built: Built, server: str, site: Path) -> str:
    done = run_cli("deploy-config", server, "--source", str(site), "--output", str(built.output))
    assert done.returncode == 0, done.stderr
    return done.stdout


def _site_folder(built: Built) -> Path:
    return built.output.parent / built.name


def _decoded(answer_body: bytes, encoding: str | None) -> bytes:
    if encoding == "br":
        return brotli.decompress(answer_body)
    if encoding == "gzip":
        return gzip.decompress(answer_body)
    return answer_body


def _published(output: Path) -> list[str]:
    """Every file a reader may ask for: not the copies, not the host files."""
    return sorted(path.relative_to(output).as_posix() for path in output.rglob("*")
                  if path.is_file() and not path.name.endswith((".br", ".gz")) and path.name not in
                  ("_redirects", "_headers"))


@pytest.mark.parametrize("base", ["/", "/news/"])
@pytest.mark.parametrize("name", ["default", "fixture"])
@pytest.mark.parametrize("server", SERVERS)
def test_a_real_server_serves_the_site_as_built(server: str, name: str, base: str,
                                                builds: dict[tuple[str, str], Built], readable_root: Path) -> None:
    built = builds[name, base]
    snippet = _snippet(built, server, _site_folder(built))
    work = readable_root / f"{server}-{name}-{base.strip('/') or 'root'}"
    with web_server(server, snippet, built.output, work) as port:
        old, new = built.moved
        redirect_page = old.lstrip("/") + "index.html"  # the meta-refresh page a plain host would serve
        for relative in _published(built.output):  # every page and file, with its very bytes
            if relative == redirect_page:
                continue
            answer = fetch(port, quote(built.link(relative)))
            assert answer.status == 200, (relative, answer.status)
            assert answer.body == (built.output / relative).read_bytes(), relative
            assert "content-encoding" not in answer.headers, relative

        for asked in (built.base + old.lstrip("/"), built.base + old.lstrip("/") + "index.html"):
            moved = fetch(port, asked)
            assert moved.status == 301, asked
            assert urlsplit(moved.headers["location"]).path == built.base + new.lstrip("/")

        missing = fetch(port, built.base + "no/such/page/")
        assert missing.status == 404
        assert missing.body == (built.output / "404.html").read_bytes()

        css = next(name for name in os.listdir(built.output / "assets") if re.fullmatch(r"style\.[0-9a-f]{8}\.css", name))
        assert fetch(port, built.base + "assets/" + css).headers["cache-control"] == IMMUTABLE
        for short in ("", "assets/style.css", "feed.xml"):
            assert fetch(port, built.base + short).headers["cache-control"] == SHORT, short
        for asked, kind in (("feed.xml", TYPES["feed.xml"]), ("tags/", TYPES["index.html"]),
                            ("sitemap.xml", TYPES["sitemap.xml"]), ("assets/" + css, TYPES[".css"]),
                            ("assets/photo.webp", TYPES["photo.webp"]), ("assets/photo.avif", TYPES["photo.avif"])):
            assert fetch(port, built.base + asked).headers["content-type"].startswith(kind), asked
        rss = next(path for path in _published(built.output) if path.endswith("/rss.xml"))
        assert fetch(port, built.link(rss)).headers["content-type"].startswith(TYPES["rss.xml"])

        encodings = ["gzip", "br"] if server != "nginx" or brotli_in_nginx() else ["gzip"]
        for relative in ("index.html", "feed.xml", "sitemap.xml", "assets/" + css, "404.html"):
            original = (built.output / relative).read_bytes()
            for encoding in encodings:
                answer = fetch(port, built.link(relative), f"{encoding}, identity" if encoding == "gzip" else "br")
                assert answer.headers.get("content-encoding") == encoding, (relative, encoding)
                assert _decoded(answer.body, encoding) == original, (relative, encoding)
                assert "accept-encoding" in answer.headers.get("vary", "").lower(), (relative, encoding)
        # Pagefind's files that are gzip already: their Brotli copy holds the unpacked bytes (Pagefind's
        # runtime takes both); a client without Brotli gets the file as it is.
        packed = [path for path in _published(built.output) if path.endswith((".pf_meta", ".pagefind"))
                  and (built.output / (path + ".br")).exists()]
        assert "pagefind/wasm.en.pagefind" in packed
        for relative in packed:
            original = (built.output / relative).read_bytes()
            if "br" in encodings:
                answer = fetch(port, built.link(relative), "br, gzip")
                assert answer.headers.get("content-encoding") == "br", relative
                assert brotli.decompress(answer.body) == gzip.decompress(original), relative
                assert "accept-encoding" in answer.headers.get("vary", "").lower(), relative
            answer = fetch(port, built.link(relative), "gzip, identity")
            assert "content-encoding" not in answer.headers and answer.body == original, relative
        missing = fetch(port, built.base + "no/such/page/", "br, gzip")
        assert missing.status == 404
        assert _decoded(missing.body, missing.headers.get("content-encoding")) == \
            (built.output / "404.html").read_bytes()


def test_a_readers_journey_through_nginx(builds: dict[tuple[str, str], Built], readable_root: Path) -> None:
    """The browser takes the precompressed, fingerprinted files from nginx: pages render, search
    works, nothing fails."""
    from playwright.sync_api import expect

    built = builds["default", "/news/"]
    snippet = _snippet(built, "nginx", _site_folder(built))
    errors: list[str] = []
    with web_server("nginx", snippet, built.output, readable_root / "nginx-journey") as port, \
            chromium_context() as context:
        origin = f"http://127.0.0.1:{port}"
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and "no/such" not in page.url  # the 404 asked for below
                and errors.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        page.on("response", lambda r: r.status >= 400 and "no/such" not in r.url and errors.append(f"{r.url}: {r.status}"))
        page.goto(origin + "/news/")
        expect(page.locator("h1")).to_contain_text("All News")
        page.locator(".card__title a").first.click()
        expect(page.locator("article h1, h1").first).to_be_visible()
        page.goto(origin + built.base + built.moved[0].lstrip("/"))
        assert urlsplit(page.url).path == built.base + built.moved[1].lstrip("/")
        page.goto(origin + "/news/search/")
        page.locator("input[type=search]").first.fill("Ballerina")
        page.keyboard.press("Enter")
        expect(page.locator("main a[href^='/news/20']").first).to_be_visible()
        answer = page.goto(origin + "/news/no/such/page/")
        assert answer is not None and answer.status == 404
        expect(page.locator("h1")).to_have_text("Page not found")
    assert not errors, "\n".join(errors)
