"""`ballerina-site check` and `build --check`: broken internal links are found and named, good ones pass."""

from __future__ import annotations

import re

import shutil
from pathlib import Path

from conftest import REPO, article, run_cli, write_site
from fixture_site import make_fixture_site

from ballerina_site.cli.linkcheck import check_links, srcset_urls

SUB = "https://example.org/ballerina/"


def copy_default_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    shutil.copytree(REPO / "content", site / "content")
    return site


def test_default_site_root_deploy_has_no_broken_links(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    built = run_cli("build", "--check", "--source", str(site))
    assert built.returncode == 0, built.stderr
    assert "all good" in built.stdout
    checked = run_cli("check", "--source", str(site))
    assert checked.returncode == 0, checked.stderr
    pages = len(list((site / "public").rglob("*.html")))
    assert pages >= 11 and f"internal links on {pages} pages" in checked.stdout


def test_default_site_sub_path_deploy_has_no_broken_links(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    out = tmp_path / "out"
    built = run_cli("build", "--check", "--source", str(site), "--output", str(out), "--base-url", SUB)
    assert built.returncode == 0, built.stderr
    assert re.search(r'href="/ballerina/assets/style\.[0-9a-f]{8}\.css"', (out / "index.html").read_text(encoding="utf-8"))
    checked = run_cli("check", "--source", str(site), "--output", str(out), "--base-url", SUB)
    assert checked.returncode == 0, checked.stderr
    # the same output checked as a root deploy: every link points under /ballerina/, where nothing is
    wrong = run_cli("check", "--source", str(site), "--output", str(out), "--base-url", "https://example.org/")
    assert wrong.returncode == 1
    assert "index.html:" in wrong.stderr and re.search(r"-> /ballerina/assets/style\.[0-9a-f]{8}\.css", wrong.stderr)


BROKEN_BODY = """\
## Good heading

A [working anchor](#good-heading), the [home page](../../../../), [tags](/tags/),
an [outside site](https://other.example/page), [mail](mailto:desk@example.org), [phone](tel:+123).

A [missing page](/2025/01/01/no-such-story/), a [missing anchor](#no-such-heading),
a [dev server link](http://localhost:8000/tags/), [the wrong scheme](http://news.example/tags/),
and ![a missing image](/images/missing.svg).

<img src="/images/present.svg" srcset="/images/present.svg 1x, /images/absent@2x.svg 2x" alt="Poster">
"""


def broken_site(tmp_path: Path, base_url: str = "https://news.example/") -> Path:
    return write_site(tmp_path / "site", {
        "2025-06-01-broken.md": article("Broken Links", tags="[Ballerina]", body=BROKEN_BODY),
        "2025-06-02-fine.md": article("Fine Links", date="2025-06-02", tags="[Ballerina]",
                                      body="See [the broken one](../../01/broken/#good-heading)."),
    }, config=f"title: Test News\nbase_url: {base_url}\ntimezone: UTC\n",
        extra={"static/images/present.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n'})


def test_broken_links_are_reported_with_page_target_and_source(tmp_path: Path) -> None:
    site = broken_site(tmp_path)
    assert run_cli("build", "--source", str(site)).returncode == 0
    result = run_cli("check", "--source", str(site))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if " -> " in line]
    page = "2025/06/01/broken/index.html"
    source = "(from content/2025-06-01-broken.md)"
    expected = {
        "/2025/01/01/no-such-story/": "nothing was built at this address",
        "#no-such-heading": 'no element with id="no-such-heading" on /2025/06/01/broken/',
        "http://localhost:8000/tags/": "development host",
        "http://news.example/tags/": "uses http: but the site is published over https:",
        "/images/missing.svg": "nothing was built at this address",
        "/images/absent@2x.svg": "nothing was built at this address",
    }
    for target, reason in expected.items():
        matching = [line for line in lines if f" -> {target} {source}: " in line]
        assert len(matching) == 1, (target, result.stderr)
        assert matching[0].startswith(f"{page}:") and reason in matching[0]
    assert len(lines) == len(expected), result.stderr
    assert f"{len(expected)} broken links" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_check_writes_the_site_and_fails_on_broken_links(tmp_path: Path) -> None:
    site = broken_site(tmp_path)
    result = run_cli("build", "--check", "--source", str(site))
    assert result.returncode == 1
    assert (site / "public" / "2025" / "06" / "01" / "broken" / "index.html").is_file()
    assert "-> /2025/01/01/no-such-story/ (from content/2025-06-01-broken.md)" in result.stderr


def test_root_relative_links_in_content_escape_a_sub_path_deploy(tmp_path: Path) -> None:
    site = broken_site(tmp_path, base_url=SUB)
    result = run_cli("build", "--check", "--source", str(site))
    assert result.returncode == 1
    source = "(from content/2025-06-01-broken.md)"
    # template links carry the base path; the editor's "/tags/" does not and leaves /ballerina/
    assert "2025/06/01/broken/index.html:" in result.stderr
    assert f" -> /tags/ {source}: leaves the base path /ballerina/" in result.stderr
    assert f" -> ../../../../ {source}" not in result.stderr  # relative link stays inside
    assert "-> /ballerina/" not in result.stderr  # nothing the theme made is broken


def test_check_reports_content_problems_and_a_missing_output(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A")})
    missing = run_cli("check", "--source", str(site))
    assert missing.returncode == 0  # the content is fine; there is just nothing built to link-check
    assert "no built site here, so no links checked" in missing.stdout and "Traceback" not in missing.stderr
    (site / "content" / "2025-06-02-b.md").write_text("---\ndate: 2025-06-02\n---\nbody\n", encoding="utf-8")
    bad = run_cli("check", "--source", str(site))
    assert bad.returncode == 1
    assert "content/2025-06-02-b.md:1: missing `title`" in bad.stderr
    assert "check failed: 1 error" in bad.stderr


def test_fixture_site_links_are_all_good(tmp_path: Path) -> None:
    site = make_fixture_site(tmp_path / "fixture", articles=60)
    result = run_cli("build", "--check", "--source", str(site))
    assert result.returncode == 0, result.stderr[-2000:]
    report = check_links(site / "public", "https://fixture.example/")
    assert report.ok and report.links > 2000


def test_srcset_candidates_are_split_into_urls() -> None:
    assert srcset_urls("a.jpg 1x, b.jpg 2x") == ["a.jpg", "b.jpg"]
    assert srcset_urls("a.jpg 1x,b.jpg 2x") == ["a.jpg", "b.jpg"]
    assert srcset_urls("a.jpg, b.jpg 480w") == ["a.jpg", "b.jpg"]
    assert srcset_urls("/x/a%20b.svg") == ["/x/a%20b.svg"]


def test_absolute_links_to_the_sites_own_host_are_checked(tmp_path: Path) -> None:
    """A preview built for http://127.0.0.1:8000/: its own absolute links are internal, not a dev host."""
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "index.html").write_text(
        '<a href="http://127.0.0.1:8000/a/">ok</a>\n<a href="http://127.0.0.1:8000/b/">gone</a>\n'
        '<a href="http://127.0.0.1:9000/a/">other port</a>\n<a href="http://localhost:8000/a/">dev</a>\n',
        encoding="utf-8")
    (out / "a" / "index.html").write_text('<p id="x">a</p>', encoding="utf-8")
    report = check_links(out, "http://127.0.0.1:8000/")
    assert [(b.link.line, b.link.target) for b in report.broken] == [
        (2, "http://127.0.0.1:8000/b/"), (3, "http://127.0.0.1:9000/a/"), (4, "http://localhost:8000/a/")]
    assert "published at 127.0.0.1:8000" in report.broken[1].reason
    assert "development host" in report.broken[2].reason
