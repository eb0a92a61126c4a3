"""Golden-site tests: build the default site and small fixture sites, read the HTML as a user would."""

from __future__ import annotations

import re

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import article, run_cli, write_site
from golden_site import copy_inputs

ARTICLE_1 = "2025/06/02/inside-the-making-and-remaking-of-ballerina/index.html"
ARTICLE_2 = "2025/06/01/ballerina-commitment-featurette-restaurant-fight-tv-spot/index.html"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def copy_default_site(tmp_path: Path) -> Path:
    return copy_inputs("default", tmp_path / "site")


def internal_targets(out: Path, base_path: str) -> list[tuple[str, str]]:
    """Every (page, link) inside the site, for links that start with the site's base path."""
    found = []
    for page in out.rglob("*.html"):
        for tag in soup(page).find_all(["a", "link", "img", "script"]):
            link = tag.get("href") or tag.get("src")
            if not link:
                continue
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#"):
                continue
            found.append((page.relative_to(out).as_posix(), parts.path))
    return found


def resolve(out: Path, base_path: str, path: str) -> Path | None:
    if not path.startswith(base_path):
        return None
    relative = path[len(base_path):]
    target = out / relative
    if path.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def default_site(tmp_path_factory) -> Path:
    site = copy_default_site(tmp_path_factory.mktemp("default"))
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built ") and " pages from 2 articles" in result.stdout
    return site / "public"


def test_default_site_pages_exist(default_site: Path):
    for page in ("index.html", ARTICLE_1, ARTICLE_2, "tags/index.html", "tags/ballerina/index.html",
                 "tags/john-wick/index.html", "categories/movies/index.html",
                 "categories/software-development/index.html", "categories/index.html",
                 "archive/index.html", "404.html", "assets/style.css"):
        assert (default_site / page).is_file(), page


def test_home_lists_articles_newest_first_with_date_summary_tags(default_site: Path):
    page = soup(default_site / "index.html")
    assert page.find("h1").get_text(strip=True) == "All News"
    cards = page.select("main article.card")
    assert [c.find("h2").get_text(strip=True) for c in cards] == [
        "Inside the Making and Remaking of John Wick Spinoff Ballerina",
        "Ballerina: Commitment BTS Featurette And The Restaurant Fight TV Spot",
    ]
    assert cards[0].find("time")["datetime"] == "2025-06-02T23:14:00-04:00"
    assert cards[1].select_one(".card__summary").get_text().startswith("Lionsgate shared a new")
    assert [a.get_text() for a in cards[1].select(".tags a")] == ["Ballerina", "John Wick"]


def test_article_page_is_faithful_to_the_source(default_site: Path):
    page = soup(default_site / ARTICLE_1)
    assert page.find("h1").get_text() == "Inside the Making and Remaking of John Wick Spinoff Ballerina"
    meta = page.select_one(".story__meta").get_text(" ", strip=True)
    assert "Published June 2, 2025 at 11:14 PM EDT" in meta and "in Software Development" in meta
    assert page.select_one(".story__standfirst").get_text().startswith("Ballerina, the latest John Wick spinoff")
    body = page.select_one(".story__body").get_text()
    assert "flamethrower battle" in body
    for furniture in ("Keep Reading\n\nView All", "The Future of Business is AI", "All News"):
        assert furniture not in body
    second = soup(default_site / ARTICLE_2)
    assert [h.get_text() for h in second.select(".story__body h2")] == [
        "Ballerina Is The First Big-Screen Spin-Off Of John Wick"]
    assert second.select_one(".story__meta time").get_text() == "June 1, 2025"


def test_keep_reading_links_each_article_to_the_other(default_site: Path):
    for page, other in ((ARTICLE_1, ARTICLE_2), (ARTICLE_2, ARTICLE_1)):
        section = soup(default_site / page).select_one("section.keep-reading")
        assert section.find("h2").get_text() == "Keep Reading"
        links = [a["href"] for a in section.select(".card__title a")]
        assert links == ["/" + other.removesuffix("index.html")]
        assert section.find("a", string="View All")["href"] == "/archive/"


def test_promo_block_comes_from_config(default_site: Path):
    promo = soup(default_site / ARTICLE_1).select_one("aside.promo")
    assert promo.select_one(".promo__title").get_text() == "The Future of Business is AI"
    assert promo.select_one(".promo__subtitle").get_text() == "AI Tools Built for Agencies That Move Fast."


def test_tag_pages_one_page_whatever_the_case(default_site: Path):
    page = soup(default_site / "tags/john-wick/index.html")
    assert "John Wick" in page.find("h1").get_text()
    assert [a.get_text() for a in page.select(".card__title a")] == [
        "Ballerina: Commitment BTS Featurette And The Restaurant Fight TV Spot"]
    index = soup(default_site / "tags/index.html")
    counts = {li.a.get_text(): li.select_one(".term-list__count").get_text(" ", strip=True)
              for li in index.select(".term-list li")}
    assert counts == {"Ballerina": "1 article", "John Wick": "1 article"}


def test_archive_groups_by_month(default_site: Path):
    page = soup(default_site / "archive/index.html")
    assert [h.get_text() for h in page.select(".archive-month h2")] == ["June 2025"]
    assert len(page.select(".archive-month .archive-list > li")) == 2


def test_every_internal_link_resolves(default_site: Path):
    links = internal_targets(default_site, "/")
    assert len(links) > 50
    broken = [(page, link) for page, link in links if resolve(default_site, "/", link) is None]
    assert broken == []


def test_sub_path_base_url_links_resolve(tmp_path: Path):
    site = copy_default_site(tmp_path)
    out = tmp_path / "sub"
    result = run_cli("build", "--source", str(site), "--output", str(out),
                     "--base-url", "https://example.org/ballerina/")
    assert result.returncode == 0, result.stderr
    links = internal_targets(out, "/ballerina/")
    assert links and all(link.startswith("/ballerina/") for _, link in links)
    assert [(p, l) for p, l in links if resolve(out, "/ballerina/", l) is None] == []
    root = tmp_path / "root"
    assert run_cli("build", "--source", str(site), "--output", str(root), "--base-url", "/").returncode == 0
    assert re.fullmatch(r"/assets/style\.[0-9a-f]{8}\.css", soup(root / "index.html").select_one("link[rel=stylesheet]")["href"])


def test_broken_front_matter_fails_and_leaves_previous_output_untouched(tmp_path: Path):
    site = copy_default_site(tmp_path)
    assert run_cli("build", "--source", str(site)).returncode == 0
    before = tree_digest(site / "public")
    bad = site / "content" / "2025-06-03-broken.md"
    bad.write_text("---\ntitle: Broken\ndate: 2025-06-03\ntags: [a, b\n---\nBody\n", encoding="utf-8")
    (site / "content" / "2025-06-04-also.md").write_text("---\ndate: 2025-06-04\n---\nBody\n", encoding="utf-8")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1
    assert "content/2025-06-03-broken.md:" in result.stderr and "invalid YAML" in result.stderr
    assert "content/2025-06-04-also.md:1: missing `title`" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(site / "public") == before
    assert not list(site.glob(".public.*"))


def test_deleted_article_disappears_from_output(tmp_path: Path):
    site = write_site(tmp_path, {"2025-01-01-a.md": article("A"), "2025-01-02-b.md": article("B", "2025-01-02")})
    assert run_cli("build", "--source", str(site)).returncode == 0
    assert (site / "public/2025/01/02/b/index.html").is_file()
    (site / "content/2025-01-02-b.md").unlink()
    assert run_cli("build", "--source", str(site)).returncode == 0
    assert not (site / "public/2025/01/02").exists()


def test_pagination_and_permalink_pattern(tmp_path: Path):
    articles = {f"2025-01-{d:02d}-n{d}.md": article(f"News {d}", f"2025-01-{d:02d}", tags="[Same]")
                for d in range(1, 8)}
    site = write_site(tmp_path, articles, config="""
        title: T
        page_size: 3
        permalink: /news/{year}/{slug}/
    """)
    assert run_cli("build", "--source", str(site)).returncode == 0
    out = site / "public"
    assert (out / "news/2025/n7/index.html").is_file()
    page2 = soup(out / "page/2/index.html")
    assert [a.get_text() for a in page2.select(".card__title a")] == ["News 4", "News 3", "News 2"]
    assert page2.select_one("a[rel=prev]")["href"] == "/" and page2.select_one("a[rel=next]")["href"] == "/page/3/"
    assert (out / "page/3/index.html").is_file() and not (out / "page/4").exists()
    assert (out / "tags/same/page/3/index.html").is_file()


def test_drafts_and_future_flags(tmp_path: Path):
    site = write_site(tmp_path, {"a.md": article("Draft", draft="true"), "b.md": article("Later", "2999-01-01"),
                                 "c.md": article("Now")})
    result = run_cli("build", "--source", str(site))
    assert "1 scheduled" in result.stdout and "1 draft left out" in result.stdout
    assert "scheduled: content/b.md publishes 2999-01-01" in result.stdout
    assert len(soup(site / "public/index.html").select(".card")) == 1
    assert run_cli("build", "--source", str(site), "--drafts", "--future").returncode == 0
    assert len(soup(site / "public/index.html").select(".card")) == 3


def test_site_templates_override_the_theme_and_typos_name_the_line(tmp_path: Path):
    site = write_site(tmp_path, {"a.md": article("Hello")}, extra={
        "templates/partials/promo.html": "<aside class='custom'>Our own promo</aside>\n",
    })
    assert run_cli("build", "--source", str(site)).returncode == 0
    assert soup(site / "public/index.html").select_one("aside.custom").get_text() == "Our own promo"
    (site / "templates/article.html").write_text('{% extends "base.html" %}\n{% block main %}\n'
                                                 '{{ article.titel }}\n{% endblock %}\n', encoding="utf-8")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1
    assert "templates/article.html:3: template error:" in result.stderr and "titel" in result.stderr
    assert "while rendering /2025/06/01/a/ from content/a.md" in result.stderr


def test_autoescape_keeps_hostile_text_as_text(tmp_path: Path):
    site = write_site(tmp_path, {"a.md": article('</script><script>alert(1)</script> & "quotes"',
                                                 tags="['<b>bold</b>']")})
    assert run_cli("build", "--source", str(site)).returncode == 0
    html = (site / "public/2025/06/01/a/index.html").read_text()
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
    assert soup(site / "public/2025/06/01/a/index.html").find("h1").get_text() == \
        '</script><script>alert(1)</script> & "quotes"'


def test_config_errors_are_listed_with_lines(tmp_path: Path):
    site = write_site(tmp_path, {"a.md": article("A")}, config="""
        title: T
        page_sise: 5
        keep_reading: many
        timezone: Mars/Olympus
    """)
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1
    assert "site.yaml:2: unknown config key `page_sise` (did you mean `page_size`?)" in result.stderr
    assert "site.yaml:3: `keep_reading` must be a whole number, not str" in result.stderr
    assert "site.yaml:4: unknown time zone `Mars/Olympus`" in result.stderr


def test_init_new_and_build_in_a_fresh_folder(tmp_path: Path):
    target = tmp_path / "my-news"
    result = run_cli("init", str(target))
    assert result.returncode == 0, result.stderr
    result = run_cli("new", "Ballerina opens this week", "--source", str(target), "--tags", "Ballerina, John Wick")
    assert result.returncode == 0, result.stderr
    created = next((target / "content").glob("*-ballerina-opens-this-week.md"))
    text = created.read_text()
    assert 'title: "Ballerina opens this week"' in text and "draft: true" in text
    assert run_cli("new", "Ballerina opens this week", "--source", str(target)).returncode == 1
    result = run_cli("build", "--source", str(target), "--drafts")
    assert result.returncode == 0, result.stderr
    titles = [a.get_text() for a in soup(target / "public/index.html").select(".card__title a")]
    assert "Ballerina opens this week" in titles and "Welcome to your news site" in titles
    assert run_cli("init", str(target)).returncode == 1


def test_related_command_explains_scores(tmp_path: Path):
    site = write_site(tmp_path, {
        "a.md": article("A", tags="[Rare, Common]"), "b.md": article("B", "2025-05-01", tags="[Rare]"),
        "c.md": article("C", "2025-05-02", tags="[Common]"), "d.md": article("D", "2025-05-03", tags="[Common]")})
    result = run_cli("related", str(site / "content/a.md"), "--source", str(site))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Keep Reading for content/a.md (A)"
    assert "*  1.   1.099  content/b.md  [Rare 1.099;" in result.stdout
    assert "shown in Keep Reading (in order): content/b.md, content/d.md, content/c.md" in result.stdout


def test_version_and_help():
    assert run_cli("--version").stdout.strip() == "ballerina-site 0.1.0"
    for command in ("build", "init", "new", "related"):
        result = run_cli(command, "--help")
        assert result.returncode == 0 and "usage: ballerina-site " + command in result.stdout
