"""Bad input, one tiny site per case: the exact message with its place, everything at once, exit 1,
and never a traceback. Each case runs ``check`` and ``build`` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ballerina_site.cli.main import main
from conftest import write_site

CONFIG = ("title: Test News\nbase_url: https://news.example/\ntimezone: UTC\n"
          "author: {name: Desk}\nimage: https://news.example/share.png\n")
OK = "---\ntitle: Fine\ndate: 2025-06-01\n---\nWords.\n"
TINY_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c"
                         "63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082")  # one white pixel


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.err.splitlines(), out.out


# name -> (files under the site root, exact stderr lines expected, exit status)
CASES: dict[str, tuple[dict[str, str | bytes], list[str], int]] = {
    "invalid yaml": ({"content/a.md": "---\ntitle: [Ballerina\ndate: 2025-06-01\n---\nx\n"},
                     ["content/a.md:3:5: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"], 1),
    "no front matter": ({"content/a.md": "Just words.\n"},
                        ["content/a.md:1: no front matter (start the file with a `---` line, then `title:` and "
                         "`date:`, then `---`)"], 1),
    "unclosed front matter": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\nWords.\n"},
                              ["content/a.md:1: front matter is not closed (add a `---` line after the last "
                               "front matter key)"], 1),
    "missing title": ({"content/a.md": "---\ndate: 2025-06-01\n---\nx\n"},
                      ["content/a.md:1: missing `title` (add `title: Your headline` to the front matter)"], 1),
    "blank title": ({"content/a.md": "---\ndate: 2025-06-01\ntitle: '  '\n---\nx\n"},
                    ["content/a.md:3: `title` is blank (write the headline after `title:`)"], 1),
    "missing date": ({"content/a.md": "---\ntitle: A\n---\nx\n"},
                     ["content/a.md:1: missing `date` (add e.g. `date: 2025-06-02T23:14:00-04:00`)"], 1),
    "unreadable date": ({"content/a.md": "---\ntitle: A\ndate: next friday\n---\nx\n"},
                        ["content/a.md:3: `date`: unreadable date `next friday`"], 1),
    "impossible date": ({"content/a.md": "---\ntitle: A\ndate: 2025-02-30\n---\nx\n"},
                        ["content/a.md:3: `date`: impossible date `2025-02-30` (day is out of range for month)"], 1),
    "tags not a list": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\ntags: {a: 1}\n---\nx\n"},
                        ["content/a.md:4: `tags` must be a list or a comma-separated text, not dict "
                         "(e.g. tags: [Ballerina, John Wick])"], 1),
    "empty tag": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\ntags: [Ballerina, '']\n---\nx\n"},
                  ["content/a.md:4: empty entry in `tags` (remove it)"], 1),
    "punctuation tag": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\ntags: ['?!']\n---\nx\n"},
                        ["content/a.md:4: tag `?!` has no letters or digits to make a URL from (remove or reword it)"], 1),
    "two articles one url": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\nslug: same\n---\nx\n",
                              "content/b.md": "---\ntitle: B\ndate: 2025-06-01\nslug: same\n---\nx\n",
                              "content/c.md": "---\ntitle: C\n---\nx\n"},
                             ["content/c.md:1: missing `date` (add e.g. `date: 2025-06-02T23:14:00-04:00`)",
                              "content/b.md: two pages would be written to /2025/06/01/same/: content/a.md and "
                              "content/b.md (give one of them a different `slug`)"], 1),
    "tag slugs collide": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\ntags: [C++]\n---\nx\n",
                           "content/b.md": "---\ntitle: B\ndate: 2025-06-02\ntags: [C#]\n---\nx\n"},
                          ["content/b.md:4: tag `C#` and tag `C++` (in content/a.md) would share the URL slug `c` "
                           "(rename one of them, or make one an alias in tags.yaml)"], 1),
    "category slugs collide": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\ncategory: News!\n---\nx\n",
                                "content/b.md": "---\ntitle: B\ndate: 2025-06-02\ncategory: News?\n---\nx\n"},
                               ["content/b.md:4: category `News?` and category `News!` (in content/a.md) would "
                                "share the URL slug `news` (rename one)"], 1),
    "empty slug": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\nslug: '***'\n---\nx\n"},
                   ["content/a.md:4: the slug is empty after removing punctuation (set `slug:` to a few words)"], 1),
    "not utf-8": ({"content/a.md": b"---\ntitle: Caf\xe9\ndate: 2025-06-01\n---\nx\n"},
                  ["content/a.md:2:11: not UTF-8 text (bad byte 0xe9 at byte offset 14) (save the file as UTF-8)"], 1),
    "tabs in yaml": ({"content/a.md": "---\ntitle: A\n\tdate: 2025-06-01\n---\nx\n"},
                     ["content/a.md:3:1: invalid YAML: while scanning a plain scalar found a tab character that "
                      "violates indentation (YAML does not allow tabs for indentation; use spaces)"], 1),
    "python object tag": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\nx: !!python/object/apply:os.system "
                                           "['touch PWNED']\n---\nx\n"},
                          ["content/a.md:4:4: invalid YAML: could not determine a constructor for the tag "
                           "'tag:yaml.org,2002:python/object/apply:os.system' (only plain YAML values are allowed)"], 1),
    "unknown config key": ({"site.yaml": CONFIG + "titel: X\npage_size: ten\n", "content/a.md": "---\ntitle: A\n---\nx\n"},
                           ["site.yaml:6: unknown config key `titel` (did you mean `title`?)",
                            "site.yaml:7: `page_size` must be a whole number, not str",
                            "content/a.md:1: missing `date` (add e.g. `date: 2025-06-02T23:14:00-04:00`)"], 1),
    "unknown markdown key": ({"site.yaml": CONFIG + "markdown: {unsafe: false}\n"},
                             ["site.yaml:6: unknown key `markdown.unsafe` (known keys: unsafe_html)"], 1),
    "wrong markdown type": ({"site.yaml": CONFIG + "markdown: {unsafe_html: 'no'}\n"},
                            ["site.yaml:6: `markdown.unsafe_html` must be true/false"], 1),
    "tags_file outside": ({"site.yaml": CONFIG + "tags_file: ../secrets.yaml\n"},
                          ["site.yaml:6: `tags_file` must be a file inside the site folder, not `../secrets.yaml` "
                           "(e.g. tags.yaml)"], 1),
    "permalink escapes": ({"site.yaml": CONFIG + "permalink: /{slug}/../../../etc/\n"},
                          ["site.yaml:6: `permalink` is not a safe URL path: unsafe URL path '/x/../../../etc/' "
                           "(use plain words, `/` and fields such as {slug}; no `..`, `\\`, `:` or reserved names)"], 1),
    "too many tags": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\ntags: [" +
                       ", ".join(f"t{i}" for i in range(100_000)) + "]\n---\nx\n"},
                      ["content/a.md:4: 100,000 tags; at most 200 are allowed (keep the few that matter)"], 1),
    "deep nesting": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nIntro.\n\n" + "- " * 5000 + "x\n"},
                     ["content/a.md:5: the body is nested too deeply to convert (flatten deeply nested lists or "
                      "quotes)"], 1),
    "deep quotes": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nIntro.\n\n" + "> " * 5000 + "x\n"},
                    ["content/a.md:7: lists or quotes nested more than 100 levels deep (flatten the list or quote)"], 1),
    "deep indented list": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nIntro.\n\n" +
                            "".join("  " * i + "- x\n" for i in range(150))},
                           ["content/a.md:108: lists or quotes nested more than 100 levels deep (flatten the list "
                            "or quote)"], 1),
    "article over the configured limit": ({"site.yaml": CONFIG + "max_article_mb: 2\n",
                                           "content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\n"
                                           + "Words and more words.\n" * 500_000},
                                          ["content/a.md: file is 10.5 MB; articles may be at most 2 MB (split it, "
                                           "move large data out of the article, or raise `max_article_mb` in "
                                           "site.yaml)"], 1),
    "article limit not positive": ({"site.yaml": CONFIG + "max_article_mb: 0\n"},
                                   ["site.yaml:6: `max_article_mb` must be at least 1"], 1),
    "yaml alias bomb": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\na: &a [x, x, x, x, x, x, x, x, x, x]\n" +
                         "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                                 f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                                 f"*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)) + "---\nx\n"},
                        ["content/a.md:2: YAML expands to more than 200,000 values (aliases (`*name`) repeated this "
                         "much look like a YAML bomb)"], 1),
    # a picture that would be broken on the page is an error (the links' message, with its hint)
    "image missing": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\n![Poster](/img/poster.jpg)\n"},
                      ["content/a.md:5: link to `/img/poster.jpg`: no such file in static/ (files in "
                       "static/ are published at the site root: static/img/x.png is /img/x.png)"], 1),
    "image under /static/": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\n![P](/static/p.png)\n",
                              "static/p.png": b"\x89PNG"},
                             ["content/a.md:5: link to `/static/p.png`: files in static/ are published at "
                              "the site root, not under /static/ (write `/p.png`)"], 1),
    "relative image in content": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\n![P](p.png)\n",
                                   "content/p.png": b"\x89PNG"},
                                  ["content/a.md:5: link to `p.png`: the file is in content/, which is not "
                                   "published (move it into static/ and link it as `/p.png`)"], 1),
}

URL_HINT = "(use an http(s) or mailto: URL, or a path such as /about/ or images/x.png)"
BASE = "title: T\nbase_url: https://news.example/\ntimezone: UTC\n"
# One check for every URL an editor writes: a scheme a browser would run is an error at its line.
CASES.update({
    f"{where} {json.dumps(url)}": (files, [line.format(scheme=scheme) + " " + URL_HINT], 1)
    for scheme, url in (("javascript", "javascript:alert(1)"), ("data", "data:text/html;base64,PHNjcmlwdD4="),
                        ("vbscript", "VBScript:msgbox(1)"), ("javascript", " java\tscript:alert(1)"),
                        ("file", "file:///etc/passwd"))
    for where, files, line in (
        ("menu", {"site.yaml": BASE + f"menu:\n  - {{title: Home, url: /}}\n  - {{title: X, url: {json.dumps(url)}}}\n"},
         "site.yaml:4: `menu` item 2 `url` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
        ("author url", {"site.yaml": BASE + f"author:\n  name: Desk\n  url: {json.dumps(url)}\n"},
         "site.yaml:4: `author.url` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
        ("promo link", {"site.yaml": BASE + f"promo:\n  title: Buy\n  link_url: {json.dumps(url)}\n"},
         "site.yaml:4: `promo.link_url` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
        ("default image", {"site.yaml": BASE + f"image: {json.dumps(url)}\n"},
         "site.yaml:4: `image` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
        ("logo", {"site.yaml": BASE + f"logo: {json.dumps(url)}\n"},
         "site.yaml:4: `logo` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
        ("profile url", {"site.yaml": BASE + f"authors:\n  jane:\n    url: {json.dumps(url)}\n"},
         "site.yaml:4: `authors.jane.url` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
        ("authors file image", {"authors.yaml": f"jane:\n  image: {json.dumps(url)}\n"},
         "authors.yaml:1: `jane.image` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
        ("front matter image", {"content/a.md": f"---\ntitle: A\ndate: 2025-06-01\nimage: {json.dumps(url)}\n---\nx\n"},
         "content/a.md:4: `image` uses the scheme `{scheme}:`, which is not allowed in a link or image"),
    )
})
CASES.update({
    "far-future date": ({"content/a.md": "---\ntitle: A\ndate: 9999-12-31\n---\nx\n"},
                        ["content/a.md:3: `date`: `9999-12-31` is too far in the past or the future (years 1000 to 9000)"], 1),
    "far-future time that overflows": ({"content/a.md": "---\ntitle: A\ndate: 9999-12-31T23:59:59-05:00\n---\nx\n"},
                                       ["content/a.md:3: `date`: `9999-12-31 23:59:59-05:00` is too far in the past or the "
                                        "future (years 1000 to 9000)"], 1),
    "far-past date": ({"content/a.md": "---\ntitle: A\ndate: '0001-01-01T00:00+05:00'\n---\nx\n"},
                      ["content/a.md:3: `date`: `0001-01-01T00:00+05:00` is too far in the past or the future "
                       "(years 1000 to 9000)"], 1),
    "far-future updated": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\nupdated: 9999-01-01\n---\nx\n"},
                           ["content/a.md:4: `updated`: `9999-01-01` is too far in the past or the future "
                            "(years 1000 to 9000)"], 1),
})
CASES["alias over a feed"] = ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\naliases: [/feed.xml]\n---\nx\n"},
                              ["content/a.md:4: the redirect from /feed.xml would overwrite the generated file "
                               "feed.xml (remove it from `aliases`)"], 1)
CASES["http without host"] = ({"site.yaml": BASE + "menu:\n  - {title: X, url: 'https:evil.example'}\n"},
                              ["site.yaml:4: `menu` item 1 `url` `https:evil.example` has no host after `https:` "
                               + URL_HINT], 1)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_reported_with_place(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files, expected, status = CASES[name]
    site = write_site(tmp_path / "site", {}, CONFIG)
    for relative, text in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, lines, _ = run(capsys, "check", "--source", str(site))
    assert code == status
    assert lines[:-1] == expected
    assert lines[-1].startswith("check failed: ")
    assert "Traceback" not in "\n".join(lines)
    # build says the same and writes nothing
    code, build_lines, _ = run(capsys, "build", "--source", str(site))
    assert code == status
    assert build_lines[:-1] == expected and build_lines[-1].endswith("; nothing was written")
    assert not (site / "public").exists()
    assert not (site / "PWNED").exists() and not Path("PWNED").exists()


WARNINGS: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    "mistyped key": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\ntittle: B\n---\nx\n"},
                     ["content/a.md:4: warning: unknown front matter key `tittle` (did you mean `title`?)"]),
    "time without zone": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01 10:30\n---\nx\n"},
                          ["content/a.md:3: warning: `date` has a time but no zone; assumed UTC "
                           "(add an offset such as -04:00 to be explicit)"]),
    "empty body": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\n\n"},
                   ["content/a.md:5: warning: the article has no body text"]),
    "bom and crlf accepted": ({"content/a.md": b"\xef\xbb\xbf---\r\ntitle: A\r\ndate: 2025-06-01\r\n---\r\nx\r\n"}, []),
    "link to missing article": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nIntro.\n\nSee [B](b.md).\n"},
                                ["content/a.md:7: warning: link to `b.md`: there is no article content/b.md "
                                 "(check the file name; links to articles are relative to this file)"]),
    "link to a draft": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nSee [B](b.md).\n",
                         "content/b.md": "---\ntitle: B\ndate: 2025-06-01\ndraft: true\n---\nx\n"},
                        ["content/a.md:5: warning: link to `b.md`: that article is a draft or dated in the future, "
                         "so the link leads nowhere until it is published (publish it first, or remove the link)"]),
    "existing links fine": ({"content/a.md": "---\ntitle: A\ndate: 2025-06-01\n---\n![P](/p.png) [b](b.md#x) "
                                             "[home](/) [ext](https://example.org/x.png) [top](#top)\n",
                             "content/b.md": OK, "static/p.png": TINY_PNG}, []),
}


@pytest.mark.parametrize("name", list(WARNINGS))
def test_warnings_pass_but_fail_under_strict(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files, expected = WARNINGS[name]
    site = write_site(tmp_path / "site", {}, CONFIG)
    for relative, text in files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, lines, out = run(capsys, "check", "--source", str(site))
    assert code == 0 and lines == expected
    assert out.startswith("checked 1 article") or out.startswith("checked 2 articles")
    code, lines, _ = run(capsys, "build", "--source", str(site))
    assert code == 0 and lines == expected
    assert (site / "public" / "index.html").is_file()
    code, lines, _ = run(capsys, "build", "--strict", "--source", str(site))
    if expected:
        assert code == 1
        assert lines[:-1] == [line.replace("warning: ", "") for line in expected]
        assert lines[-1] == f"build failed: {len(expected)} error{'s' * (len(expected) != 1)}; nothing was written"
    else:
        assert code == 0


def test_link_to_article_becomes_its_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bs4 import BeautifulSoup

    site = write_site(tmp_path / "site", {
        "a.md": "---\ntitle: A\ndate: 2025-06-01\n---\nRead [the other one](sub/b.md#cast) first.\n",
        "sub/b.md": "---\ntitle: B\ndate: 2025-06-02\nslug: bee\n---\nBack to [A](../a.md).\n",
    }, CONFIG.replace("https://news.example/", "https://news.example/films/"))
    assert run(capsys, "build", "--source", str(site))[0] == 0
    page = BeautifulSoup((site / "public/2025/06/01/a/index.html").read_text(), "html.parser")
    assert page.select_one(".story__body a")["href"] == "/films/2025/06/02/bee/#cast"
    back = BeautifulSoup((site / "public/2025/06/02/bee/index.html").read_text(), "html.parser")
    assert back.select_one(".story__body a")["href"] == "/films/2025/06/01/a/"


def test_every_problem_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {
        "a.md": "---\ntitle: A\n---\nx\n", "b.md": "no front matter\n", "c.md": OK,
        "d.md": "---\ntitle: D\ndate: 2025-13-01\ntags: 3\n---\n[x](gone.md)\n",
    }, CONFIG + "colour: red\n")
    code, lines, _ = run(capsys, "check", "--source", str(site))
    assert code == 1
    assert lines == [
        "site.yaml:6: unknown config key `colour` (see the config reference in README.md)",
        "content/a.md:1: missing `date` (add e.g. `date: 2025-06-02T23:14:00-04:00`)",
        "content/b.md:1: no front matter (start the file with a `---` line, then `title:` and `date:`, then `---`)",
        "content/d.md:3: `date`: impossible date `2025-13-01` (month must be in 1..12)",
        "content/d.md:4: `tags` must be a list or a comma-separated text, not int (e.g. tags: [Ballerina, John Wick])",
        "check failed: 5 errors",
    ]


@pytest.mark.parametrize("clash", ["404.html", "sitemap.xml", "feed.xml", "2025/06/01/a/index.html"])
def test_a_static_file_at_the_place_of_a_kept_file_is_reported(clash: str, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The second build keeps its pages, feeds and sitemap from the first unrendered: a static file
    added at their place clashes as much as on a first build, and the output stays as it was."""
    site = write_site(tmp_path / "site", {"a.md": OK}, CONFIG)
    assert run(capsys, "build", "--source", str(site))[0] == 0
    before = {p: p.read_bytes() for p in sorted((site / "public").rglob("*")) if p.is_file()}
    (site / "static" / clash).parent.mkdir(parents=True, exist_ok=True)
    (site / "static" / clash).write_text("mine\n", encoding="utf-8")
    code, lines, _ = run(capsys, "build", "--source", str(site))
    assert code == 1
    assert lines == [f"static/{clash}: static file clashes with a generated page {clash} "
                     "(rename or remove the static file)", "build failed: 1 error; nothing was written"]
    assert {p: p.read_bytes() for p in sorted((site / "public").rglob("*")) if p.is_file()} == before
