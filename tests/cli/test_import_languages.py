"""``ballerina-site import hugo`` on a multilingual site: one language imported (the default, or
``--lang``), in each form Hugo gives languages (a ``contentDir`` per language, a suffix in the file
name, the default language in a subfolder), with the old URLs Hugo gave each page."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import run_cli, write_site
from test_import import CONFIG, write


def front(path: Path) -> dict:
    """The front matter the importer wrote."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n", 1)[0][4:])


def post(title: str, day: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {day}\n{extra}---\nText of {title}.\n"


CONTENT_DIRS = {  # as letsencrypt/website: one contentDir per language, settings in config/_default/
    "config/_default/hugo.toml": 'defaultContentLanguage = "en"\ndefaultContentLanguageInSubdir = false\n'
                                 '[permalinks]\npost = "/:year/:month/:day/:slug/"\n[uglyURLs]\npost = true\n',
    "config/_default/languages.en.toml": 'contentDir = "content/en"\nweight = 10\n',
    "config/_default/languages.fr.toml": 'contentDir = "content/fr"\nweight = 20\n',
    "config/_default/languages.de.toml": 'contentDir = "content/de"\nweight = 30\n',
    "content/en/post/2016-4-1-report.md": post("Report", "2016-04-01", "slug: report\naliases: [older/]\n"),
    "content/en/docs/faq.md": post("FAQ", "2017-01-02", "aliases: [questions, /help/faq/]\n"),
    "content/fr/post/2016-4-1-report.md": post("Rapport", "2016-04-01", "slug: rapport\n"),
    "content/fr/docs/faq.md": post("FAQ", "2017-01-02", "aliases: [questions]\n"),
    "content/de/docs/faq.md": post("FAQ", "2017-01-02"),
    "content/fa/docs/faq.md": post("FAQ", "2017-01-02"),  # a folder no language reads
    "content/en/post/2016-10-1-report.md": post("Report", "2016-10-01", "slug: report\n")
    + "[The report](/documents/report.pdf)\n",  # a file beside the pages: Hugo publishes it too
    "content/en/documents/report.pdf": b"%PDF-1.4 report",
}


def test_hugo_content_dir_per_language_imports_one_language(tmp_path: Path) -> None:
    old = write(tmp_path / "old", CONTENT_DIRS)
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "hugo", str(old), "--source", str(site))
    assert result.returncode == 0, result.stderr  # the other languages are left out on purpose
    assert sorted(p.relative_to(site / "content").as_posix() for p in (site / "content").rglob("*.md")) == [
        "docs/faq.md", "post/2016-10-1-report.md", "post/2016-4-1-report.md"]  # the section under content/en
    # [permalinks], and uglyURLs for the section: Hugo published x.html, aliases too
    assert front(site / "content/post/2016-4-1-report.md")["aliases"] == ["/2016/04/01/report.html",
                                                                          "/2016/04/01/older.html"]
    assert front(site / "content/post/2016-10-1-report.md")["aliases"] == ["/2016/10/01/report.html"]
    assert front(site / "content/docs/faq.md")["aliases"] == ["/docs/faq/", "/docs/questions/", "/help/faq/"]
    assert f"left out: {old}/content/fr: 2 pages in language `fr`: this import is `en`, and a site is one " \
           "language (import them into another site with --lang fr)" in result.stderr.splitlines()
    assert f"left out: {old}/content/de: 1 page in language `de`" in result.stderr
    assert f"left out: {old}/content/fa: 1 page in no language's `contentDir` (Hugo does not build them)" \
        in result.stderr
    assert "imported 3 of 3 posts in language `en` into content/" in result.stdout
    assert "2 other languages not imported (--lang CODE)" in result.stdout
    built = run_cli("build", "--source", str(site))
    assert built.returncode == 0, built.stderr
    redirects = (site / "public/_redirects").read_text(encoding="utf-8")
    assert "/docs/questions/ /2017/01/02/faq/ 301" in redirects and "/help/faq/ /2017/01/02/faq/ 301" in redirects
    assert "/2016/04/01/report.html /2016/04/01/report/ 301" in redirects
    assert (site / "static/documents/report.pdf").read_bytes() == b"%PDF-1.4 report"

    french = write_site(tmp_path / "fr", {}, CONFIG)
    result = run_cli("import", "hugo", str(old), "--source", str(french), "--lang", "FR")
    assert result.returncode == 0, result.stderr
    assert front(french / "content/post/2016-4-1-report.md")["aliases"] == ["/fr/2016/04/01/rapport.html"]
    assert front(french / "content/docs/faq.md")["aliases"] == ["/fr/docs/faq/", "/fr/docs/questions/"]
    assert f"left out: {old}/content/en: 3 pages in language `en`" in result.stderr
    built = run_cli("build", "--source", str(french))
    assert built.returncode == 0, built.stderr
    assert "/fr/2016/04/01/rapport.html /2016/04/01/rapport/ 301" in \
        (french / "public/_redirects").read_text(encoding="utf-8")


def test_hugo_translation_by_file_name(tmp_path: Path) -> None:
    """``trip.fr.md`` beside ``trip.md``: the suffix, when it is one of the site's languages, gives the
    language; the article is ``trip.md`` in either site."""
    old = write(tmp_path / "old", {
        "hugo.toml": 'baseURL = "https://old.example/"\n[languages.en]\nweight = 1\n[languages.fr]\nweight = 2\n',
        "content/posts/trip.md": post("Trip", "2021-03-04"),
        "content/posts/trip.fr.md": post("Voyage", "2021-03-04", "slug: voyage\n"),
        "content/posts/notes.v2.md": post("Notes", "2021-03-05"),  # v2 is no language: English
        "content/posts/bundle/index.md": post("Bundle", "2021-03-06"),
        "content/posts/bundle/index.fr.md": post("Paquet", "2021-03-06", "url: paquet/\n"),
    })
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "hugo", str(old), "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (site / "content/posts").iterdir()) == ["bundle.md", "notes.v2.md", "trip.md"]
    assert front(site / "content/posts/trip.md")["title"] == "Trip"
    assert front(site / "content/posts/trip.md")["aliases"] == ["/posts/trip/"]
    assert f"left out: {old}/content: 2 pages in language `fr`" in result.stderr

    french = write_site(tmp_path / "fr", {}, CONFIG)
    result = run_cli("import", "hugo", str(old), "--source", str(french), "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (french / "content/posts").iterdir()) == ["bundle.md", "trip.md"]
    assert front(french / "content/posts/trip.md")["title"] == "Voyage"
    assert front(french / "content/posts/trip.md")["aliases"] == ["/fr/posts/voyage/"]
    assert front(french / "content/posts/bundle.md")["aliases"] == ["/fr/paquet/"]  # `url` in the language's folder
    assert f"left out: {old}/content: 3 pages in language `en`" in result.stderr


def test_hugo_default_language_in_a_subdir(tmp_path: Path) -> None:
    old = write(tmp_path / "old", {
        "config.yaml": "defaultContentLanguage: de\ndefaultContentLanguageInSubdir: true\n"
                       "languages:\n  de: {weight: 1}\n  en: {weight: 2}\n"
                       "permalinks:\n  news: /:year/:slug/\n",
        "content/news/wahl.md": post("Wahl", "2022-05-06", "aliases: [../alt/]\n"),
        "content/news/vote.en.md": post("Vote", "2022-05-06"),
    })
    site = write_site(tmp_path / "site", {}, CONFIG)
    result = run_cli("import", "hugo", str(old), "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert front(site / "content/news/wahl.md")["aliases"] == ["/de/2022/wahl/", "/de/alt/"]
    english = write_site(tmp_path / "en", {}, CONFIG)
    assert run_cli("import", "hugo", str(old), "--source", str(english), "--lang", "en").returncode == 0
    assert front(english / "content/news/vote.md")["aliases"] == ["/en/2022/vote/"]
    unknown = run_cli("import", "hugo", str(old), "--source", str(english), "--lang", "it")
    assert unknown.returncode == 1 and "the old site has no language `it` (its languages: de, en)" in unknown.stderr
    jekyll = run_cli("import", "jekyll", str(old), "--source", str(english), "--lang", "en")
    assert jekyll.returncode == 1 and "--lang is for a Hugo site" in jekyll.stderr
