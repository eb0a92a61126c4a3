"""A broken template names its file and line and the page being rendered; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballerina_site.cli.main import main
from conftest import write_site

CONFIG = ("title: Test News\nbase_url: https://news.example/\ntimezone: UTC\n"
          "author: {name: Desk}\nimage: https://news.example/share.png\n")
ARTICLE = "---\ntitle: A\ndate: 2025-06-01\n---\nWords.\n"


@pytest.mark.parametrize("template, expected", [
    ('{% extends "base.html" %}\n{% block main %}\n{% if article.title %}\n<p>x</p>\n{% endblock %}\n',
     "templates/article.html:5: template syntax error: Encountered unknown tag 'endblock'. You probably made a "
     "nesting mistake. Jinja is expecting this tag, but currently looking for 'elif' or 'else' or 'endif'. The "
     "innermost block that needs to be closed is 'if'. "
     "(while rendering /2025/06/01/a/ from content/a.md)"),
    ('{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n<p>{{ byline }}</p>\n'
     '{% endblock %}\n',
     "templates/article.html:4: template error: 'byline' is undefined (while rendering /2025/06/01/a/ from "
     "content/a.md)"),
    ('{% extends "base.html" %}\n{% block main %}\n{{ article.title | nosuchfilter }}\n{% endblock %}\n',
     "templates/article.html:3: template syntax error: No filter named 'nosuchfilter'. "
     "(while rendering /2025/06/01/a/ from content/a.md)"),
])
def test_template_faults_name_file_line_and_page(template: str, expected: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"a.md": ARTICLE}, CONFIG, extra={"templates/article.html": template})
    for command in ("check", "build"):
        assert main([command, "--source", str(site)]) == 1
        lines = capsys.readouterr().err.splitlines()
        assert lines[0] == expected
        assert len(lines) == 2 and "Traceback" not in lines[1]
    assert not (site / "public").exists()
