"""Build generated film-news sites and print a table of wall times, memory and pages.

    python benchmarks/run.py                      # 1,000 and 10,000 articles, 3 runs each
    python benchmarks/run.py --sizes 1000 --runs 5
    python benchmarks/run.py --peers              # also Hugo (+ Pagefind), Pelican, Pagefind alone
    python benchmarks/run.py --sizes 1000 --runs 1 --profiles default --images   # pictures (see below)

Each figure is the median of ``--runs`` runs of the real command line in a child process
(``python -m ballerina_site build``), wall time from start to exit; peak memory is the child's
maximum resident set (its largest process, from ``wait4``). Scenarios:

  cold          no output, no cache, no urls.lock: everything parsed, rendered and written
  warm          run again, nothing changed
  first edit    one article's body changed, right after the cold build
  edit article  one article's body changed again (the steady state of an editor at work)
  edit template the site's copy of ``base.html`` changed (every page uses it: the worst case)

Two configurations of our build, each its own table: ``default`` (the headline) is the build a user
gets, every output and the search index included (built with ``--no-search`` only when the
``pagefind`` binary is missing, and the table says so); ``comparable`` switches off, by config, the
outputs the peers without search are not asked to make (COMPARABLE below: no search index, no
precompressed copies, no social cards). A third, ``uncompressed`` (``--profiles default uncompressed``),
is the default without precompressed copies: the two side by side give what precompression costs.
Peers (``--peers``): Hugo + Pagefind (Hugo's build, then the Pagefind CLI over its output, as Hugo
users add search) against our default; Hugo and Pelican alone against our comparable build; and
Pagefind alone, its CLI over our default build's output.
Pictures (``--images``): each profile's site is also built with a 3000x2000 JPEG lead image per
article (``generate.py --images``), every scenario again, and a table compares them with the same
site without pictures: the cold build's CPU time and images processed per second per core (CPU
time over all the build's processes), the text edit's CPU time with and without pictures, and peak
memory. A cold build with pictures takes about a CPU-second per image: use ``--runs 1``.
Everything (sites, peer projects, outputs) lives in ``benchmarks/.work/`` (git-ignored), or in
``--work DIR``. What a cold run must not find is moved aside, and deleted once the table is printed
(see :func:`set_aside`); a run started within ``--settle`` seconds of that deletion waits first.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

from firstview import first_view  # noqa: E402
from generate import generate_site  # noqa: E402

WORK = HERE / ".work"
SEED = 1
COMPARABLE = "search: false\nprecompress: false\nimages:\n  cards: false\n"
PROFILES = {"default": "", "comparable": COMPARABLE,
            "uncompressed": "precompress: false\n"}  # what each profile adds to the generated site.yaml
SUMMARY = re.compile(r"built (\d+) pages from")
# Optional switches of our CLI, used when this checkout has them (see ``supported``).
QUIET, JOBS = "--quiet", "--jobs"
WRITTEN = re.compile(r"(\d+) files? written, (\d+) unchanged kept")
CACHED = re.compile(r"(\d+) of (\d+) articles from the build cache")
PROCESSED = re.compile(r"(\d+) images? processed")
PACKED = re.compile(r"[\d,]+ files? precompressed in ([\d.]+) s")


HEADINGS = {"default": " (the headline: what a user gets, search on)",
            "comparable": " (search off, as the peers without search)",
            "uncompressed": " (the default without precompressed .br/.gz copies: their cost)"}


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    pages: int = 0
    cached: int | None = None  # articles from the build cache (summary line; 0 when it says nothing)
    written: int | None = None  # files written, the rest kept unchanged (None: every file written)
    note: str = ""
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the build and its workers
    images: int | None = None  # images and cards processed (summary line), when it says
    packed: list[float] = field(default_factory=list)  # seconds of the build spent precompressing (its line)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def run_timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KB) of the child and everything it printed."""
    return run_measured(command, cwd, env)[:3]  # type: ignore[return-value]


def run_measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str, float]:
    """Wall seconds, peak RSS (KB) of the child, everything it printed, and its CPU seconds (user and
    system, its own and those of the workers it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    text = output.decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(command)}\n{text[-3000:]}")
    return seconds, usage.ru_maxrss, text, usage.ru_utime + usage.ru_stime


_set_aside_names = itertools.count(1)


def set_aside(path: Path) -> None:
    """Move a tree out of the way, to be deleted only when every run is over. Deleting it here would
    bill the next run for it: on a file system like this machine's (ext4 without a journal), inodes
    freed in the last minutes are skipped one by one when new files are made, so a build right after
    ``rm -rf`` of 20,000 files creates its own files several times slower, whichever tool it is."""
    if not path.exists() and not path.is_symlink():
        return
    trash = WORK / "set-aside"
    trash.mkdir(parents=True, exist_ok=True)
    os.rename(path, trash / f"{os.getpid()}-{next(_set_aside_names)}")  # unique across runs (--keep-set-aside)


SETTLE_SECONDS = 360  # ext4 skips a freed inode for 60 s, or for 360 s while its table block is unwritten


def drop_set_aside() -> None:
    """Delete what was set aside, and note when: the next benchmark waits until that has settled."""
    trash = WORK / "set-aside"
    if trash.exists():
        shutil.rmtree(trash, ignore_errors=True)
        (WORK / "set-aside-dropped").write_text(f"{time.time()}\n", encoding="utf-8")


def settle(seconds: float) -> None:
    """Wait until ``seconds`` after the last deletion of set-aside outputs (by an earlier run)."""
    try:
        dropped = float((WORK / "set-aside-dropped").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    left = dropped + seconds - time.time()
    if left > 0:
        print(f"  waiting {left:.0f} s: the last run deleted its outputs {seconds - left:.0f} s ago, and files "
              "freed that recently slow down making new ones (see set_aside; --settle 0 skips this)",
              file=sys.stderr, flush=True)
        time.sleep(left)


def _env() -> dict[str, str]:
    """Our build as an installed package runs: from bytecode compiled once (pip compiles it when it
    installs), not from source every run as with ``PYTHONDONTWRITEBYTECODE`` (set on some machines:
    each run would compile some 100 modules again, a tenth of a second). The bytecode goes to the
    work folder, not into the checkout."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")
    return env


def compile_once() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], env=_env(), check=True,
                   stdout=subprocess.DEVNULL)


_HELP: list[str] = []


def supported(option: str) -> bool:
    """Whether ``build`` in this checkout has ``option`` (the benchmark also runs on older commits)."""
    if not _HELP:
        _HELP.append(subprocess.run([sys.executable, "-m", "ballerina_site", "build", "--help"], env=_env(),
                                    capture_output=True, text=True).stdout)
    return option in _HELP[0]


def search_available() -> bool:
    from ballerina_site.render.search import pagefind_binary

    return pagefind_binary() is not None


def ours(site: Path, jobs: int | None, extra: tuple[str, ...] = ()) -> tuple[float, int, str, float]:
    command = [sys.executable, "-m", "ballerina_site", "build", *extra]
    if supported(QUIET):
        command.append(QUIET)
    if jobs and supported(JOBS):
        command += [JOBS, str(jobs)]
    return run_measured(command, site, _env())


def make_site(size: int, profile: str, images: bool = False) -> Path:
    site = WORK / f"ours-{profile}-{size}{'-images' if images else ''}"
    stamp = site / ".generated"
    wanted = f"{size} {SEED} {profile}{' images' if images else ''}"
    if not (stamp.is_file() and stamp.read_text() == wanted):
        set_aside(site)
        generate_site(site, size, SEED, images=images)
        if PROFILES[profile]:
            with open(site / "site.yaml", "a", encoding="utf-8") as handle:
                handle.write(PROFILES[profile])
        stamp.write_text(wanted)
    return site


def clean(site: Path) -> None:
    for name in ("public", ".public.spare", ".ballerina-cache"):
        set_aside(site / name)
    for name in ("urls.lock", ".ballerina.lock"):
        (site / name).unlink(missing_ok=True)
    for leftover in site.glob(".public*"):
        set_aside(leftover)


def record(measure: Measure, seconds: float, peak: int, text: str, cpu: float = float("nan")) -> None:
    measure.seconds.append(seconds)
    measure.peak_kb.append(peak)
    measure.cpu.append(cpu)
    processed = PROCESSED.search(text)
    measure.images = int(processed[1]) if processed else None
    packed = PACKED.search(text)
    measure.packed.append(float(packed[1]) if packed else 0.0)
    found = SUMMARY.search(text)
    if found:
        measure.pages = int(found[1])
    cached = CACHED.search(text)
    measure.cached = int(cached[1]) if cached else 0
    written = WRITTEN.search(text)
    measure.written = int(written[1]) if written else None


def packing_line(results: dict[str, Measure]) -> str:
    """What precompression adds, from the build's own line: the step runs alone, after the search
    index and before the swap, so its time is what it adds to the build (without the run-to-run
    noise of comparing with the uncompressed profile)."""
    parts = []
    for scenario, m in results.items():
        share = [packed / seconds for packed, seconds in zip(m.packed, m.seconds) if seconds]
        if share:
            parts.append(f"{scenario} {statistics.median(m.packed):.2f} s "
                         f"({statistics.median(share) * 100:.1f}% of the build)")
    return "precompression, from the build's own line (median): " + "; ".join(parts)


def bench_ours(size: int, profile: str, runs: int, jobs: int | None, images: bool = False,
               edits: int = 1) -> dict[str, Measure]:
    """Every scenario ``runs`` times (``edit article``: ``edits`` times a run); ``images``: the site
    with a lead image per article."""
    site = make_site(size, profile, images)
    results = {name: Measure() for name in ("cold", "warm", "first edit", "edit article", "edit template")}
    extra: tuple[str, ...] = () if profile == "comparable" or search_available() else ("--no-search",)
    if extra:
        for measure in results.values():
            measure.note = "no pagefind: --no-search"
    article = sorted((site / "content").iterdir())[size // 2]
    original = article.read_bytes()
    templates = site / "templates"
    shutil.rmtree(templates, ignore_errors=True)
    try:
        for run in range(runs):
            clean(site)
            shutil.rmtree(templates, ignore_errors=True)
            article.write_bytes(original)
            record(results["cold"], *ours(site, jobs, extra))
            record(results["warm"], *ours(site, jobs, extra))
            article.write_bytes(original + f"\nA late paragraph, edit {run}.\n".encode())
            record(results["first edit"], *ours(site, jobs, extra))
            for edit in range(edits):
                article.write_bytes(original + f"\nA later paragraph, edit {run}.{edit}.\n".encode())
                record(results["edit article"], *ours(site, jobs, extra))
        # template edits: the site's own copy of base.html, changed before each run
        base = (REPO / "src/ballerina_site/theme/templates/base.html").read_text(encoding="utf-8")
        templates.mkdir(exist_ok=True)
        (templates / "base.html").write_text(base, encoding="utf-8")
        ours(site, jobs, extra)
        for run in range(runs):
            (templates / "base.html").write_text(base.replace("</body>", f"<!-- edit {run} -->\n</body>"),
                                                 encoding="utf-8")
            record(results["edit template"], *ours(site, jobs, extra))
    finally:
        article.write_bytes(original)
        shutil.rmtree(templates, ignore_errors=True)
    return results


# --- peers ---------------------------------------------------------------------------------------

def corpus(size: int) -> list[dict[str, object]]:
    """The generated articles as plain fields (our own parser reads them), for the peers' inputs."""
    from ballerina_site.pipeline.build import BuildOptions
    from ballerina_site.pipeline.load import load_site
    from ballerina_site.content.frontmatter import split_front_matter

    site = make_site(size, "comparable")
    loaded = load_site(BuildOptions(root=site, future=True))
    items = []
    for article in loaded.site.articles:
        text = (site / article.source).read_text(encoding="utf-8")
        split = split_front_matter(text)
        items.append({"source": Path(article.source).name, "slug": article.slug, "title": article.title,
                      "date": article.date.isoformat(), "tags": [t.name for t in article.tags],
                      "category": article.category.name if article.category else "",
                      "author": article.author, "summary": article.summary,
                      "body": split.body})  # type: ignore[union-attr]
    return items


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


HUGO_CONFIG = """\
baseURL = "https://bench.example.org/"
title = "Film Desk"
disableKinds = ["RSS", "sitemap", "robotsTXT", "section"]
[pagination]
  pagerSize = 10
paginate = 10
[taxonomies]
  tag = "tags"
[permalinks]
  posts = "/:year/:month/:day/:slug/"
[markup.goldmark.renderer]
  unsafe = true
[related]
  includeNewer = true
  threshold = 20
  toLower = true
[[related.indices]]
  name = "tags"
  weight = 100
[[related.indices]]
  name = "categories"
  weight = 50
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ .Site.Title }}{{ end }}">
<link rel="stylesheet" href="/assets/style.css"></head>
<body><header><a href="/">{{ .Site.Title }}</a> <nav><a href="/">All News</a> <a href="/tags/">Tags</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer><a href="/">{{ .Site.Title }}</a></footer></body></html>
""",
    "partials/card.html": """<article class="card"><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "January 2, 2006" }}</time> · {{ .Params.category }} · {{ .ReadingTime }} min read</p>
<p>{{ .Params.summary }}</p><ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></article>
""",
    "partials/pager.html": """{{ $p := .Paginator }}{{ if gt $p.TotalPages 1 }}<nav>{{ if $p.HasPrev }}<a href="{{ $p.Prev.URL }}">Newer</a>{{ end }} Page {{ $p.PageNumber }} of {{ $p.TotalPages }} {{ if $p.HasNext }}<a href="{{ $p.Next.URL }}">Older</a>{{ end }}</nav>{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>All News</h1>{{ range (.Paginate (where .Site.RegularPages "Type" "posts")).Pages }}{{ partial "card.html" . }}{{ end }}{{ partial "pager.html" . }}{{ end }}
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>
<p>By {{ .Params.author }} · <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "January 2, 2006 at 3:04 PM MST" }}</time> in {{ .Params.category }} · {{ .ReadingTime }} min read</p>
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<div class="prose">{{ .Content }}</div>
RELATED</article>{{ end }}
""",
    "_default/taxonomy.html": """{{ define "main" }}<h1>Tag: {{ .Title }}</h1><p>{{ len .Pages }} articles</p>{{ range .Paginator.Pages }}{{ partial "card.html" . }}{{ end }}{{ partial "pager.html" . }}{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>Tags</h1><ul>{{ range .Data.Terms.ByTitle }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}
""",
}
HUGO_RELATED = ("{{ $related := .Site.RegularPages.Related . | first 3 }}{{ with $related }}<section><h2>Keep Reading</h2>"
                "{{ range . }}{{ partial \"card.html\" . }}{{ end }}</section>{{ end }}")


def make_hugo(size: int, items: list[dict[str, object]], related: bool) -> Path:
    project = WORK / f"hugo-{'related' if related else 'plain'}-{size}"
    set_aside(project)
    (project / "content/posts").mkdir(parents=True)
    (project / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = project / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("RELATED", HUGO_RELATED if related else ""), encoding="utf-8")
    for item in items:
        lines = ["---", f"title: {_yaml(str(item['title']))}", f"date: {item['date']}",
                 f"slug: {item['slug']}", f"categories: [{_yaml(str(item['category']))}]",
                 "tags: [" + ", ".join(_yaml(t) for t in item["tags"]) + "]",  # type: ignore[union-attr]
                 f"author: {_yaml(str(item['author']))}", f"summary: {_yaml(str(item['summary']))}",
                 f"category: {_yaml(str(item['category']))}", "---", ""]
        (project / "content/posts" / str(item["source"])).write_text("\n".join(lines) + str(item["body"]),
                                                                     encoding="utf-8")
    return project


PELICAN_CONF = """\
AUTHOR = "Film Desk"
SITENAME = "Film Desk"
SITEURL = ""
PATH = "content"
TIMEZONE = "America/New_York"
DEFAULT_LANG = "en"
THEME = "theme"
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"), (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))
ARTICLE_URL = "{date:%Y}/{date:%m}/{date:%d}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
PAGE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags"]
PAGINATED_TEMPLATES = {"index": None, "tag": None}
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False
CACHE_CONTENT = CACHE
LOAD_CONTENT_CACHE = CACHE
CACHE_PATH = "cache"
SUMMARY_MAX_LENGTH = 50
"""

PELICAN_TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body><header><a href="/">{{ SITENAME }}</a> <nav><a href="/">All News</a> <a href="/tags/">Tags</a></nav></header>
<main>{% block content %}{% endblock %}</main><footer><a href="/">{{ SITENAME }}</a></footer></body></html>
""",
    "card.html": """<article class="card"><h2><a href="/{{ item.url }}">{{ item.title }}</a></h2>
<p><time datetime="{{ item.date.isoformat() }}">{{ item.locale_date }}</time> · {{ item.category }}</p>
<p>{{ item.metadata.get('summary', '') }}</p><ul>{% for tag in item.tags %}<li><a href="/{{ tag.url }}">{{ tag }}</a></li>{% endfor %}</ul></article>
""",
    "pager.html": """{% if articles_page.has_other_pages() %}<nav>{% if articles_page.has_previous() %}<a href="/{{ articles_previous_page.url }}">Newer</a>{% endif %} Page {{ articles_page.number }} of {{ articles_paginator.num_pages }} {% if articles_page.has_next() %}<a href="/{{ articles_next_page.url }}">Older</a>{% endif %}</nav>{% endif %}
""",
    "index.html": """{% extends "base.html" %}{% block content %}<h1>All News</h1>{% for item in articles_page.object_list %}{% include "card.html" %}{% endfor %}{% include "pager.html" %}{% endblock %}
""",
    "article.html": """{% extends "base.html" %}{% block title %}{{ article.title }} | {{ SITENAME }}{% endblock %}{% block content %}<article><h1>{{ article.title }}</h1>
<p>By {{ article.author }} · <time datetime="{{ article.date.isoformat() }}">{{ article.locale_date }}</time> in {{ article.category }}</p>
<ul>{% for tag in article.tags %}<li><a href="/{{ tag.url }}">{{ tag }}</a></li>{% endfor %}</ul>
<div class="prose">{{ article.content }}</div></article>{% endblock %}
""",
    "tag.html": """{% extends "base.html" %}{% block content %}<h1>Tag: {{ tag }}</h1>{% for item in articles_page.object_list %}{% include "card.html" %}{% endfor %}{% include "pager.html" %}{% endblock %}
""",
    "tags.html": """{% extends "base.html" %}{% block content %}<h1>Tags</h1><ul>{% for tag, items in tags|sort %}<li><a href="/{{ tag.url }}">{{ tag }}</a> {{ items|count }}</li>{% endfor %}</ul>{% endblock %}
""",
}


def make_pelican(size: int, items: list[dict[str, object]], cache: bool) -> Path:
    project = WORK / f"pelican-{'cache' if cache else 'nocache'}-{size}"
    set_aside(project)
    (project / "content").mkdir(parents=True)
    (project / "pelicanconf.py").write_text(PELICAN_CONF.replace("CACHE\n", f"{cache}\n"), encoding="utf-8")
    for name, text in PELICAN_TEMPLATES.items():
        path = project / "theme/templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for item in items:
        tags = ", ".join(str(t).replace(",", "") for t in item["tags"])  # type: ignore[union-attr]
        lines = [f"Title: {item['title']}", f"Date: {item['date']}", f"Slug: {item['slug']}",
                 f"Category: {item['category']}", f"Tags: {tags}", f"Author: {item['author']}",
                 f"Summary: {item['summary']}", "", ""]
        (project / "content" / str(item["source"])).write_text("\n".join(lines) + str(item["body"]),
                                                               encoding="utf-8")
    return project


def pagefind_command(site: Path) -> list[str] | None:
    from ballerina_site.render.search import pagefind_binary

    binary = pagefind_binary()
    return None if binary is None else [str(binary), "--site", str(site), "--output-subdir", "pagefind", "--quiet"]


def then(first: tuple[float, int, str], second: tuple[float, int, str]) -> tuple[float, int, str]:
    """Two commands run one after the other: times add up, the peak is the larger."""
    return first[0] + second[0], max(first[1], second[1]), first[2] + second[2]


def bench_peers(size: int, runs: int) -> dict[str, dict[str, Measure]]:
    """Cold (no output, no cache) and one article edited, as whole-process wall time. Names ending in
    "+ Pagefind" or "Pagefind" compare with our default build, the others with our comparable one."""
    items = corpus(size)
    results: dict[str, dict[str, Measure]] = {}
    hugo = shutil.which("hugo")
    if hugo:
        variants = [(True, False), (False, False)] + ([(True, True)] if pagefind_command(WORK) else [])
        for related, search in variants:
            name = f"Hugo{' with related' if related else ' without related'}{' + Pagefind' if search else ''}"
            project = make_hugo(size, items, related)
            article = sorted((project / "content/posts").iterdir())[size // 2]
            original = article.read_bytes()
            measures = {"cold": Measure(), "edit article": Measure()}
            index = pagefind_command(project / "public") if search else None

            def build() -> tuple[float, int, str]:
                built = run_timed([hugo, "--quiet"], project)
                return then(built, run_timed(index, project)) if index else built

            for run in range(runs):
                set_aside(project / "public")
                set_aside(project / "resources")
                record_peer(measures["cold"], build())
                article.write_bytes(original + f"\nA late paragraph, edit {run}.\n".encode())
                record_peer(measures["edit article"], build())
                article.write_bytes(original)
            count_pages(measures, project / "public")
            results[name] = measures
    ours_output = make_site(size, "default") / "public"
    alone = pagefind_command(ours_output)
    if alone and ours_output.is_dir():  # our default build's output, as the default benchmark left it
        measures = {"cold": Measure()}
        for _ in range(runs):
            set_aside(ours_output / "pagefind")
            record_peer(measures["cold"], run_timed(alone, ours_output))
        count_pages(measures, ours_output)
        results["Pagefind alone, on our output"] = measures
    pelican = shutil.which("pelican")
    if pelican:
        for cache in (False, True):
            name = f"Pelican{' with its cache' if cache else ''}"
            project = make_pelican(size, items, cache)
            article = sorted((project / "content").iterdir())[size // 2]
            original = article.read_bytes()
            measures = {"cold": Measure(), "edit article": Measure()}
            command = [pelican, "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
            for run in range(runs):
                set_aside(project / "output")
                set_aside(project / "cache")
                record_peer(measures["cold"], run_timed(command, project))
                article.write_bytes(original + f"\nA late paragraph, edit {run}.\n".encode())
                record_peer(measures["edit article"], run_timed(command, project))
                article.write_bytes(original)
            count_pages(measures, project / "output")
            results[name] = measures
    return results


def record_peer(measure: Measure, result: tuple[float, int, str]) -> None:
    measure.seconds.append(result[0])
    measure.peak_kb.append(result[1])


def count_pages(measures: dict[str, Measure], output: Path) -> None:
    pages = sum(1 for _ in output.rglob("*.html")) if output.is_dir() else 0
    for measure in measures.values():
        measure.pages = pages


# --- the table -----------------------------------------------------------------------------------

def picture_row(size: int, profile: str, pictured: dict[str, Measure], plain: dict[str, Measure]) -> tuple[str, ...]:
    """Cold: CPU and images (and cards) processed per CPU-second, i.e. per core; a text edit's CPU
    with pictures and without (the issue's target: at most 10% more), and the cold build's peak."""
    cold, edit, bare = pictured["cold"], pictured["edit article"], plain["edit article"]
    rate = (cold.images or 0) / cold.median_cpu if cold.median_cpu else float("nan")
    return (f"{size:,}", profile, f"{cold.median_cpu:.1f} s", _count(cold.images), f"{rate:.2f}",
            f"{edit.median_cpu:.2f} s (min {min(edit.cpu):.2f})", f"{bare.median_cpu:.2f} s (min {min(bare.cpu):.2f})",
            f"{edit.median_cpu / bare.median_cpu:.2f}×", f"{max(cold.peak_kb) / 1024:.0f} MB")


def fmt_seconds(value: float) -> str:
    return f"{value:.2f} s" if value == value else "—"


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global WORK
    parser = argparse.ArgumentParser(description="Benchmark ballerina-site builds (and peers with --peers).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="articles per site")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is shown")
    parser.add_argument("--jobs", type=int, help="pass --jobs to our build")
    parser.add_argument("--peers", action="store_true",
                        help="also build the corpus with Hugo (+ Pagefind) and Pelican, and run Pagefind alone")
    parser.add_argument("--peer-runs", type=int, help="runs per peer figure (default: --runs)")
    parser.add_argument("--profiles", nargs="+", default=["default", "comparable"],
                        choices=list(PROFILES))
    parser.add_argument("--images", action="store_true",
                        help="also build each profile's site with a 3000x2000 JPEG lead image per article, and "
                             "compare (cold CPU, images per second per core, text edit CPU, peak memory)")
    parser.add_argument("--work", type=Path, default=WORK, help=f"where sites and outputs go (default {WORK})")
    parser.add_argument("--settle", type=float, default=SETTLE_SECONDS, metavar="SECONDS",
                        help="wait this long after an earlier run deleted its outputs (default %(default)s)")
    parser.add_argument("--keep-set-aside", action="store_true",
                        help="delete nothing, before or after (several runs in a row, or another tool's "
                             "benchmark next, without waiting to settle in between)")
    args = parser.parse_args(argv)
    WORK = args.work.absolute()
    WORK.mkdir(parents=True, exist_ok=True)
    compile_once()
    if not args.keep_set_aside:
        drop_set_aside()  # left by an interrupted run
        settle(args.settle)
    try:
        return _measure_and_print(args)
    finally:
        if not args.keep_set_aside:
            drop_set_aside()


def _measure_and_print(args: argparse.Namespace) -> int:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# ballerina-site benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"median of {args.runs} runs, load average {load:.1f} at start", flush=True)
    rows: dict[str, list[tuple[str, ...]]] = {profile: [] for profile in args.profiles}
    picture_rows: list[tuple[str, ...]] = []
    peer_rows = []
    views: list[str] = []
    for size in args.sizes:
        ours_results = {}
        for profile in args.profiles:
            started = time.perf_counter()
            edits = 3 if args.images else 1
            ours_results[profile] = bench_ours(size, profile, args.runs, args.jobs, edits=edits)
            print(f"  measured {size} articles, {profile}: {time.perf_counter() - started:.0f} s", file=sys.stderr,
                  flush=True)
            variants = [(profile, ours_results[profile])]
            if args.images:
                started = time.perf_counter()
                pictured = bench_ours(size, profile, args.runs, args.jobs, images=True, edits=edits)
                print(f"  measured {size} articles with pictures, {profile}: {time.perf_counter() - started:.0f} s",
                      file=sys.stderr, flush=True)
                variants.append((f"{profile} + images", pictured))
                picture_rows.append(picture_row(size, profile, pictured, ours_results[profile]))
            for label, results in variants:
                for scenario, m in results.items():
                    rows[profile].append((f"{size:,}", label + (f" ({m.note})" if m.note else ""), scenario,
                                          fmt_seconds(m.median), f"{min(m.seconds):.2f}–{max(m.seconds):.2f}",
                                          f"{max(m.peak_kb) / 1024:.0f} MB", f"{m.pages:,}", _count(m.cached),
                                          "all" if m.written is None else f"{m.written:,}",
                                          f"{m.pages / m.median:,.0f}" if m.median == m.median and m.median else "—"))
        if "default" in ours_results:  # its output is still there, precompressed copies included
            views.append(f"{size:,} articles: " + first_view(WORK / f"ours-default-{size}" / "public").line())
            views.append(f"{size:,} articles: " + packing_line(ours_results["default"]))
        if args.peers:
            started = time.perf_counter()
            peers = bench_peers(size, args.peer_runs or args.runs)
            print(f"  measured peers at {size} articles: {time.perf_counter() - started:.0f} s", file=sys.stderr,
                  flush=True)
            for name, measures in peers.items():
                profile = "default" if name.endswith("Pagefind") or "Pagefind" in name else "comparable"
                baseline = ours_results.get(profile) or next(iter(ours_results.values()))
                for scenario, m in measures.items():
                    mine = baseline[scenario].median
                    peer_rows.append((f"{size:,}", name, scenario, fmt_seconds(m.median),
                                      f"{max(m.peak_kb) / 1024:.0f} MB", f"{m.pages:,}",
                                      f"{fmt_seconds(mine)} ({profile})", f"{mine / m.median:.2f}×"))
    for profile, found in rows.items():
        print()
        print(f"## {profile}" + HEADINGS[profile])
        print(table(found, ("articles", "config", "scenario", "median", "range", "peak memory", "pages",
                            "articles from cache", "files written", "pages/s")))
    if picture_rows:
        print()
        print("## pictures (--images: a 3000x2000 JPEG lead image per article; CPU = user + system seconds, "
              "all processes; medians)")
        print(table(picture_rows, ("articles", "config", "cold CPU", "images processed", "images/s per core",
                                   "edit article CPU, pictures", "without", "pictures / without",
                                   "peak memory cold")))
    if views:
        print()
        print("\n".join(views))
    if peer_rows:
        print()
        print(table(peer_rows, ("articles", "peer", "scenario", "peer median", "peer peak", "peer pages",
                                "ours", "ours / peer")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
