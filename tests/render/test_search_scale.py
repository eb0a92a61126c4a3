"""Search at 10,000 articles: the sharded index answers as one full index does, and a reader's first
search downloads little. The site is the benchmark's generated corpus (benchmarks/generate.py),
built twice: as the default (shards of ``search_shard_size`` articles) and as one single index."""

from __future__ import annotations

import importlib.util
import json
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import REPO, run_cli
from test_search import CHROMIUM, CHROMIUM_FLAGS, serve
from webservers import brotli_in_nginx, web_server

ARTICLES = 10_000
# Bytes the first search may download from nginx with the snippet deploy-config prints, index,
# runtime and response headers included: issue 17 asks for 300 KB. Each shard adds its meta file and
# one index chunk to a search; the runtime, the WebAssembly and the meta files come as Brotli copies
# of their unpacked bytes. See docs/performance.md.
FIRST_SEARCH_BUDGET = 300 * 1024

QUERIES: list[tuple[str | None, dict[str, Any]]] = [
    # words
    ("ballerina", {}), ("wick", {}), ("parasite", {}), ("oppenheimer", {}), ("trailer", {}),
    ("festival", {}), ("premiere", {}), ("unveiled", {}), ("budapest", {}), ("restoration", {}),
    ("samurai", {}), ("snowpiercer", {}), ("rashomon", {}), ("cannes", {}), ("godzilla", {}),
    # phrases and several words
    ('"box office"', {}), ('"john wick"', {}), ("dune part two", {}), ("spirited away", {}),
    ('"blade runner"', {}), ("keanu reeves toronto", {}),
    # names with accents, typed with and without them
    ("Amélie", {}), ("Agnès Varda", {}), ("Céline Sciamma", {}), ("Östlund", {}), ("Iñárritu", {}),
    ("Almodóvar", {}), ("Penélope Cruz", {}), ("Mia Hansen-Løve", {}), ("Shōgun", {}), ("Zoë Kravitz", {}), ("Reykjavík", {}),
    # tag and category filters, with and without words
    (None, {"tag": {"any": ["Cannes"]}}), (None, {"category": {"any": ["Reviews"]}}),
    ("trailer", {"category": {"any": ["Trailers"]}}), ("villeneuve", {"tag": {"any": ["Dune"]}}),
    ("festival", {"tag": {"any": ["Venice", "Berlinale"]}}),
]

RUN_QUERIES = """async ([bundle, base, queries]) => {
  const pf = await import(bundle + "pagefind.js");
  await pf.options({ baseUrl: base, noWorker: true });
  await pf.init();
  const manifest = await (await fetch(bundle + "shards.json")).json();
  for (const shard of manifest.bundles) await pf.mergeIndex(bundle + shard);
  const out = [];
  for (const [term, filters] of queries) {
    const found = await pf.search(term, { filters });
    const top = await Promise.all(found.results.slice(0, 5).map((r) => r.data()));
    out.push({ ids: found.results.map((r) => r.id),
               top: top.map((d) => ({ url: d.url, title: d.meta.title, excerpt: d.excerpt })) });
  }
  return out;
}"""


def _generate(root: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate_site(root, ARTICLES)


@pytest.fixture(scope="module")
def outputs() -> Iterator[tuple[Path, Path]]:
    """(sharded, single): two host folders, each with the same 10,000 articles built under the
    sub-path /news/ into its ``news/`` (the site folder beside them), readable by a web server's workers."""
    with tempfile.TemporaryDirectory(prefix="search-scale-") as folder:
        root = Path(folder)
        root.chmod(0o755)
        site = root / "site"
        _generate(site)
        built = []
        for name, extra in (("sharded", ""), ("single", "search_shard_size: 1000000\n")):
            (site / "site.yaml").write_text((site / "site.yaml").read_text() + extra)
            host = root / name
            result = run_cli("build", "--source", str(site), "--output", str(host / "news"),
                             "--base-url", "/news/", timeout=1800)
            assert result.returncode == 0, result.stderr
            built.append(host)
        yield built[0], built[1]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), headless=True,
                                                        args=CHROMIUM_FLAGS)
        try:
            yield context
        finally:
            context.close()


def _answers(context: Any, host: Path) -> list[dict[str, Any]]:
    server, base = serve(host)
    try:
        page = context.new_page()
        page.goto(base + "/news/search/")
        return page.evaluate(RUN_QUERIES, ["/news/pagefind/", "/news/", [list(q) for q in QUERIES]])
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_sharded_index_answers_as_one_full_index(outputs: tuple[Path, Path], browser: Any) -> None:
    sharded, single = outputs
    assert len(json.loads((sharded / "news" / "pagefind" / "shards.json").read_text())["bundles"]) > 1
    assert json.loads((single / "news" / "pagefind" / "shards.json").read_text())["bundles"] == []
    ours, full = _answers(browser, sharded), _answers(browser, single)
    agree = []
    for (term, filters), mine, theirs in zip(QUERIES, ours, full):
        assert theirs["ids"], f"{term} {filters}: the query should find something"
        assert sorted(mine["ids"]) == sorted(theirs["ids"]), f"{term} {filters}: other articles found"
        if term is not None:  # without words there is no ranking (search.js sorts those by date)
            top = min(10, len(theirs["ids"]))
            agree.append(len(set(mine["ids"][:top]) & set(theirs["ids"][:top])) / top)
        for result in mine["top"]:  # excerpts from the body alone: the title is not repeated in them
            assert result["url"].startswith("/news/")
            assert result["title"] not in result["excerpt"].replace("<mark>", "").replace("</mark>", "")
    # Ranking is reported, not asserted: each shard scores with its own word statistics, so pages
    # of near-equal score (a common word in thousands of articles) may swap places.
    print(f"\nsearch quality: {len(QUERIES)} queries, the same articles found as by one index for every "
          f"one; top-10 agreement over the {len(agree)} queries with words: {sum(agree) / len(agree):.0%} on "
          f"average, lowest {min(agree):.0%}")


FIRST_SEARCH = """async () => {
  const input = document.querySelector("#search-q");
  const status = document.querySelector("[data-search-status]");
  const done = new Promise((resolve) => new MutationObserver((_, observer) => {
    if (/found/.test(status.textContent)) { observer.disconnect(); resolve(performance.now()); }
  }).observe(status, { childList: true, characterData: true, subtree: true }));
  input.focus();
  let last = 0;
  for (const letter of "villeneuve") {
    input.value += letter;
    input.dispatchEvent(new Event("input"));
    last = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
  const shown = await done;
  const bytes = performance.getEntriesByType("resource").filter((e) => e.name.includes("/pagefind/"))
    .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize), 0);
  return { bytes, latency: shown - last };
}"""


@pytest.mark.slow
def test_first_search_downloads_little(outputs: tuple[Path, Path], browser: Any) -> None:
    """As a reader gets it from a real host: nginx with the snippet `deploy-config` prints (the
    precompressed copies, Brotli included). Bytes are asserted; the time from the last keystroke to
    the results is reported (timing asserts flake on a shared machine)."""
    sharded, _ = outputs
    assert brotli_in_nginx(), "nginx's Brotli module is missing; run scripts/setup-tests.sh"
    done = run_cli("deploy-config", "nginx", "--source", str(sharded.parent / "site"),
                   "--output", str(sharded / "news"))
    assert done.returncode == 0, done.stderr
    with web_server("nginx", done.stdout, sharded / "news", sharded.parent / "nginx") as port:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/news/search/")
        first = page.evaluate(FIRST_SEARCH)
        page.fill("#search-q", "")
        page.evaluate("performance.clearResourceTimings()")
        later = page.evaluate(FIRST_SEARCH)
    print(f"\nfirst search: {first['bytes'] / 1024:.0f} KB, results {first['latency']:.0f} ms after the last "
          f"keystroke; the same search again: {later['bytes'] / 1024:.0f} KB, {later['latency']:.0f} ms")
    assert first["bytes"] <= FIRST_SEARCH_BUDGET
