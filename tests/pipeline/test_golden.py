"""Golden sites: the default site and the fixture site in tests/golden/newsroom/, each built with a
fixed ``SOURCE_DATE_EPOCH`` and search off, give exactly the checked-in tree under
``tests/golden/expected/<site>/`` (the output folder, the updated ``urls.lock`` and what the build
printed, with its temp folder and timings normalized), file by file.

When a change to the output is intended, regenerate the expected trees with one command and review
the diff before committing it:

    python3 scripts/regen-golden.py

The fixture site covers: a base_url with a path, page_size 2 (paginated home, tag and author pages),
tags with an alias file and unicode names, categories, an author profile from authors.yaml and the
default author, a draft, a scheduled, a future and an expired article, a moved article (urls.lock
redirect) and aliases, video embeds and a figure, a table, footnotes, abbreviations, a definition list,
code, a table of contents, raw HTML, links between articles (one to a draft: a warning), a date
without a zone (a warning), a site template override that reads the page, and HTML-special characters
in the titles and the config.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_site import SITES, build, describe, differences, expected_files, result_files

# "auto": one worker per core, as users run it; "1": everything in one process. Same bytes either way.
JOBS = {"auto": (), "serial": ("--jobs", "1")}


@pytest.mark.parametrize("jobs", sorted(JOBS))
@pytest.mark.parametrize("name", sorted(SITES))
def test_golden_site_matches_the_checked_in_tree(name: str, jobs: str, tmp_path: Path):
    expected = expected_files(name)
    assert expected, f"no expected tree for {name!r}: run `python3 scripts/regen-golden.py {name}`"
    actual = result_files(build(name, tmp_path, *JOBS[jobs]))
    assert not differences(expected, actual), describe(name, expected, actual)


def test_a_difference_names_the_file_and_shows_the_changed_lines():
    expected = {"public/index.html": b"<h1>Old</h1>\n<p>same</p>\n", "public/gone.html": b"x",
                "public/logo.png": b"\x89PNG\x00\x01"}
    actual = {"public/index.html": b"<h1>New</h1>\n<p>same</p>\n", "public/new.xml": b"<a/>",
              "public/logo.png": b"\x89PNG\x00\x02\xff"}
    message = describe("demo", expected, actual)
    assert message.splitlines()[0] == "golden site 'demo': 4 file(s) differ from tests/golden/expected/demo/"
    assert "  missing from the build: public/gone.html" in message
    assert "  new in the build: public/new.xml" in message
    assert "    -<h1>Old</h1>" in message and "    +<h1>New</h1>" in message
    assert "    (binary: 6 bytes expected, 7 built)" in message
    assert "python3 scripts/regen-golden.py" in message
