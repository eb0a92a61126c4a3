"""The README holds the truth: every command, option, config key and front matter key is documented."""

from __future__ import annotations

import argparse

from ballerina_site.cli.main import make_parser
from ballerina_site.core.config import SCHEMA
from ballerina_site.content.article import KNOWN_KEYS

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_config_key_is_documented():
    missing = [key for key in SCHEMA if f"| `{key}` |" not in README]
    assert missing == []


def test_every_front_matter_key_is_documented():
    missing = [key for key in KNOWN_KEYS if f"`{key}`" not in README]
    assert missing == []


def test_every_command_and_option_is_documented():
    parser = make_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, sub in commands.choices.items():
        if f"ballerina-site {name}" not in README:
            missing.append(name)
        for action in sub._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help" and flag not in README:
                    missing.append(f"{name} {flag}")
    assert missing == []
