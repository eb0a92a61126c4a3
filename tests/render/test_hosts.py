"""Host files made from the build's own data: `_redirects` and `_headers` as Netlify and Cloudflare
Pages read them, a site's own files merged or refused with their line, and `deploy-config`'s
snippets for the site as last built."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import article, run_cli, write_site

CONFIG = "title: T\nbase_url: https://news.example/sub/\ntimezone: UTC\n"


def build(site: Path, out: Path, *args: str):
    return run_cli("build", "--source", str(site), "--output", str(out), "--no-search", *args)


def parse_redirects(text: str) -> list[tuple[str, str, str]]:
    rules = []
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            rules.append((parts[0], parts[1], parts[2] if len(parts) > 2 else "302"))
    return rules


def parse_headers(text: str) -> dict[str, dict[str, str]]:
    """Netlify's format: a path on its own line, then indented `Name: value` lines."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        else:
            assert current is not None, line
            name, value = line.strip().split(":", 1)
            current[name.strip()] = value.strip()
    return rules


def moved_site(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    site = write_site(tmp_path / "site", {"2025-06-01-trailer.md": article("Trailer", "2025-06-01", aliases="[/old/]"),
                                          "2025-06-02-other.md": article("Other", "2025-06-02")}, CONFIG, extra)
    return site


def test_host_files_name_the_redirects_and_the_fingerprinted_assets(tmp_path: Path) -> None:
    site = moved_site(tmp_path)
    out = tmp_path / "out"
    done = build(site, out)
    assert done.returncode == 0, done.stderr
    assert parse_redirects((out / "_redirects").read_text()) == [("/sub/old/", "/sub/2025/06/01/trailer/", "301")]
    headers = parse_headers((out / "_headers").read_text())
    fingerprinted = sorted(path.name for path in (out / "assets").iterdir()
                           if path.suffix in (".css", ".js") and path.stem.count(".") == 1)
    assert {"style.css", "search.js"} <= {path.name for path in (out / "assets").iterdir()}  # plain names kept too
    assert len(fingerprinted) == 3  # style, search, embeds
    for name in fingerprinted:
        assert headers[f"/sub/assets/{name}"] == {"Cache-Control": "public, max-age=31536000, immutable"}
    assert headers["/sub/feed.xml"]["Content-Type"].startswith("application/atom+xml")
    assert headers["/sub/*/rss.xml"]["Content-Type"].startswith("application/rss+xml")
    assert not any(path.startswith("/sub/assets/style.css") for path in headers)


def test_a_sites_own_host_files_are_merged_after_the_generated_rules(tmp_path: Path) -> None:
    site = moved_site(tmp_path, {"static/_redirects": "/shop https://shop.example/ 302\n",
                                 "static/_headers": "/sub/*\n  X-Frame-Options: DENY\n"})
    out = tmp_path / "out"
    done = build(site, out)
    assert done.returncode == 0, done.stderr
    assert parse_redirects((out / "_redirects").read_text()) == [
        ("/sub/old/", "/sub/2025/06/01/trailer/", "301"), ("/shop", "https://shop.example/", "302")]
    headers = parse_headers((out / "_headers").read_text())
    assert headers["/sub/*"] == {"X-Frame-Options": "DENY"} and "/sub/feed.xml" in headers


def test_own_redirects_of_live_pages_loops_and_generated_ones_are_errors(tmp_path: Path) -> None:
    own = ("# our rules\n/sub/2025/06/02/other/ /elsewhere/ 301\n/a/ /b/ 301\n/b/ /a/ 301\n"
           "/sub/old/ /other/ 301\n")
    site = moved_site(tmp_path)
    out = tmp_path / "out"
    assert build(site, out).returncode == 0
    before = (out / "_redirects").read_bytes()
    (site / "static").mkdir()
    (site / "static" / "_redirects").write_text(own)
    done = build(site, out)
    assert done.returncode == 1
    assert "static/_redirects:2: /sub/2025/06/02/other/ is a live page of this site" in done.stderr
    assert "static/_redirects:3: redirect loop: /a/ -> /b/ -> /a/" in done.stderr
    assert "static/_redirects:5: /sub/old/ is already redirected to /sub/2025/06/01/trailer/" in done.stderr
    assert (out / "_redirects").read_bytes() == before  # the previous output, untouched


def test_deploy_config_prints_each_servers_rules_for_the_last_build(tmp_path: Path) -> None:
    site = moved_site(tmp_path)
    out = tmp_path / "out"
    missing = run_cli("deploy-config", "nginx", "--source", str(site), "--output", str(out))
    assert missing.returncode == 1 and "run `ballerina-site build` first" in missing.stderr
    assert build(site, out).returncode == 0
    snippets = {}
    for server in ("nginx", "apache", "caddy"):
        done = run_cli("deploy-config", server, "--source", str(site), "--output", str(out))
        assert done.returncode == 0, done.stderr
        snippets[server] = done.stdout
    assert "location = /sub/old/ { return 301 /sub/2025/06/01/trailer/; }" in snippets["nginx"]
    assert "error_page 404 /sub/404.html;" in snippets["nginx"]
    assert 'RedirectMatch 301 "^/sub/old/(index\\.html)?$" "/sub/2025/06/01/trailer/"' in snippets["apache"]
    assert f'Alias "/sub/" "{out.resolve()}/"' in snippets["apache"]
    assert "redir /sub/old/ /sub/2025/06/01/trailer/ 301" in snippets["caddy"]
    assert "precompressed br gzip" in snippets["caddy"] and "uri strip_prefix /sub" in snippets["caddy"]
    wrong = run_cli("deploy-config", "iis", "--source", str(site), "--output", str(out))
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


def test_build_info_stays_in_the_store_unless_published(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A", "2025-06-01"),
                                          "2099-01-01-later.md": article("Later", "2099-01-01")}, CONFIG)
    out = tmp_path / "out"
    done = build(site, out)
    assert done.returncode == 0, done.stderr
    assert not (out / "build-info.json").exists()
    line = next(line for line in done.stdout.splitlines() if line.startswith("next change:"))
    private = Path(line.split("see ", 1)[1].rstrip(")"))
    assert private.parent == site / ".ballerina-cache"
    assert json.loads(private.read_text())["next_change"] == "2099-01-01T00:00:00Z"

    (site / "site.yaml").write_text(CONFIG + "publish_build_info: true\n")
    done = build(site, out)
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "build-info.json").read_text())["next_change"] == "2099-01-01T00:00:00Z"
    assert f"see {out / 'build-info.json'})" in done.stdout
