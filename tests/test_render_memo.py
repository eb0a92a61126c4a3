"""Cards are rendered once per article and reused, but only while that cannot change a byte: a site's
own card (or a partial it pulls in) that reads the page, the loop or anything else not known to be
immutable is rendered on every page as before."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from markupsafe import Markup

from ballerina_site.build import BuildOptions, build, load_site
from ballerina_site.pages import plan_pages
from ballerina_site.render import THEME_DIR, _frozen, make_environment, render_page
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
    assert _frozen(True) != _frozen(1) and _frozen((1,)) != _frozen((True,))
    assert _frozen("x") == _frozen("x") and _frozen(("a", None)) == _frozen(("a", None))
    for unknown in (Markup("x"), 1.0, ["a"], {"a": 1}, ("a", ["b"]), object()):
        assert _frozen(unknown) is None


def test_functions_that_want_the_context_still_get_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", ARTICLES, CONFIG)
    loaded = load_site(BuildOptions(root=site, now=NOW))
    env = make_environment(site, loaded.site, loaded.urls, "test")
    env.globals["kind_of"] = jinja2.pass_context(lambda context: context["page"].kind)
    template = env.from_string("{{ kind_of() }} {{ url('/x/') }} {% for t in ['/a/'] %}{{ url(t) }}{% endfor %}")
    assert template.render(page=plan_pages(loaded.site, loaded.urls)[0]) == "home /sub/x/ /sub/a/"
