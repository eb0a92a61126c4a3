"""Cards, the masthead, the footer and the promo box are rendered once per distinct set of inputs and
reused (the ``partial()`` helper), but only while that cannot change a byte: a site's own partial (or
one it pulls in) that reads the page, the loop or anything else not known to be immutable is rendered
on every page as before. Also: the meta tags printed from Python are the very text the template loops
and Jinja's own escaping gave."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import jinja2
import pytest
from markupsafe import Markup, escape

from ballerina_site.render import partials
from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.pipeline.load import load_site
from ballerina_site.core.escaping import escape_text
from ballerina_site.site.pages import plan_pages
from ballerina_site.render.environment import THEME_DIR, make_environment, render_page
from ballerina_site.render.partials import memo_value
from ballerina_site.render.seo import meta_tags, page_meta
from conftest import article, write_site

NOW = datetime(2025, 7, 1, tzinfo=timezone.utc)
THEME_CARD = (THEME_DIR / "templates" / "partials" / "card.html").read_text(encoding="utf-8")
ARTICLES = {f"a{n}.md": article(f"Story {n}", date=f"2025-06-{n + 1:02d}", tags="[Shared, Other]",
                                category="Movies") for n in range(5)}
CONFIG = ("title: Test News\nbase_url: https://news.example/sub/\ntimezone: UTC\npage_size: 2\n"
          "author: {name: Desk}\nkeep_reading: 2\n")


def built(tmp_path: Path, extra: dict[str, str]) -> Path:
    site = write_site(tmp_path / "site", ARTICLES, CONFIG, extra)
    out = tmp_path / "out"
    build(BuildOptions(root=site, output=out, now=NOW, record_urls=False))
    return out


def test_a_card_that_reads_the_page_is_rendered_for_each_page(tmp_path: Path) -> None:
    card = THEME_CARD.replace("</article>", '<i class="on">{{ page.path }}</i></article>')
    out = built(tmp_path, {"templates/partials/card.html": card})
    for path, page in (("index.html", "/"), ("page/2/index.html", "/page/2/"), ("tags/shared/index.html",
                                                                                "/tags/shared/"),
                       ("categories/movies/page/2/index.html", "/categories/movies/page/2/")):
        shown = re.findall(r'<i class="on">([^<]*)</i>', (out / path).read_text(encoding="utf-8"))
        assert shown and set(shown) == {page}


def test_a_partial_the_card_includes_is_one_of_its_inputs(tmp_path: Path) -> None:
    tags = '<ul class="kinds">{% for tag in tags %}<li>{{ page.kind }}:{{ tag.name }}</li>{% endfor %}</ul>\n'
    out = built(tmp_path, {"templates/partials/tags.html": tags})
    assert "<li>home:Shared</li>" in (out / "index.html").read_text(encoding="utf-8")
    tag_page = (out / "tags/shared/index.html").read_text(encoding="utf-8")
    assert "<li>tag:Shared</li>" in tag_page and "home:" not in tag_page


def test_a_card_that_reads_the_loop_is_rendered_each_time(tmp_path: Path) -> None:
    card = THEME_CARD.replace("</article>", '<i class="n">{{ loop.index if loop is defined }}</i></article>')
    out = built(tmp_path, {"templates/partials/card.html": card})
    for path in ("index.html", "tags/shared/index.html", "tags/shared/page/2/index.html"):
        assert re.findall(r'<i class="n">(\d+)</i>', (out / path).read_text(encoding="utf-8")) == ["1", "2"]


def test_the_theme_card_is_rendered_once_per_article_and_kind_of_card(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", ARTICLES, CONFIG, {
        "templates/partials/card.html": THEME_CARD.replace("</article>", "{{ tick() }}</article>")})
    loaded = load_site(BuildOptions(root=site, now=NOW))
    env = make_environment(site, loaded.site, loaded.urls, "test")
    ticks: list[int] = []
    env.globals["tick"] = lambda: ticks.append(1) or ""
    pages = plan_pages(loaded.site, loaded.urls)
    for page in pages:
        assert isinstance(render_page(env, page, site), bytes)
    cards = sum(len(page.context["pager"].items) for page in pages if "pager" in page.context)
    cards += sum(len(page.context["keep_reading"]) for page in pages if page.kind == "article")
    # each article's card as a listing entry and as a Keep Reading entry, and the home page's lead
    assert cards > len(ticks) == 2 * len(ARTICLES) + 1


def test_memo_keys_tell_apart_what_renders_differently() -> None:
    assert memo_value(True) != memo_value(1) and memo_value((1,)) != memo_value((True,))
    assert memo_value("x") == memo_value("x") and memo_value(("a", None)) == memo_value(("a", None))
    for unknown in (Markup("x"), 1.0, ["a"], {"a": 1}, ("a", ["b"]), object()):
        assert memo_value(unknown) is None


def test_functions_that_want_the_context_still_get_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", ARTICLES, CONFIG)
    loaded = load_site(BuildOptions(root=site, now=NOW))
    env = make_environment(site, loaded.site, loaded.urls, "test")
    env.globals["kind_of"] = jinja2.pass_context(lambda context: context["page"].kind)
    template = env.from_string("{{ kind_of() }} {{ url('/x/') }} {% for t in ['/a/'] %}{{ url(t) }}{% endfor %}")
    assert template.render(page=plan_pages(loaded.site, loaded.urls)[0]) == "home /sub/x/ /sub/a/"


# --- the masthead, footer and promo ------------------------------------------------------------------

CHROME_CONFIG = CONFIG + ("search: true\nfooter: 'Fans & <friends>'\n"
                          "menu: [{title: 'About <us>', url: /about/},\n"
                          "       {title: Elsewhere, url: 'https://x.example/?a=1&b=2'}]\n"
                          "promo: {label: 'Ad & co', title: 'Big <news>', link_url: /promo/, link_text: Go}\n")
CHROME_ARTICLES = {**ARTICLES,
                   "b.md": article('Odd "<b>" & Co', date="2025-05-01", tags="['A & B', '<i>']",
                                   category="'Box & <Office>'", author="'Jo <Ann>'",
                                   summary="'Less < more & \"quoted\"'")}


def rendered_pages(site: Path, inputs: Callable[..., tuple[str, ...] | None] | None = None,
                   memoized: frozenset[str] | None = None) -> dict[str, bytes]:
    """Every page of the site, rendered in this process by a fresh environment."""
    loaded = load_site(BuildOptions(root=site, now=NOW))
    with pytest.MonkeyPatch.context() as patch:
        if inputs is not None:
            patch.setattr(partials, "template_inputs", inputs)
        env = make_environment(site, loaded.site, loaded.urls, "test",
                               memoized=partials.MEMOIZED_PARTIALS if memoized is None else memoized)
        pages = plan_pages(loaded.site, loaded.urls)
        found = {page.output: render_page(env, page, site) for page in pages}
    assert all(isinstance(data, bytes) for data in found.values()), found
    return found  # type: ignore[return-value]


@pytest.fixture(scope="module")
def chrome_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site(tmp_path_factory.mktemp("chrome") / "site", CHROME_ARTICLES, CHROME_CONFIG)


def test_every_page_is_the_same_with_the_memo_as_without(chrome_site: Path) -> None:
    memoized = rendered_pages(chrome_site)
    plain = rendered_pages(chrome_site, memoized=frozenset())
    assert memoized.keys() == plain.keys() and len(memoized) > 20
    assert {path for path in memoized if memoized[path] != plain[path]} == set()
    movies = memoized["categories/movies/index.html"].decode()
    assert "About &lt;us&gt;</a>" in movies and "Fans &amp; &lt;friends&gt;" in movies and 'id="site-search-q"' in movies
    assert "Big &lt;news&gt;" in memoized["index.html"].decode()  # the promo box
    assert 'href="/sub/categories/movies/" aria-current="page">Movies<' in movies
    assert movies.count('aria-current="page"') == 1  # each category page marks its own link only
    assert 'aria-current' not in memoized["tags/shared/index.html"].decode().split('<main')[0]


def test_that_comparison_catches_a_memo_key_that_leaves_out_an_input(chrome_site: Path) -> None:
    """The test above has teeth: a key without ``nav_term`` (the category shown) or ``nav_kind`` gives
    another page's navigation, and pages differ from those rendered without the memo."""
    plain = rendered_pages(chrome_site, memoized=frozenset())
    real_inputs = partials.template_inputs
    for left_out in ("nav_term", "nav_kind"):
        def fewer(env: jinja2.Environment, name: str, left_out: str = left_out) -> tuple[str, ...] | None:
            found = real_inputs(env, name)  # type: ignore[arg-type]
            return None if found is None else tuple(n for n in found if n != left_out)

        broken = rendered_pages(chrome_site, inputs=fewer)
        assert any(broken[path] != plain[path] for path in plain), left_out


def test_a_site_header_or_footer_that_reads_the_page_is_rendered_for_each_page(tmp_path: Path) -> None:
    header = (THEME_DIR / "templates" / "partials" / "site_header.html").read_text(encoding="utf-8")
    out = built(tmp_path, {
        "templates/partials/site_header.html": header.replace("</header>", '<i class="h">{{ page.path }}</i></header>'),
        "templates/partials/footer_extra.html": '<i class="f">{{ page.title }}</i>\n'})
    for path, page, title in (("index.html", "/", "All News"), ("page/2/index.html", "/page/2/", "All News – page 2"),
                              ("categories/movies/index.html", "/categories/movies/", "Movies")):
        text = (out / path).read_text(encoding="utf-8")
        assert re.findall(r'<i class="h">([^<]*)</i>', text) == [page]
        assert re.findall(r'<i class="f">([^<]*)</i>', text) == [title]


def test_a_partial_changed_between_builds_is_read_again(tmp_path: Path) -> None:
    """What a memoized partial reads is kept in the store between builds; a site that overrides the
    masthead with one that reads the page, or edits its own override, gets the new text on every page
    (kept by its name alone, the old inputs would hand one page's masthead to all)."""
    site = write_site(tmp_path / "site", ARTICLES, CONFIG)
    out = tmp_path / "out"
    header = (THEME_DIR / "templates" / "partials" / "site_header.html").read_text(encoding="utf-8")
    pages = {"index.html": ("/", "All News"), "page/2/index.html": ("/page/2/", "All News – page 2"),
             "tags/shared/index.html": ("/tags/shared/", "Shared")}

    def shown() -> dict[str, list[str]]:
        build(BuildOptions(root=site, output=out, now=NOW, record_urls=False, cache=True))
        return {path: re.findall(r'<i class="h">([^<]*)</i>', (out / path).read_text(encoding="utf-8"))
                for path in pages}

    assert shown() == {path: [] for path in pages}  # the theme's masthead
    override = site / "templates" / "partials" / "site_header.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    for field, index in (("path", 0), ("title", 1)):  # a masthead of the site's own; then that one edited
        override.write_text(header.replace("</header>", f'<i class="h">{{{{ page.{field} }}}}</i></header>'),
                            encoding="utf-8")
        assert shown() == {path: [page[index]] for path, page in pages.items()}


def test_meta_tags_prints_what_the_template_loops_printed(chrome_site: Path) -> None:
    """``meta_tags`` stands for the loops ``partials/meta.html`` had; here they are, on every page."""
    loops = jinja2.Template(
        '{% for feed in meta.feeds %}\n<link rel="alternate" type="{{ feed.media_type }}" title="{{ feed.title }}" '
        'href="{{ url(feed.path) }}">\n{% endfor %}\n{% for property, content in meta.og %}\n'
        '<meta property="{{ property }}" content="{{ content }}">\n{% endfor %}\n'
        '{% for name, content in meta.twitter %}\n<meta name="{{ name }}" content="{{ content }}">\n{% endfor %}\n'
        '{% for block in meta.json_ld %}\n<script type="application/ld+json">{{ block | safe }}</script>\n'
        '{% endfor %}\n',
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    loaded = load_site(BuildOptions(root=chrome_site, now=NOW))
    site, urls = loaded.site, loaded.urls
    shown = 0
    for page in plan_pages(site, urls):
        meta = page_meta(page, site, urls)
        expected = loops.render(meta=meta, url=urls.href)
        assert meta_tags(meta, urls.href) == expected
        shown += "&lt;" in expected or "&amp;" in expected
    assert shown  # hostile titles, tags and names were among them


@pytest.mark.parametrize("value", ["plain", "<b>'x' & \"y\"</b>", "", "é ü \u2028", Markup("<i>kept</i>"),
                                   42, 1.5, None, True, ("<a>",), Markup("&amp;")])
def test_escape_text_is_escape_as_plain_text(value: object) -> None:
    assert escape_text(value) == str(escape(value))


class _Html:
    def __html__(self) -> str:
        return "<raw>"


class _Text(str):
    pass


def test_escape_text_honours_html_and_str_subclasses() -> None:
    assert escape_text(_Html()) == "<raw>" and escape_text(_Text("<x>")) == "&lt;x&gt;"


def test_a_page_that_hides_a_global_is_not_given_another_pages_header(tmp_path: Path) -> None:
    """Globals are inputs too: a home page that sets its own ``site`` (no categories, no authors) gets
    a navigation and footer without them, and the other pages keep theirs; a key that took ``site``
    for the build's own would hand one page's header to the other."""
    site = write_site(tmp_path / "site", ARTICLES, CONFIG, {"templates/index.html": (
        '{% extends "base.html" %}\n{% set site = {"categories": [], "authors": []} %}\n'
        '{% block main %}home{% endblock %}\n')})
    memoized, plain = rendered_pages(site), rendered_pages(site, memoized=frozenset())
    assert memoized == plain
    assert ">Movies</a>" not in memoized["index.html"].decode()
    assert ">Movies</a>" in memoized["tags/shared/index.html"].decode().split("<main")[0]
    real_inputs = partials.template_inputs

    def without_site(env: jinja2.Environment, name: str) -> tuple[str, ...] | None:
        found = real_inputs(env, name)  # type: ignore[arg-type]
        return None if found is None else tuple(n for n in found if n != "site")

    broken = rendered_pages(site, inputs=without_site)
    assert any(broken[path] != plain[path] for path in plain)
