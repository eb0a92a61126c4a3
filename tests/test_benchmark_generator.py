"""The benchmark corpus generator: deterministic, realistic enough to exercise every path."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate_site  # noqa: E402

from ballerina_site.build import BuildOptions, load_site  # noqa: E402


def test_same_seed_same_bytes_and_a_valid_site(tmp_path):
    first = generate_site(tmp_path / "a", 40, seed=7)
    second = generate_site(tmp_path / "b", 40, seed=7)
    files = sorted(p.name for p in (first / "content").iterdir())
    assert len(files) == 40
    assert files == sorted(p.name for p in (second / "content").iterdir())
    for name in files:
        assert (first / "content" / name).read_bytes() == (second / "content" / name).read_bytes()
    other = generate_site(tmp_path / "c", 40, seed=8)
    assert sorted(p.name for p in (other / "content").iterdir()) != files

    site = load_site(BuildOptions(root=first, future=True)).site
    assert len(site.articles) == 40
    for article in site.articles:
        assert 3 <= len(article.tags) <= 6
        assert 550 <= article.word_count <= 1100, (article.source, article.word_count)
        assert article.category is not None and article.author
    bodies = [article.body_html for article in site.articles]
    for block in ("<h2", "<ul>", "<ol>", "<blockquote>", '<a href="https://'):
        assert sum(block in body for body in bodies) >= 10, block  # headings, lists, quotes, links
    names = {tag.name for tag in site.tags}
    assert any(not name.isascii() for name in names)  # Amélie, Agnès Varda, Ruben Östlund ...
    years = {article.date.year for article in site.articles}
    assert len(years) >= 3
