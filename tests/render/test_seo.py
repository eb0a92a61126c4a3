"""Page meta as search engines and link previews read it: every page kind, parsed from the built HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from publishing_site import BASE, LONG_TITLE, XSS_TITLE, build_publishing_site, html_pages, output_file_for

OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory):
    return build_publishing_site(tmp_path_factory.mktemp("seo"))


@pytest.fixture(scope="module")
def built(build) -> Path:
    return build[0]


def soup_of(out: Path, relative: str) -> BeautifulSoup:
    return BeautifulSoup((out / relative).read_text(encoding="utf-8"), "html.parser")


def meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def json_ld(soup: BeautifulSoup) -> list[dict]:
    return [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]


def of_type(blocks: list[dict], kind: str) -> dict:
    found = [b for b in blocks if b["@type"] == kind]
    assert len(found) == 1, (kind, [b["@type"] for b in blocks])
    return found[0]


def page_url(out: Path, page: Path) -> str:
    relative = page.relative_to(out).as_posix()
    return BASE + (relative[:-len("index.html")] if relative.endswith("index.html") else relative)


def test_every_page_has_title_description_canonical_og_twitter_and_lang(built: Path) -> None:
    pages = html_pages(built)
    kinds = set()
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        kinds.add(soup.body["class"][0])
        assert soup.html["lang"] == "en-US"
        assert soup.title.string.strip()
        assert meta(soup, "description")
        assert meta(soup, "og:title") and meta(soup, "og:description") and meta(soup, "og:site_name") == "Test News"
        assert meta(soup, "twitter:card") in ("summary", "summary_large_image")
        assert meta(soup, "twitter:site") == "@testnews"
        if page.name == "404.html":
            assert meta(soup, "robots") == "noindex" and soup.find("link", rel="canonical") is None
            continue
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == page_url(built, page), page
        assert meta(soup, "og:url") == canonical
        is_article = "page-article" in soup.body["class"]
        assert meta(soup, "og:type") == ("article" if is_article else "website")
        for block in json_ld(soup):
            assert block["@context"] == "https://schema.org"
    assert kinds >= {"page-home", "page-article", "page-tag", "page-category", "page-tag_index",
                     "page-category_index", "page-author", "page-author_index", "page-archive", "page-404"}


def test_paginated_listings_are_self_canonical_with_prev_and_next(built: Path) -> None:
    first, second, third = (soup_of(built, p) for p in ("index.html", "page/2/index.html", "page/3/index.html"))
    assert first.find("link", rel="canonical")["href"] == BASE
    assert second.find("link", rel="canonical")["href"] == BASE + "page/2/"
    assert first.find("link", rel="prev") is None and first.find("link", rel="next")["href"] == BASE + "page/2/"
    assert second.find("link", rel="prev")["href"] == BASE
    assert second.find("link", rel="next")["href"] == BASE + "page/3/"
    assert third.find("link", rel="next") is None
    assert meta(second, "description") != meta(first, "description")
    assert second.title.string != first.title.string
    tag2 = soup_of(built, "tags/ballerina/page/2/index.html")
    assert tag2.find("link", rel="canonical")["href"] == BASE + "tags/ballerina/page/2/"
    assert tag2.find("link", rel="prev")["href"] == BASE + "tags/ballerina/"


def test_article_open_graph_and_twitter(built: Path) -> None:
    soup = soup_of(built, "2025/06/02/first-look/index.html")
    assert soup.title.string == "First Look at Ballerina | Test News"
    assert meta(soup, "description") == "The first look."
    share = meta(soup, "og:image")  # the lead image cropped to 1200x630 (as large as it allows)
    assert share.startswith(BASE + "img/hero.") and share.endswith("-share.jpg") and output_file_for(share, built).is_file()
    assert meta(soup, "og:image:alt") == "Eve on set"
    assert meta(soup, "twitter:card") == "summary_large_image" and meta(soup, "twitter:image") == share
    assert meta(soup, "article:published_time") == "2025-06-02T23:14:00-04:00"
    assert meta(soup, "article:modified_time") == "2025-06-03T10:00:00+02:00"
    assert meta(soup, "article:section") == "Movies"
    assert [t["content"] for t in soup.find_all("meta", property="article:tag")] == ["Ballerina", "John Wick"]
    assert output_file_for(meta(soup, "article:author"), built).is_file()
    plain = soup_of(built, "2025/01/15/winter/index.html")  # no image: a card drawn of its headline
    card = meta(plain, "og:image")
    assert card.startswith(BASE + "images/cards/") and output_file_for(card, built).is_file()
    assert meta(plain, "twitter:card") == "summary_large_image" and meta(plain, "og:image:alt") == "Winter Story"


def test_news_article_json_ld(built: Path) -> None:
    blocks = json_ld(soup_of(built, "2025/06/02/first-look/index.html"))
    story = of_type(blocks, "NewsArticle")
    url = BASE + "2025/06/02/first-look/"
    assert story["headline"] == "First Look at Ballerina" and story["description"] == "The first look."
    assert story["datePublished"] == "2025-06-02T23:14:00-04:00"
    assert story["dateModified"] == "2025-06-03T10:00:00+02:00"
    assert story["mainEntityOfPage"] == {"@type": "WebPage", "@id": url} and story["url"] == url
    assert [(i["width"], i["height"]) for i in story["image"]] == [(1200, 675), (1200, 900), (900, 900)]
    assert all(i["url"].startswith(BASE + "img/hero.") and output_file_for(i["url"], built).is_file()
               for i in story["image"])  # 16:9, 4:3 and 1:1 crops, 1200 wide when the picture is
    assert story["keywords"] == ["Ballerina", "John Wick"] and story["articleSection"] == "Movies"
    (author,) = story["author"]
    assert author["@type"] == "Person" and author["name"] == "Jane Doe"
    assert author["url"] == BASE + "authors/jane-doe/" and output_file_for(author["url"], built).is_file()
    assert author["sameAs"] == ["https://janedoe.example/"]
    assert story["publisher"] == {"@type": "Organization", "name": "Test News", "url": BASE,
                                  "logo": {"@type": "ImageObject", "url": BASE + "assets/logo.png"}}
    crumbs = of_type(blocks, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["All News", "Movies", "First Look at Ballerina"]
    assert all(output_file_for(c["item"], built).is_file() for c in crumbs)


def test_every_article_json_ld_has_dates_with_offsets_and_short_headlines(built: Path) -> None:
    articles = [p for p in html_pages(built) if re.match(r"\d{4}/", p.relative_to(built).as_posix())]
    assert len(articles) == 5
    for page in articles:
        story = of_type(json_ld(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")), "NewsArticle")
        assert OFFSET.match(story["datePublished"]) and OFFSET.match(story["dateModified"])
        assert 0 < len(story["headline"]) <= 110
    long = of_type(json_ld(soup_of(built, "2025/01/10/long/index.html")), "NewsArticle")
    assert long["headline"].endswith("…") and LONG_TITLE.startswith(long["headline"][:-1])


def test_listings_have_collection_page_website_and_breadcrumbs(built: Path) -> None:
    home = json_ld(soup_of(built, "index.html"))
    assert of_type(home, "WebSite")["url"] == BASE
    items = of_type(home, "CollectionPage")["mainEntity"]["itemListElement"]
    assert [i["position"] for i in items] == [1, 2] and all(output_file_for(i["url"], built).is_file() for i in items)
    page2 = of_type(json_ld(soup_of(built, "page/2/index.html")), "CollectionPage")
    assert [i["position"] for i in page2["mainEntity"]["itemListElement"]] == [3, 4]
    for relative, trail in (("tags/john-wick/index.html", ["All News", "Tags", "John Wick"]),
                            ("categories/movies/index.html", ["All News", "Categories", "Movies"]),
                            ("authors/jane-doe/index.html", ["All News", "Authors", "Jane Doe"]),
                            ("archive/index.html", ["All News", "Archive"])):
        blocks = json_ld(soup_of(built, relative))
        assert of_type(blocks, "CollectionPage")["url"] == BASE + relative.removesuffix("index.html")
        crumbs = of_type(blocks, "BreadcrumbList")["itemListElement"]
        assert [c["name"] for c in crumbs] == trail
        assert all(output_file_for(c["item"], built).is_file() for c in crumbs)


def test_hostile_title_is_escaped_in_html_attributes_and_json_ld(built: Path) -> None:
    raw = (built / "2025/06/02/escaping/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw
    soup = BeautifulSoup(raw, "html.parser")
    assert soup.find("h1").get_text() == XSS_TITLE
    assert soup.title.string == f"{XSS_TITLE} | Test News"
    assert meta(soup, "og:title") == XSS_TITLE and meta(soup, "twitter:title") == XSS_TITLE
    scripts = soup.find_all("script")
    assert all(s.get("type") == "application/ld+json" for s in scripts)
    for script in scripts:
        assert "<" not in script.string and ">" not in script.string and "&" not in script.string
    assert of_type(json_ld(soup), "NewsArticle")["headline"] == XSS_TITLE
    for listing in ("index.html", "tags/ballerina/index.html", "archive/index.html"):
        page = BeautifulSoup((built / listing).read_text(encoding="utf-8"), "html.parser")
        assert "<script>alert(1)" not in str(page) and XSS_TITLE in page.get_text()
        assert all(s.get("type") == "application/ld+json" for s in page.find_all("script"))


def test_one_concise_guideline_warning_per_article_that_needs_it(build) -> None:
    _, result = build
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    by_file = {line.split(":")[0] for line in warnings}
    assert len(by_file) == len(warnings), "one warning per article"
    winter = next(line for line in warnings if line.startswith("content/2025-01-15-winter.md:"))
    assert re.match(r"content/2025-01-15-winter\.md:\d+: warning: article rich results: no author", winter)
    assert any(line.startswith("content/2025-01-10-long.md:") and "110" in line for line in warnings)
    assert not any(line.startswith("content/2025-06-02-first-look.md") for line in warnings)


def test_the_default_site_ships_feeds_sitemaps_and_metadata_without_warnings(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    import feedparser

    from conftest import run_cli
    from golden_site import copy_default_site

    out = tmp_path / "out"
    result = run_cli("build", "--source", str(copy_default_site(tmp_path / "site")), "--output", str(out))
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    for name in ("feed.xml", "rss.xml", "tags/ballerina/feed.xml", "authors/ballerina-news-desk/rss.xml"):
        parsed = feedparser.parse((out / name).read_bytes())
        assert parsed.bozo == 0 and parsed.entries, name
    assert ET.parse(out / "news-sitemap.xml").getroot().tag.endswith("urlset")
    assert "Sitemap: https://example.org/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    for page in html_pages(out):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        share = meta(soup, "og:image")  # the site's card, or the article's own
        assert share.startswith("https://example.org/images/cards/"), page
        assert (out / share.removeprefix("https://example.org/")).is_file()
    page = "2025/06/01/ballerina-commitment-featurette-restaurant-fight-tv-spot/index.html"
    story = of_type(json_ld(soup_of(out, page)), "NewsArticle")
    assert story["publisher"]["logo"]["url"] == "https://example.org/assets/logo.png"
    assert story["author"][0]["url"] == "https://example.org/authors/ballerina-news-desk/"
    assert [(i["width"], i["height"]) for i in story["image"]] == [(1200, 630)]  # its card
    assert story["image"][0]["url"] == meta(soup_of(out, page), "og:image")


def test_guideline_warnings_are_bounded_on_large_sites(tmp_path: Path) -> None:
    from conftest import article, run_cli, write_site

    long = " and".join([" a headline that goes on"] * 6)  # over 110 characters: every article has a gap
    site = write_site(tmp_path / "site", {f"2025-01-{d:02d}-s{d}.md": article(f"Story {d}{long}", f"2025-01-{d:02d}")
                                          for d in range(1, 16)},
                      config="title: T\nbase_url: https://news.example/\nauthor: {name: Desk}\n")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "article rich results" in line]
    assert len(warnings) == 11
    assert all(": warning: article rich results: headline over 110" in line for line in warnings[:10])
    assert warnings[10].startswith("content: warning: article rich results: 5 more articles")
