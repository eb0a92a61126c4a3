"""The README and docs/ tell the truth: every command, option, config key, front matter key and theme
template is documented where a reader looks for it, every link leads somewhere, and the README's
set-up commands are the ones CI runs. What the code offers is read through public means: the CLI's
``--help`` output, the config's dataclass fields, the package's theme folder."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import types
import typing
from functools import cache
from importlib import resources
from pathlib import Path

from ballerina_site.content.article import KNOWN_KEYS
from ballerina_site.core.config import SiteConfig

from conftest import REPO, SRC

DOCS = REPO / "docs"
DOC_FILES = ("cli.md", "config.md", "content.md", "templates.md", "performance.md", "architecture.md")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def help_text(*command: str) -> str:
    """``ballerina-site [COMMAND] --help`` as a user sees it."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "100"}
    result = subprocess.run([sys.executable, "-m", "ballerina_site", *command, "--help"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@cache
def commands() -> tuple[str, ...]:
    """The commands listed under ``positional arguments`` of the top-level help."""
    found = re.findall(r"^ {4}([a-z][a-z-]*) {2,}\S", help_text(), re.M)
    assert found, "no commands found in `ballerina-site --help`"
    return tuple(found)


def options(*command: str) -> set[str]:
    """Every option string (``--source``, ``-s``) in the ``options:`` part of a command's help."""
    flags: set[str] = set()
    for invocation in re.findall(r"^ {2}(-\S.*?)(?: {2,}|$)", help_text(*command), re.M):
        flags.update(re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", invocation))
    return flags - {"-h", "--help"}


def sections(text: str, level: str = "## ") -> dict[str, str]:
    """Markdown text split at headings of one level: heading -> the text under it."""
    parts = re.split(rf"^{level}(.+)$", text, flags=re.M)
    return {heading.strip(): body for heading, body in zip(parts[1::2], parts[2::2])}


def first_cells(text: str) -> list[str]:
    """The code spans in the first cell of every table row (the keys a reference table documents)."""
    spans: list[str] = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[-: |]+\|$", line):
            spans += re.findall(r"`([^`]+)`", line.split("|")[1])
    return spans


def config_keys() -> set[str]:
    """Every ``site.yaml`` key: the fields of SiteConfig, and of each section that is a dataclass."""
    hints = typing.get_type_hints(SiteConfig)
    keys: set[str] = set()
    for field in dataclasses.fields(SiteConfig):
        keys.add(field.name)
        hint = hints[field.name]
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        kinds = typing.get_args(hint) if union else (hint,)
        for kind in kinds:
            if dataclasses.is_dataclass(kind):
                keys.update(f"{field.name}.{inner.name}" for inner in dataclasses.fields(kind))
    return keys


def theme_templates() -> set[str]:
    root = resources.files("ballerina_site") / "theme" / "templates"
    with resources.as_file(root) as folder:
        return {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}


def test_every_config_key_is_in_config_md_and_nothing_else() -> None:
    documented = set(first_cells(sections(read(DOCS / "config.md"))["Keys"]))
    keys = config_keys()
    assert sorted(keys - documented) == []
    assert sorted(documented - keys) == []  # a documented key the config no longer has


def test_every_front_matter_key_is_in_content_md() -> None:
    documented = set(first_cells(sections(read(DOCS / "content.md"))["Front matter"]))
    assert sorted(set(KNOWN_KEYS) - documented) == []
    assert sorted(documented - set(KNOWN_KEYS)) == []


def test_every_command_and_option_is_in_cli_md() -> None:
    text = read(DOCS / "cli.md")
    by_command = sections(text)
    assert "--version" in text
    missing, stale = [], []
    for name in commands():
        section = by_command.get(f"`ballerina-site {name}`")
        if section is None:
            missing.append(f"## `ballerina-site {name}`")
            continue
        offered = options(name)
        missing += [f"{name} {flag}" for flag in sorted(offered) if not re.search(rf"`{flag}[ `]", section)]
        stale += [f"{name} {span}" for cell in first_cells(section) if cell.startswith("-")
                  for span in re.findall(r"--?[A-Za-z][\w-]*", cell) if span not in offered]
    assert missing == []
    assert stale == []  # documented options the command no longer has


def test_every_theme_template_is_in_templates_md() -> None:
    text = read(DOCS / "templates.md")
    templates = theme_templates()
    assert "base.html" in templates and "partials/card.html" in templates
    assert sorted(name for name in templates if f"`{name}`" not in text) == []
    listed = {span for span in first_cells(text) if span.endswith(".html")}
    assert sorted(listed - templates) == []


def test_readme_is_short_and_names_every_command() -> None:
    readme = read(REPO / "README.md")
    assert len(readme.splitlines()) <= 200
    assert [name for name in commands() if f"`ballerina-site {name}" not in readme] == []


def test_readme_links_to_every_doc() -> None:
    readme = read(REPO / "README.md")
    assert [name for name in DOC_FILES if f"](docs/{name})" not in readme] == []


def prose(text: str) -> str:
    """Markdown without its code blocks and code spans (examples, not links or headings)."""
    return re.sub(r"`[^`\n]*`", "", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S))


def heading_anchors(text: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_every_relative_link_leads_to_a_file_and_anchor() -> None:
    broken = []
    for page in [REPO / "README.md", *sorted(DOCS.glob("*.md"))]:
        for target in re.findall(r"\]\(([^)\s]+)\)", prose(read(page))):
            if re.match(r"^[a-z]+:", target):
                continue  # another site: not fetched
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and linked.suffix == ".md" and anchor not in heading_anchors(read(linked)):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []


def setup_commands() -> list[str]:
    """The command lines of the README's set-up block, comments left out."""
    setup = sections(read(REPO / "README.md"))["Set-up: two commands"]
    block = re.search(r"^```sh\n(.*?)^```", setup, re.M | re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_setup_commands_are_the_ones_ci_runs() -> None:
    install, test = setup_commands()
    ci = [line.strip() for line in read(REPO / ".ci" / "run").splitlines()]
    assert test in ci  # command 2 is exactly what CI runs
    # Command 1 makes and uses the virtual environment the test set-up makes and uses.
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install -e .")
    setup = read(REPO / "scripts" / "setup-tests.sh")
    assert "python3 -m venv .venv" in setup
    assert '.venv/bin/python -m pip install' in setup
    assert ".venv/bin/python" in read(REPO / "scripts" / "run-tests.sh")
