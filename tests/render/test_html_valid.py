"""Gate: every page of the default site and of the fixture site passes the Nu Html Checker (vnu.jar)."""

from __future__ import annotations

import json
import subprocess

import pytest

from gates import VNU_JAR, BuiltSite, built_default, built_fixture, require  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow


def validate(site: BuiltSite) -> list[str]:
    """Run vnu.jar over the whole output folder (HTML and the theme's CSS); return its errors."""
    java = require("java", "Java (apt-get install default-jre-headless)")
    jar = require(VNU_JAR, "vnu.jar (npm package vnu-jar)")
    result = subprocess.run([java, "-Xss4m", "-jar", jar, "--format", "json", "--skip-non-html",
                             "--also-check-css", str(site.output)],
                            capture_output=True, text=True, timeout=300)
    assert result.stderr.strip(), f"vnu.jar said nothing (exit {result.returncode})"
    messages = json.loads(result.stderr)["messages"]
    errors = [f"{m.get('url', '').removeprefix('file:' + str(site.output))}:{m.get('lastLine', '?')}: "
              f"{m['message']} [{m.get('extract', '').strip()}]"
              for m in messages if m["type"] in ("error", "non-document-error")]
    return errors


@pytest.mark.parametrize("site_name", ["built_default", "built_fixture"])
def test_every_page_is_valid_html(site_name: str, request: pytest.FixtureRequest) -> None:
    site: BuiltSite = request.getfixturevalue(site_name)
    pages = site.html_files()
    assert len(pages) >= (400 if site.name == "fixture" else 11)
    errors = validate(site)
    print(f"\nvnu.jar checked {len(pages)} pages of the {site.name} site: {len(errors)} errors")
    assert not errors, "\n".join(errors[:50])


def test_the_gate_fails_on_invalid_markup(tmp_path) -> None:
    """A site template that nests a block in a <span> and drops an alt: the checker must say so."""
    from conftest import article, write_site
    from gates import build_site

    root = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A")}, extra={
        "templates/partials/promo.html": '<span><div>promo</div></span><img src="x.png">\n'})
    errors = validate(build_site(root, root / "public", "broken"))
    assert any("“div” not allowed as child of element “span”" in e for e in errors), errors
    assert any("must have an “alt” attribute" in e for e in errors), errors
    assert errors[0].startswith("/")
