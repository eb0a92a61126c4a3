"""Property tests: whatever an editor writes, the result is an article or problems, and every path the
generator makes stays a safe path inside the output folder."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.core.config import SiteConfig
from ballerina_site.content.article import parse_article
from ballerina_site.content.discover import source_name
from ballerina_site.core.errors import Problem, SiteError
from ballerina_site.core.model import Article
from ballerina_site.core.paths import WINDOWS_RESERVED, safe_site_path
from ballerina_site.core.slugs import slugify

CONFIG = SiteConfig()
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=30), st.dates(), st.datetimes())
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                                 st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
keys = st.sampled_from(["title", "date", "tags", "summary", "slug", "category", "author", "updated", "draft",
                        "image", "image_alt", "related", "related_exclude", "tittle"]) | st.text(max_size=10)


def assert_parsed(text: str) -> None:
    parsed = parse_article("content/x.md", text, CONFIG)
    assert isinstance(parsed.article, (Article, type(None)))
    assert all(isinstance(p, Problem) and str(p).startswith("content/x.md") for p in parsed.problems)
    if parsed.article is None:
        assert any(p.is_error for p in parsed.problems)


@FAST
@given(st.text())
def test_any_text_is_an_article_or_problems(text: str) -> None:
    assert_parsed(text)
    assert_parsed("---\n" + text)
    assert_parsed("---\ntitle: T\ndate: 2025-01-01\n---\n" + text)


@FAST
@given(st.dictionaries(keys, yaml_values, max_size=8), st.text(max_size=200))
def test_any_yaml_mapping_as_front_matter_is_an_article_or_problems(meta: dict[str, object], body: str) -> None:
    assert_parsed("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_slugs_of_any_text_are_safe_path_segments(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or safe_site_path(f"/{slug}/") == f"/{slug}/"
    assert "/" not in slug and "\\" not in slug and slug not in (".", "..")
    assert slug.isascii() and slug.split(".")[0].lower() not in WINDOWS_RESERVED


names = st.text(min_size=1, max_size=20)
articles = st.lists(st.fixed_dictionaries({"title": names, "slug": names, "category": names,
                                           "tags": st.lists(names, max_size=3)}), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles, st.sampled_from(["/{year}/{month}/{day}/{slug}/", "/{category}/{slug}/", "/{slug}.html"]))
def test_every_output_path_of_any_site_is_inside_the_output(entries: list[dict[str, object]], permalink: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        (root / "content").mkdir(parents=True)
        (root / "site.yaml").write_text(yaml.safe_dump({"title": "T", "permalink": permalink}))
        for number, entry in enumerate(entries):
            meta = {**entry, "date": dt.date(2025, 1, 1 + number)}
            (root / "content" / f"a{number}.md").write_text("---\n" + yaml.safe_dump(meta) + "---\nWords.\n")
        before = {p for p in Path(folder).rglob("*")}
        try:
            build(BuildOptions(root=root))
        except SiteError as exc:
            assert exc.problems
        output = (root / "public").resolve()
        for path in set(Path(folder).rglob("*")) - before:
            if path.parent == root and path.name == "urls.lock":
                continue  # the record of published URLs, by design in the site folder
            if path.parent == root / ".ballerina-cache" or path == root / ".ballerina-cache":
                assert path.name in (".ballerina-cache", ".gitignore") or path.name.startswith("lock-"), path
                continue  # the store: here only the build lock (the store itself is off)
            assert path.resolve().is_relative_to(output), path
            assert os.path.commonpath([path.resolve(), output]) == str(output)


segments = st.sampled_from(["site", "a b", "é", ".", "..", "content", "x.md", ".hidden", "s/"])


@given(st.one_of(st.just("."), st.just("/"), st.lists(segments, min_size=1, max_size=3).map("/".join),
                 st.lists(segments, min_size=1, max_size=3).map(lambda parts: "/" + "/".join(parts))),
       st.lists(segments, min_size=1, max_size=4).map("/".join))
def test_source_names_are_pathlibs_relative_paths(root: str, relative: str) -> None:
    """The string shortcut names every file under any site folder as pathlib would."""
    path = Path(root) / relative
    try:
        expected = path.relative_to(Path(root)).as_posix()
    except ValueError:
        return
    assert source_name(path, Path(root)) == expected
