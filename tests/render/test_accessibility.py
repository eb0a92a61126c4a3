"""Gate: axe-core finds no WCAG 2.1 A/AA violation on any page kind, in light and in dark mode."""

from __future__ import annotations

import pytest

from gates import AXE_JS, BuiltSite, chromium_context, built_default, built_fixture, require, serve  # noqa: F401

pytestmark = pytest.mark.slow

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {violations: result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary.replace(/\\s+/g, " "))})),
          passes: result.passes.length};
}"""


def audit(site: BuiltSite) -> tuple[list[str], list[str]]:
    """axe on every audit page of ``site`` in both colour schemes; returns (violations, pages seen)."""
    axe = require(AXE_JS, "axe-core (npm package axe-core)")
    problems: list[str] = []
    seen: list[str] = []
    with serve(site.output) as origin, chromium_context(viewport={"width": 1280, "height": 900}) as context:
        page = context.new_page()
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for kind, path in site.audit_pages().items():
                response = page.goto(origin + path)
                assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
                assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
                page.add_script_tag(path=axe)
                result = page.evaluate(RUN_AXE, WCAG_TAGS)
                seen.append(f"{kind} ({scheme})")
                for violation in result["violations"]:
                    problems.append(f"{path} [{scheme}] {violation['id']} ({violation['impact']}): "
                                    f"{violation['help']}\n    " + "\n    ".join(violation["nodes"][:5]))
    return problems, seen


@pytest.mark.parametrize("site_name", ["built_default", "built_fixture"])
def test_no_wcag_violations_in_light_and_dark(site_name: str, request: pytest.FixtureRequest) -> None:
    site: BuiltSite = request.getfixturevalue(site_name)
    problems, seen = audit(site)
    print(f"\naxe-core on the {site.name} site: {', '.join(seen)}: {len(problems)} violations")
    assert len(seen) >= 10
    assert not problems, "\n".join(problems)


def test_the_gate_fails_on_an_inaccessible_page(tmp_path) -> None:
    """Grey on white text, an image without alt and an unnamed link: axe must report all three."""
    from conftest import article, write_site
    from gates import build_site

    root = write_site(tmp_path / "site", {"2025-06-01-a.md": article("A", tags="[Ballet]")}, extra={
        "templates/partials/promo.html": '<p style="color:#bbb;background:#fff">faint</p>'
                                         '<img src="x.png"><a href="/"></a>\n'})
    problems, _ = audit(build_site(root, root / "public", "broken"))
    for rule in ("color-contrast", "image-alt", "link-name"):
        assert any(f"] {rule} (" in p for p in problems), (rule, problems)
