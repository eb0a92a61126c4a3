"""A small site that exercises feeds, sitemaps, page meta and author pages, shared by their tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from conftest import article, run_cli, write_image, write_site

BASE = "https://news.example/sub/"
XSS_TITLE = '</script><script>alert(1)</script> & "quotes"'
LONG_TITLE = "Ballerina " + " ".join(["and the very long headline that keeps going"] * 4)
BUILD_TIME = datetime.fromisoformat("2025-06-03T12:00:00+00:00")  # news sitemap window: 48 h before this

CONFIG = f"""\
title: Test News
description: Film news for tests.
base_url: {BASE}
language: en-US
timezone: America/New_York
page_size: 2
logo: /assets/logo.png
twitter: testnews
feeds:
  entries: 4
  id_authority: news.example
sitemap:
  news: true
  news_name: Test News Daily
"""

AUTHORS = """\
jane-doe:
  name: Jane Doe
  bio: Covers action cinema & stunts.
  url: https://janedoe.example/
"""

ARTICLES = {
    "2025-06-02-first-look.md": article(
        "First Look at Ballerina", date="2025-06-02T23:14:00-04:00", updated="2025-06-03T10:00:00+02:00",
        tags="[Ballerina, John Wick]", category="Movies", author="Jane Doe", image="/img/hero.jpg",
        image_alt="Eve on set", summary="The first look.",
        body="Read [the other story](../../01/other/) and [a tag](/sub/tags/ballerina/).\n\n"
             "![A still](/img/still.jpg)\n\nAn [outside link](https://elsewhere.example/x)."),
    "2025-06-02-escaping.md": article(XSS_TITLE, date="2025-06-02T08:00:00-04:00", tags="[Ballerina]",
                                      author="sam roe", summary="'\"A & B < C\"'"),
    "2025-05-20-older.md": article("Older News", date="2025-05-20", tags="[Ballerina]", category="Movies",
                                   author="jane-doe"),
    "2025-01-15-winter.md": article("Winter Story", date="2025-01-15", category="Interviews"),
    "2025-01-10-long.md": article(LONG_TITLE, date="2025-01-10T09:30:00Z", author="Jane Doe"),
}


def build_publishing_site(root: Path, *, base_url: str | None = None, config: str = CONFIG,
                          articles: dict[str, str] | None = None):
    site = write_site(root, ARTICLES if articles is None else articles, config,
                      {"authors.yaml": AUTHORS})
    write_image(site / "static/img/hero.jpg", 1600, 900, "JPEG")
    write_image(site / "static/img/still.jpg", 800, 600, "JPEG")
    out = root / "public"
    args = ["build", "--source", str(site), "--output", str(out)]
    if base_url:
        args += ["--base-url", base_url]
    result = run_cli(*args, env={"SOURCE_DATE_EPOCH": str(int(BUILD_TIME.timestamp()))})
    assert result.returncode == 0, result.stderr
    return out, result


def output_file_for(url: str, out: Path, base: str = BASE) -> Path:
    """The built file a URL of the site is served from (``/x/`` -> ``x/index.html``)."""
    assert url.startswith(base), f"{url} is not under {base}"
    path = urlsplit(url).path[len(urlsplit(base).path):]
    target = out / path
    return target / "index.html" if url.endswith("/") or path == "" else target


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html"))

