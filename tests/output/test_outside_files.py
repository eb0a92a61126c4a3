"""Nothing from outside the site folder is read into the output: every kind of site file (templates,
partials, static files, articles, site.yaml, the tags and authors files, urls.lock) that is a symlink
leading out of the site is an error naming the file, and its contents are published nowhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ballerina_site.cli.main import main
from conftest import article, write_site

CONFIG = "title: Test News\nbase_url: https://news.example/\ntimezone: UTC\nsearch: false\n"
SECRET = "AWS_SECRET=hunter2-do-not-publish"
REFUSED = "symlink points outside the site folder; refused"
COPY = "(copy the file into the site folder instead of linking to it)"

# the link's place in the site -> the exact error line
CASES: dict[str, str] = {
    "templates/404.html": f"templates/404.html: {REFUSED} {COPY}",
    "templates/article.html": f"templates/article.html: {REFUSED} {COPY}",
    "templates/partials/promo.html": f"templates/partials/promo.html: {REFUSED} {COPY}",
    "tags.yaml": f"tags.yaml: {REFUSED} {COPY}",
    "authors.yaml": f"authors.yaml: {REFUSED} {COPY}",
    "urls.lock": f"urls.lock: {REFUSED} (keep the URL record inside the site folder)",
    "static/leak.txt": f"static/leak.txt: {REFUSED} (copy the file into static/ instead of linking to it)",
    "content/leak.md": f"content/leak.md: {REFUSED} (copy the file into content/ instead of linking to it)",
}


def leaky_site(tmp_path: Path, place: str) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"---\ntitle: {SECRET}\ndate: 2025-06-01\n---\n{SECRET}\n", encoding="utf-8")
    site = write_site(tmp_path / "site", {"a.md": article("A")}, CONFIG)
    link = site / place
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    return site


def published(tmp_path: Path) -> str:
    return "".join(path.read_text(encoding="utf-8", errors="replace")
                   for path in tmp_path.rglob("*") if path.is_file() and not path.is_symlink()
                   and "outside" not in path.parts)


@pytest.mark.parametrize("place", sorted(CASES))
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_link_out_of_the_site_is_an_error_naming_the_file(place: str, command: str, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = leaky_site(tmp_path, place)
    code = main([command, "--source", str(site)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert CASES[place] in err
    assert not any("Traceback" in line for line in err)
    assert SECRET not in published(tmp_path)


@pytest.mark.parametrize("secret", ["/proc/self/environ", "/etc/passwd"])
def test_a_template_linked_to_a_system_file_is_refused(secret: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("A")}, CONFIG)
    (site / "templates").mkdir()
    (site / "templates" / "404.html").symlink_to(secret)
    assert main(["build", "--source", str(site)]) == 1
    assert f"templates/404.html: {REFUSED} {COPY}" in capsys.readouterr().err.splitlines()
    assert not (site / "public").exists()


def test_site_yaml_linked_out_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("A")}, CONFIG)
    real = tmp_path / "elsewhere.yaml"
    real.write_text(CONFIG, encoding="utf-8")
    (site / "site.yaml").unlink()
    (site / "site.yaml").symlink_to(real)
    assert main(["build", "--source", str(site)]) == 1
    assert f"site.yaml: {REFUSED} {COPY}" in capsys.readouterr().err.splitlines()


def test_links_inside_the_site_are_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("A")}, CONFIG)
    (site / "shared").mkdir()
    (site / "shared" / "tags.yaml").write_text("Ballerina: {description: Dance}\n", encoding="utf-8")
    (site / "tags.yaml").symlink_to(site / "shared" / "tags.yaml")
    assert main(["build", "--source", str(site)]) == 0, capsys.readouterr().err


def test_the_documented_opt_in_follows_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("A")}, CONFIG)
    shared = tmp_path / "shared-theme" / "partials"
    shared.mkdir(parents=True)
    (shared / "footer_extra.html").write_text("<p>Shared footer</p>\n", encoding="utf-8")
    (site / "templates").mkdir()
    (site / "templates" / "partials").symlink_to(shared)
    monkeypatch.setenv("BALLERINA_FOLLOW_SYMLINKS", "1")
    assert main(["build", "--source", str(site)]) == 0, capsys.readouterr().err
    assert "Shared footer" in (site / "public" / "index.html").read_text(encoding="utf-8")


def test_a_template_that_is_not_utf8_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("A")}, CONFIG)
    (site / "templates" / "partials").mkdir(parents=True)
    (site / "templates" / "partials" / "site_footer.html").write_bytes(b"caf\xe9 {{ site.title }}")
    assert main(["build", "--source", str(site)]) == 1
    assert ("templates/partials/site_footer.html: not UTF-8 text (byte offset 3) (save it as UTF-8)"
            in capsys.readouterr().err.splitlines())
    assert not os.path.exists(site / "public")


HIDDEN = "symlink points into a hidden file or folder of the site (such as .git); refused"


@pytest.mark.parametrize("place, target", [("static/config.txt", ".git/config"), ("templates/404.html", ".env"),
                                           ("tags.yaml", ".git/tags.yaml"), ("content/x.md", ".secrets/x.md")])
def test_a_link_into_a_hidden_part_of_the_site_is_refused(place: str, target: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A CI checkout keeps its token in .git/config; a pull request must not publish it by a link."""
    site = write_site(tmp_path / "site", {"a.md": article("A")}, CONFIG)
    secret = site / target
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(f"---\ntitle: {SECRET}\ndate: 2025-06-01\n---\n{SECRET}\n", encoding="utf-8")
    link = site / place
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    assert main(["build", "--source", str(site)]) == 1
    err = capsys.readouterr().err.splitlines()
    folder = place.split("/")[0]
    hint = (f"(copy the file into {folder}/ instead of linking to it)" if folder in ("static", "content")
            else COPY)
    assert f"{place}: {HIDDEN} {hint}" in err
    assert not (site / "public").exists()
