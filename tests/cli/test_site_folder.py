"""A command works on a site or says it is not one: a mistyped --source never builds an empty site
(nor creates the folder), and the site `init` makes passes `build --strict` and `check --strict`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli

HINT = "(pass --source with the site folder, or start a site with `ballerina-site init DIR`)"


@pytest.mark.parametrize("command", [["build"], ["check"], ["serve", "--watch", "--port", "0"],
                                     ["new", "A title"], ["related", "content/a.md"]])
@pytest.mark.parametrize("kind", ["missing", "empty", "unrelated"])
def test_a_source_that_holds_no_site_is_an_error(command: list[str], kind: str, tmp_path: Path) -> None:
    source = tmp_path / "no-such-folder"
    if kind != "missing":
        source.mkdir()
    if kind == "unrelated":
        (source / "notes.txt").write_text("mine", encoding="utf-8")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = run_cli(*command, "--source", str(source), timeout=60)
    assert result.returncode == 1
    reason = "no such site folder" if kind == "missing" else "not a site folder: it has neither site.yaml nor content/"
    assert f"{source}: {reason} {HINT}" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing made


def test_init_makes_a_site_that_passes_strict(tmp_path: Path) -> None:
    site = tmp_path / "my-news"
    assert run_cli("init", str(site)).returncode == 0
    built = run_cli("build", "--strict", "--source", str(site))
    assert built.returncode == 0, built.stderr
    assert built.stderr == ""
    checked = run_cli("check", "--strict", "--source", str(site))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (site / "public" / "share.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    gitignore = (site / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert gitignore == ["public/", ".ballerina-cache/"]
