"""Gate: Lighthouse on home and an article served from loopback: a11y, best practices, SEO 100, perf >= 95.

Each site is built for the loopback address it is served from (``--base-url http://127.0.0.1:PORT/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from gates import (CHROMIUM, CHROMIUM_FLAGS, LIGHTHOUSE_CLI, BuiltSite, build_site,  # noqa: F401
                   built_default, built_fixture, require, serve)

pytestmark = pytest.mark.slow

CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run (its default mobile profile) in Debian's chromium; returns the JSON report."""
    node = require("node", "Node.js (apt-get install nodejs)")
    cli = require(LIGHTHOUSE_CLI, "Lighthouse (npm package lighthouse)")
    require(str(CHROMIUM), "chromium")
    with tempfile.TemporaryDirectory(prefix="lighthouse-profile-") as profile:
        flags = " ".join(["--headless=new", *CHROMIUM_FLAGS, f"--user-data-dir={profile}"])
        result = subprocess.run([node, cli, url, "--quiet", "--output=json", f"--output-path={report}",
                                 f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"],
                                env={**os.environ, "CHROME_PATH": str(CHROMIUM)},
                                capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(report.read_text(encoding="utf-8"))


def failing_audits(data: dict, category: str) -> list[str]:
    refs = data["categories"][category]["auditRefs"]
    audits = data["audits"]
    return [f"{ref['id']}: {audits[ref['id']]['title']} {audits[ref['id']].get('displayValue', '')}"
            for ref in refs if ref["weight"] and (audits[ref["id"]]["score"] or 0) < 1]


@pytest.mark.parametrize("site_name", ["built_default", "built_fixture"])
def test_lighthouse_scores(site_name: str, request: pytest.FixtureRequest,
                           tmp_path_factory: pytest.TempPathFactory) -> None:
    site: BuiltSite = request.getfixturevalue(site_name)
    reports = tmp_path_factory.mktemp(f"lighthouse-{site.name}")
    rows: list[tuple[str, dict[str, int]]] = []
    problems: list[str] = []
    served = reports / "site"
    with serve(served) as origin:
        # built for the address it is served at, as a preview would be: canonical and absolute links
        # then point at this server (Lighthouse's SEO audit fails a canonical URL on another host)
        site = build_site(site.source, served, site.name, base_url=origin + "/")
        for kind in ("home", "article"):
            path = site.audit_pages()[kind]
            data = lighthouse(origin + path, reports / f"{kind}.json")
            assert not data.get("runtimeError"), data.get("runtimeError")
            scores = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
            rows.append((f"{kind} {path}", scores))
            for name, least in CATEGORIES.items():
                if scores[name] < least:
                    problems.append(f"{path} {name} {scores[name]} < {least}: "
                                    + "; ".join(failing_audits(data, name)))
    width = max(len(label) for label, _ in rows)
    print(f"\nLighthouse {data['lighthouseVersion']} on the {site.name} site (reports in {reports}):")
    print(f"| {'page':<{width}} | performance | accessibility | best practices | SEO |")
    print(f"|{'-' * (width + 2)}|------------:|--------------:|---------------:|----:|")
    for label, s in rows:
        print(f"| {label:<{width}} | {s['performance']:>11} | {s['accessibility']:>13} "
              f"| {s['best-practices']:>14} | {s['seo']:>3} |")
    assert not problems, "\n".join(problems)
