"""The live preview remembers each article's fingerprint between rebuilds and reuses it when the
article comes back the same. "The same" must be exact: a memo that takes a changed article for the
old one would leave its pages stale in the preview."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import pytest

from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.pipeline.plan import GENERATOR
from ballerina_site.pipeline.load import load_site
from ballerina_site.store.store import Store
from ballerina_site.store.fingerprints import Fingerprinter
from ballerina_site.core.model import Label
from ballerina_site.render.environment import make_environment
from conftest import article, write_site

STORE = Store(Path("."), enabled=False, in_memory=True)  # the preview's: remembers between builds

NOW = datetime(2025, 7, 1, tzinfo=timezone.utc)
CONFIG = "title: Test News\nbase_url: https://news.example/\ntimezone: UTC\nauthor: {name: Desk}\n"


def fresh_token(env, site, value) -> bytes:
    """What the fingerprint is with nothing remembered."""
    return Fingerprinter(env, site, GENERATOR, Store(Path("."), enabled=False)).article(value)


def test_a_remembered_fingerprint_is_reused_only_for_the_very_same_article(tmp_path: Path) -> None:
    site_root = write_site(tmp_path / "site", {"a.md": article("A", "2025-06-01T10:00:00+02:00", tags="[Box Office]",
                                                               mood="calm")}, CONFIG)
    loaded = load_site(BuildOptions(root=site_root, now=NOW))
    site = loaded.site
    env = make_environment(site_root, site, loaded.urls, GENERATOR)
    original = site.articles[0]
    remembered = Fingerprinter(env, site, GENERATOR, STORE).article(original)
    other_zone = timezone(timedelta(hours=-4))
    variants = {
        "the same fields in a new object": replace(original),
        "a tag shown with another spelling": replace(original, tags=(Label("tag", "box-office", "box office"),)),
        "the same moment in another zone": replace(original, date=original.date.astimezone(other_zone)),
        "an extra key holding that moment": replace(original, extra=MappingProxyType(
            {"mood": "calm", "seen": original.date.astimezone(other_zone)})),
        "a word count": replace(original, word_count=original.word_count + 1),
        "a flag": replace(original, draft=True),
    }
    for name, variant in variants.items():
        token = Fingerprinter(env, site, GENERATOR, STORE).article(variant)  # remembers original's, then variant's
        assert token == fresh_token(env, site, variant), name
        assert (token == remembered) == (name == "the same fields in a new object"), name
        Fingerprinter(env, site, GENERATOR, STORE).article(original)  # remember the original again


@pytest.mark.parametrize("keep_reading", [0, 3])
def test_a_tag_renamed_by_other_articles_shows_on_an_unchanged_article_in_the_same_process(
        tmp_path: Path, keep_reading: int) -> None:
    """The tag's name is the spelling most articles use: when others change it, an article whose own
    file did not change shows the new name, rebuilt in the same process (as the preview does)."""
    articles = {"a.md": article("A", "2025-06-01", tags="[box office]"),
                "b.md": article("B", "2025-06-02", tags="[Box Office]"),
                "c.md": article("C", "2025-06-03", tags="[Box Office]")}
    site_root = write_site(tmp_path / "site", articles, CONFIG + f"keep_reading: {keep_reading}\n")
    out = tmp_path / "out"
    options = BuildOptions(root=site_root, output=out, now=NOW, cache=True, record_urls=False)
    build(options)
    page = out / "2025/06/01/a/index.html"
    assert ">Box Office</a>" in page.read_text(encoding="utf-8")
    for name in ("b.md", "c.md"):
        path = site_root / "content" / name
        path.write_text(path.read_text(encoding="utf-8").replace("Box Office", "box office"), encoding="utf-8")
    build(options)
    html = page.read_text(encoding="utf-8")
    assert ">box office</a>" in html and ">Box Office</a>" not in html
