"""Search: the Pagefind index built into the output, the search page and box, and a real browser query."""

from __future__ import annotations

import os
import re

import functools
import gzip
import http.server
import importlib
import json
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import brotli
import pytest
from bs4 import BeautifulSoup

from ballerina_site.pipeline.searching import STORE_KIND
from ballerina_site.store.store import Store
from conftest import SRC, article, only_this_thread, others_first, run_cli, write_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]

ARTICLES = {
    "2025-06-01-trailer.md": article(
        "Final Ballerina Trailer Arrives", "2025-06-01T10:00:00Z",
        body="Eve fights with flamethrowers in the snowy village of Hallstatt.",
        tags="[Ballerina, Ana de Armas]", category="Trailers",
        summary="'The last trailer before release.'"),
    "2025-06-02-box-office.md": article(
        "Box Office Weekend Report", "2025-06-02T10:00:00Z",
        body="Numbers for the opening weekend are in. The choreography crowd came out.",
        tags="[Box Office]", category="Business"),
    "2025-06-03-interview.md": article(
        "Len Wiseman On Practical Effects", "2025-06-03T10:00:00Z",
        body="The director talks about real fire and skates used as weapons.",
        tags="[Ballerina, Len Wiseman]", category="Interviews"),
}


def built(tmp_path: Path, config: str | None = None, *args: str) -> Path:
    site = write_site(tmp_path / "site", ARTICLES, config)
    out = tmp_path / "out"
    result = run_cli("build", "--source", str(site), "--output", str(out), *args)
    assert result.returncode == 0, result.stderr
    return out


def fragments(out: Path) -> dict[str, dict]:
    found = {}
    for path in (out / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        found[fragment["url"]] = fragment
    return found


def test_index_holds_every_article_with_meta_and_filters(tmp_path: Path) -> None:
    out = built(tmp_path)
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3  # articles only, not listings, 404 or search
    pages = fragments(out)
    trailer = pages["/2025/06/01/trailer/"]
    assert trailer["meta"]["title"] == "Final Ballerina Trailer Arrives"
    assert trailer["meta"]["date"] == "June 1, 2025"
    assert trailer["meta"]["datetime"] == "2025-06-01T10:00:00+00:00"
    assert trailer["meta"]["summary"] == "The last trailer before release."
    assert sorted(trailer["filters"]["tag"]) == ["Ana de Armas", "Ballerina"]
    assert trailer["filters"]["category"] == ["Trailers"]
    assert "flamethrowers" in trailer["content"]
    # The body alone is searched and excerpted: no title, standfirst or byline repeated in it.
    for around in ("Final Ballerina Trailer", "The last trailer before release", "Published", "min read"):
        assert around not in trailer["content"]
    # Keep Reading at the end of an article is not part of its text or filters.
    assert "Box Office Weekend Report" not in trailer["content"]
    # The runtime and its WebAssembly are in the output: nothing is loaded from elsewhere. Only the
    # WebAssembly the entry names is published (Pagefind brings one for unstemmed languages too).
    for name in ("pagefind.js", "wasm.en.pagefind", "shards.json"):
        assert (out / "pagefind" / name).is_file()
    assert [path.name for path in (out / "pagefind").glob("wasm.*.pagefind")] == ["wasm.en.pagefind"]
    # What every first search downloads has a Brotli copy of its unpacked bytes (Pagefind's runtime
    # takes them so); Pagefind's own gzip stays for other clients; the chunks and fragments get none.
    packed = [path for path in (out / "pagefind").rglob("*") if path.suffix in (".pf_meta", ".pf_filter", ".pagefind")]
    assert len(packed) >= 3  # the WebAssembly, the meta, a filter
    for path in packed:
        copy = path.with_name(path.name + ".br")
        assert copy.exists() == (path.stat().st_size >= 512), path  # the meta of three pages is too small
        assert not copy.exists() or brotli.decompress(copy.read_bytes()) == gzip.decompress(path.read_bytes())
        assert not path.with_name(path.name + ".gz").exists()
    assert list((out / "pagefind" / "index").glob("*")) and not list((out / "pagefind").glob("index/*.br"))
    assert list((out / "pagefind" / "fragment").glob("*")) and not list((out / "pagefind").glob("fragment/*.br"))
    assert json.loads((out / "pagefind" / "shards.json").read_text()) == {"bundles": [], "stale": []}  # one bundle


def test_search_page_and_header_box(tmp_path: Path) -> None:
    out = built(tmp_path, "title: T\nbase_url: https://news.example/sub/\n")
    home = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    box = home.select_one("header form[role=search]")
    assert box["action"] == "/sub/search/" and box["method"] == "get"
    field = box.select_one("input[name=q]")
    assert home.select_one(f"label[for={field['id']}]").get_text(strip=True) == "Search articles"
    page = BeautifulSoup((out / "search" / "index.html").read_text(), "html.parser")
    assert page.select_one("header form[role=search]") is None  # the page's own form is enough
    form = page.select_one("form[data-search-form]")
    assert form["action"] == "/sub/search/"
    assert {i["value"] for i in form.select("input[name=tag]")} == {"Ana de Armas", "Ballerina", "Box Office",
                                                                      "Len Wiseman"}
    assert {i["value"] for i in form.select("input[name=category]")} == {"Business", "Interviews", "Trailers"}
    status = page.select_one("[data-search-status]")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    script = page.select_one("script[data-pagefind]")
    assert re.fullmatch(r"/sub/assets/search\.[0-9a-f]{8}\.js", script["src"])
    assert script["data-pagefind"] == "/sub/pagefind/pagefind.js"
    assert not any("//" in (tag.get("src") or "") for tag in page.select("script"))
    assert page.select_one("noscript a[href='/sub/archive/']") is not None
    missing = BeautifulSoup((out / "404.html").read_text(), "html.parser")
    form = missing.select_one("main form[role=search]")
    assert form["action"] == "/sub/search/"
    field = form.select_one("input[name=q]")
    assert missing.select_one(f"label[for={field['id']}]").get_text(strip=True) == \
        "Search for what you were looking for"
    assert missing.select_one("header form[role=search]") is not None  # the site's usual header
    assert [a.get_text() for a in missing.select("main li a")][:3] == [
        "Len Wiseman On Practical Effects", "Box Office Weekend Report", "Final Ballerina Trailer Arrives"]


@pytest.mark.parametrize("how", ["config", "flag"])
def test_search_can_be_switched_off(tmp_path: Path, how: str) -> None:
    config = "title: T\nsearch: false\n" if how == "config" else None
    out = built(tmp_path, config, *(["--no-search"] if how == "flag" else []))
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert 'role="search"' not in (out / "index.html").read_text()
    assert 'role="search"' not in (out / "404.html").read_text()


def test_shards_are_indexed_again_only_when_their_articles_change(tmp_path: Path) -> None:
    config = "title: T\nsearch_shard_size: 1\n"  # three articles: four shards, one empty
    out = built(tmp_path, config)
    shards = json.loads((out / "pagefind" / "shards.json").read_text())["bundles"]
    assert 1 <= len(shards) <= 3 and all(shard.startswith("shard-") for shard in shards)  # the empty left out
    assert (out / "pagefind" / "shard-3" / "pagefind-entry.json").is_file()
    bundles = [out / "pagefind", *(out / "pagefind" / shard for shard in shards)]
    counts = [json.loads((bundle / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
              for bundle in bundles]
    assert sum(counts) == 3
    assert not any((bundle / "pagefind.js").exists() for bundle in bundles[1:])  # one runtime, in pagefind/
    inodes = {path: path.stat().st_ino for path in (out / "pagefind").rglob("*") if path.is_file()}
    source = tmp_path / "site" / "content" / "2025-06-02-box-office.md"
    source.write_text(source.read_text().replace("opening weekend", "opening weekend in Reykjavík"))
    result = run_cli("build", "--source", str(tmp_path / "site"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert "search index of 3 pages (1 of 4 shards indexed)" in result.stdout
    # The edited article went to the small delta bundle; its old page in its shard is marked stale.
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    assert manifest["bundles"][-1] == "delta/" and len(manifest["stale"]) == 1
    bundles = [out / "pagefind", *(out / "pagefind" / shard for shard in manifest["bundles"])]
    after = {path: path.stat().st_ino for path in (out / "pagefind").rglob("*") if path.is_file()}
    def bundle_of(path: Path) -> str:
        part = path.relative_to(out / "pagefind").parts[0]
        return part if part.startswith("shard-") or part == "delta" else "primary"

    changed = {bundle_of(path) for path in after if inodes.get(path) != after[path] and path.name != "shards.json"}
    assert len(changed) == 1, changed  # the other shards' files are the very same files as before
    assert "Reykjavík" in all_fragments(bundles)["/2025/06/02/box-office/"]["content"]


def test_an_edit_reindexes_only_its_article_when_another_process_hashed_the_articles(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The articles' own pages may be fingerprinted in another process, which sends back the article
    hashes the search index compares with the last build's: still only the edited one is indexed."""
    from ballerina_site.pipeline import plan
    from ballerina_site.pipeline.build import BuildOptions, build

    only_this_thread()
    monkeypatch.setattr(plan, "AHEAD_FROM", 1)
    others_first(monkeypatch)
    site = write_site(tmp_path / "site", ARTICLES, "title: T\nsearch_shard_size: 1\n")
    options = BuildOptions(root=site, output=tmp_path / "out", cache=True, jobs=1)
    build(options)
    source = site / "content" / "2025-06-02-box-office.md"
    source.write_text(source.read_text().replace("opening weekend", "opening weekend in Reykjavík"))
    build(options)
    manifest = json.loads((tmp_path / "out" / "pagefind" / "shards.json").read_text())
    assert manifest["bundles"][-1] == "delta/" and len(manifest["stale"]) == 1, manifest
    delta = all_fragments([tmp_path / "out" / "pagefind" / "delta"])
    assert list(delta) == ["/2025/06/02/box-office/"] and "Reykjavík" in delta["/2025/06/02/box-office/"]["content"]


def test_an_index_made_afresh_leaves_no_old_bundle_behind(tmp_path: Path) -> None:
    """After an edit that left a delta bundle, an index made afresh (here: another shard size) has no
    delta; the output holds only the new index, so the next build finds nothing changed."""
    out = built(tmp_path, "title: T\nsearch_shard_size: 1\n")
    site = tmp_path / "site"
    source = site / "content" / "2025-06-02-box-office.md"
    source.write_text(source.read_text().replace("opening weekend", "opening weekend in Reykjavík"))
    assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
    assert (out / "pagefind" / "delta").is_dir()
    (site / "site.yaml").write_text("title: T\nsearch_shard_size: 2\n")
    result = run_cli("build", "--source", str(site), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert not (out / "pagefind" / "delta").exists()
    manifest = json.loads((out / "pagefind" / "shards.json").read_text())
    listed = {"pagefind", *(f"pagefind/{bundle}".rstrip("/") for bundle in manifest["bundles"])}
    assert {str(path.relative_to(out)) for path in (out / "pagefind").iterdir() if path.is_dir()} <= \
        listed | {"pagefind/fragment", "pagefind/index", "pagefind/filter"}
    again = run_cli("build", "--source", str(site), "--output", str(out))
    assert "nothing changed since the last build" in again.stdout, again.stdout


def test_another_pagefind_wheel_is_found_and_indexes_every_shard_again(tmp_path: Path) -> None:
    """The binary one build found serves the next only while the same Pagefind wheels are installed:
    after an upgrade (here a wheel of another version first on the path, shipping its own binary),
    the new binary is found and every shard is indexed again, not just the edit's delta."""
    real = importlib.import_module("pagefind_bin_extended").get_executable()

    def wheel(version: str) -> dict[str, str]:
        libs = tmp_path / f"libs-{version}"
        package = libs / "pagefind_bin_extended"
        package.mkdir(parents=True)
        (libs / f"pagefind_bin_extended-{version}.dist-info").mkdir()
        (package / "pagefind_extended").symlink_to(real)
        (package / "__init__.py").write_text("from pathlib import Path\n\n\ndef get_executable():\n"
                                             "    return Path(__file__).parent / 'pagefind_extended'\n")
        return {"PYTHONPATH": os.pathsep.join([str(libs), str(SRC), os.environ.get("PYTHONPATH", "")])}

    site = write_site(tmp_path / "site", ARTICLES, "title: T\nsearch_shard_size: 1\n")
    source = site / "content" / "2025-06-02-box-office.md"
    indexed = re.compile(r"\((\d+) of (\d+) shards indexed\)")
    old, new = wheel("9.0"), wheel("9.1")
    assert run_cli("build", "--source", str(site), env=old).returncode == 0
    for words, env in (("in Reykjavík", old), ("in Oslo", new)):
        source.write_text(source.read_text().replace("opening weekend", f"opening weekend {words}"))
        result = run_cli("build", "--source", str(site), env=env)
        assert result.returncode == 0, result.stderr
        found = indexed.search(result.stdout)
        assert found is not None, result.stdout
        done, shards = int(found.group(1)), int(found.group(2))
        assert (done == shards) == (env is new), result.stdout  # the old wheel: only the delta


def test_a_planted_search_record_runs_no_program(tmp_path: Path) -> None:
    """The store remembers which binary indexed the site, to skip looking for it; a record planted
    in the store (a site's folder cloned with its cache) that names another program gets it looked
    for again, never run."""
    out = built(tmp_path)
    site = tmp_path / "site"
    store = Store(site)
    name = store.per_output(STORE_KIND, out)
    saved = store.load(name)
    assert isinstance(saved, dict) and isinstance(saved.get("binary"), str), saved
    ran = tmp_path / "ran"
    program = site / "content" / "program.sh"
    program.write_text(f"#!/bin/sh\ntouch {ran}\nexit 1\n")
    program.chmod(0o755)
    assert store.save(name, {**saved, "binary": str(program)})
    source = site / "content" / "2025-06-02-box-office.md"
    source.write_text(source.read_text().replace("opening weekend", "opening weekend in Bergen"))
    result = run_cli("build", "--source", str(site), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert not ran.exists()


def all_fragments(bundles: list[Path]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for bundle in bundles:
        found.update(fragments(bundle.parent) if bundle.name == "pagefind" else fragments_in(bundle))
    return found


def fragments_in(bundle: Path) -> dict[str, dict]:
    found = {}
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        found[fragment["url"]] = fragment
    return found


@pytest.mark.parametrize("shards", ["", "search_shard_size: 1\n"])
def test_two_builds_give_the_same_bytes_search_index_included(tmp_path: Path, shards: str) -> None:
    """Pagefind writes its filters and meta in hash-map order; the build writes them in a stable one."""
    site = write_site(tmp_path / "site", ARTICLES, "title: T\n" + shards)
    trees = []
    for name in ("one", "two"):
        out = tmp_path / name
        result = run_cli("build", "--source", str(site), "--output", str(out), "--no-cache",
                         env={"SOURCE_DATE_EPOCH": "1767225600"})
        assert result.returncode == 0, result.stderr
        trees.append({path.relative_to(out): path.read_bytes() for path in out.rglob("*") if path.is_file()})
    assert any(path.parts[0] == "pagefind" and path.parts[-2] == "filter" for path in trees[0])
    assert trees[0] == trees[1]


FAKE_INDEXERS = {  # a stand-in for the Pagefind binary, and what the build must say about it
    "fails": ("echo 'Error: the index is broken' >&2; exit 3",
              "Pagefind stopped before it was done: it exited with status 3: Error: the index is broken"),
    "killed": ("kill -9 $$", "Pagefind stopped before it was done: it was killed (SIGKILL, perhaps out of memory)"),
    "hangs": ("sleep 600", "Pagefind did not finish within 3 s and was stopped"),
}


@pytest.mark.parametrize("fault", sorted(FAKE_INDEXERS))
def test_failed_indexing_keeps_the_previous_output(tmp_path: Path, fault: str) -> None:
    """A failing, killed or hanging indexer: exit 1 within the timeout, the cause named, the
    previous site untouched and the output's lock released (the next build runs)."""
    out = built(tmp_path)
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    (tmp_path / "site" / "content" / "2025-06-04-new.md").write_text(article("Brand New", "2025-06-04"))
    script, said = FAKE_INDEXERS[fault]
    fake = tmp_path / "fake-pagefind"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    result = run_cli("build", "--source", str(tmp_path / "site"), "--output", str(out),
                     env={"PAGEFIND_BINARY_PATH": str(fake), "BALLERINA_SEARCH_TIMEOUT": "3"}, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"search: {said}"), result.stderr
    assert "Traceback" not in result.stderr
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before
    again = run_cli("build", "--source", str(tmp_path / "site"), "--output", str(out))
    assert again.returncode == 0, again.stderr
    assert (out / "2025" / "06" / "04" / "new" / "index.html").is_file()


def test_missing_pagefind_is_a_clear_error(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", ARTICLES)
    result = run_cli("build", "--source", str(site), "--output", str(tmp_path / "out"),
                     env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-binary")})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("site.yaml: search is on but the Pagefind binary is not installed "
                                             "(pip install 'pagefind[extended]', or set `search: false` / use "
                                             "--no-search)")
    assert not (tmp_path / "out").exists()


# --- a real browser: Debian's chromium driven by Playwright --------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(params=["one bundle", "shards"])
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The site as one bundle, and split into shards of one article each (merged in the browser)."""
    shards = "search_shard_size: 1\n" if request.param == "shards" else ""
    server, base = serve(built(tmp_path, "title: T\nbase_url: /\n" + shards))
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def browser_page() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing; run scripts/setup-tests.sh", pytrace=False)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), headless=True,
                                                        args=CHROMIUM_FLAGS)
        try:
            page = context.new_page()
            outside: list[str] = []
            page.on("request", lambda request: outside.append(request.url)
                    if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
            yield page
            assert outside == [], f"requests left the site: {outside}"
        finally:
            context.close()


@pytest.mark.slow
def test_browser_search_finds_articles_by_word_and_filter(served: str, browser_page) -> None:
    page = browser_page
    # The header box is a plain GET form: submitting it opens the search page with the query.
    page.goto(served + "/")
    page.fill("#site-search-q", "flamethrower")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=flamethrower")
    page.wait_for_selector(".search-result")
    status = page.text_content("[data-search-status]")
    assert status == "1 article found for “flamethrower”."
    result = page.locator(".search-result").first
    assert result.locator("h2 a").text_content() == "Final Ballerina Trailer Arrives"
    assert result.locator("h2 a").get_attribute("href") == "/2025/06/01/trailer/"
    assert result.locator("time").text_content() == "June 1, 2025"
    assert result.locator(".search-result__summary").text_content() == "The last trailer before release."
    assert sorted(result.locator(".tags a").all_text_contents()) == ["Ana de Armas", "Ballerina"]
    assert result.locator("mark").first.text_content().lower().startswith("flamethrower")
    # Typing a new word updates results as you type, and the address follows for sharing.
    page.fill("#search-q", "weapons")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.includes('weapons')")
    assert page.locator(".search-result h2 a").all_text_contents() == ["Len Wiseman On Practical Effects"]
    assert page.url.endswith("/search/?q=weapons")
    # A tag filter alone lists that tag's articles, newest first; keyboard only.
    page.fill("#search-q", "")
    page.click(".search-filters summary")
    page.focus("input[name=tag][value='Ballerina']")
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('2 articles')")
    assert page.locator(".search-result h2 a").all_text_contents() == [
        "Len Wiseman On Practical Effects", "Final Ballerina Trailer Arrives"]
    # Following the result link lands on the article.
    page.click("text=Final Ballerina Trailer Arrives")
    page.wait_for_url("**/2025/06/01/trailer/")
    assert page.locator("h1").text_content() == "Final Ballerina Trailer Arrives"


ACROSS_ZONES = {  # newest first by the moment: A, B, C; by the text of the date: B, C, A
    "a.md": article("A Late Night In New York", "2025-06-01T23:30:00-05:00", body="Night.", tags="[Zones]"),
    "b.md": article("B Early Morning In London", "2025-06-02T03:00:00+00:00", body="Morning.", tags="[Zones]"),
    "c.md": article("C Late Evening In Paris", "2025-06-02T01:00:00+02:00", body="Evening.", tags="[Zones]"),
}


@pytest.mark.slow
@pytest.mark.parametrize("shards", ["", "search_shard_size: 1\n"], ids=["one-bundle", "shards"])
def test_browser_search_without_words_lists_newest_first_across_time_zones(tmp_path: Path, browser_page,
                                                                          shards: str) -> None:
    site = write_site(tmp_path / "site", ACROSS_ZONES, "title: T\nbase_url: /\n" + shards)
    result = run_cli("build", "--source", str(site), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    server, base = serve(tmp_path / "out")
    try:
        page = browser_page
        page.goto(f"{base}/search/?tag=Zones")
        page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('3 ')")
        assert page.locator(".search-result h2 a").all_text_contents() == [
            "A Late Night In New York", "B Early Morning In London", "C Late Evening In Paris"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_browser_search_says_when_nothing_matches(served: str, browser_page) -> None:
    page = browser_page
    page.goto(served + "/search/?q=zzzzunknownword")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('No articles')")
    assert page.locator(".search-result").count() == 0


@pytest.mark.slow
def test_browser_search_under_a_sub_path(tmp_path: Path, browser_page) -> None:
    """A project site (base_url with a path): result links carry the prefix."""
    site = write_site(tmp_path / "site", ARTICLES, "title: T\nbase_url: https://user.example/news/\n")
    root = tmp_path / "host"
    result = run_cli("build", "--source", str(site), "--output", str(root / "news"))
    assert result.returncode == 0, result.stderr
    server, base = serve(root)
    try:
        page = browser_page
        page.goto(base + "/news/search/?q=skates")
        page.wait_for_selector(".search-result")
        assert page.locator(".search-result h2 a").get_attribute("href") == "/news/2025/06/03/interview/"
        assert page.locator(".search-result .tags a").first.get_attribute("href").startswith("/news/search/?tag=")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_browser_search_after_an_edit_finds_the_new_text_once(tmp_path: Path, browser_page) -> None:
    """An edited article is searched in the delta bundle; its out-of-date page in its shard is left out."""
    out = built(tmp_path, "title: T\nbase_url: /\nsearch_shard_size: 1\n")
    source = tmp_path / "site" / "content" / "2025-06-01-trailer.md"
    source.write_text(source.read_text().replace("flamethrowers", "crossbows"))
    result = run_cli("build", "--source", str(tmp_path / "site"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    server, base = serve(out)
    try:
        page = browser_page
        for query, status in (("flamethrowers", "No articles found"), ("crossbows", "1 article found"),
                               ("Hallstatt", "1 article found")):
            page.goto(f"{base}/search/?q={query}")
            page.wait_for_function("!/^$|Searching/.test(document.querySelector('[data-search-status]')"
                                   ".textContent)")
            assert page.text_content("[data-search-status]").startswith(status), query
        page.goto(f"{base}/search/?tag=Ballerina")
        page.wait_for_function("document.querySelector('[data-search-status]').textContent.startsWith('2 ')")
        assert page.locator(".search-result h2 a").all_text_contents() == [
            "Len Wiseman On Practical Effects", "Final Ballerina Trailer Arrives"]
    finally:
        server.shutdown()
        server.server_close()


def fake_pagefind(tmp_path: Path, script: str) -> str:
    binary = tmp_path / "fake-pagefind"
    binary.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    binary.chmod(0o755)
    return str(binary)


def test_a_hanging_indexer_is_stopped_and_the_lock_released(tmp_path: Path) -> None:
    """With no free inodes Pagefind hangs: the build stops it at its time limit, says so, exits 1,
    keeps the previous output, and the next build is not locked out."""
    out = built(tmp_path)
    before = (out / "index.html").read_bytes()
    (tmp_path / "site" / "content" / "2025-06-04-new.md").write_text(article("Brand New", "2025-06-04"))
    hang = fake_pagefind(tmp_path, "exec sleep 600\n")
    result = run_cli("build", "--source", str(tmp_path / "site"), "--output", str(out), timeout=60,
                     env={"PAGEFIND_BINARY_PATH": hang, "BALLERINA_SEARCH_TIMEOUT": "1"})
    assert result.returncode == 1
    assert ("search: Pagefind did not finish within 1 s and was stopped (set BALLERINA_SEARCH_TIMEOUT to allow "
            "it longer) (set `search: false` in site.yaml (or use --no-search) to build without search)"
            in result.stderr.splitlines())
    assert (out / "index.html").read_bytes() == before
    again = run_cli("build", "--source", str(tmp_path / "site"), "--output", str(out), "--no-search")
    assert again.returncode == 0, again.stderr
    assert "another build" not in again.stderr


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_full_disk_is_named_as_the_cause_not_the_indexer(tmp_path: Path, when: str) -> None:
    """Also when its last words come after it exits (a wrapper's child says them): they are waited for."""
    out = built(tmp_path)
    (tmp_path / "site" / "content" / "2025-06-04-new.md").write_text(article("Brand New", "2025-06-04"))
    say = "echo 'Error: No space left on device (os error 28)' >&2"
    full = fake_pagefind(tmp_path, f"{say}\nexit 1\n" if when == "before" else f"(sleep 0.5; {say}) &\nexit 1\n")
    result = run_cli("build", "--source", str(tmp_path / "site"), "--output", str(out),
                     env={"PAGEFIND_BINARY_PATH": full})
    assert result.returncode == 1
    assert (f"search: cannot write the search index: the disk holding {out.parent} is full (free some space "
            "and build again; the previous output is unchanged)") in result.stderr.splitlines()
    assert "Pagefind failed" not in result.stderr


def _running(command: bytes) -> list[int]:
    """Processes of this machine whose command line is ``command`` (arguments joined by NULs)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().rstrip(b"\0") == command:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_page_error_stops_the_indexer_working_alongside(tmp_path: Path) -> None:
    """The index is made while the pages render: a template error ends the build at once with that
    error (not at the indexer's time limit), no indexer is left running, the previous output stays."""
    many = {f"2025-05-{day:02d}-story-{day}.md": article(f"Story {day}", f"2025-05-{day:02d}T10:00:00Z",
                                                         body="Words of a story. " * 40) for day in range(1, 29)}
    site = write_site(tmp_path / "site", {**ARTICLES, **many})
    out = tmp_path / "out"
    assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    marker = f"{os.getpid()}.{tmp_path.stat().st_ino}"  # a sleep no other process runs
    hang = fake_pagefind(tmp_path, f"exec sleep {marker}\n")
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ byline }}</p>\n{% endblock %}\n', encoding="utf-8")
    result = run_cli("build", "--source", str(site), "--output", str(out), timeout=120,
                     env={"PAGEFIND_BINARY_PATH": hang, "BALLERINA_SEARCH_TIMEOUT": "600"})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("templates/article.html:3: template error: 'byline' is undefined")
    assert "Traceback" not in result.stderr and "Pagefind" not in result.stderr
    assert _running(b"sleep\0" + marker.encode()) == []
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before
