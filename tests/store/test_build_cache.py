"""The build cache and parallel Markdown give the bytes a clean, serial, cache-less build gives;
a damaged cache is ignored; the CLI switches (--jobs, --no-cache, --quiet) and the progress counter."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup



from ballerina_site.pipeline import parsing
from ballerina_site.pipeline.build import BuildOptions, build
from ballerina_site.store.store import FOLDER as CACHE_DIR

from conftest import SRC, article, run_cli, write_site

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
CONFIG = ("title: Test News\nbase_url: https://news.example/\ntimezone: UTC\npage_size: 2\nsearch: false\n"
          "author: {name: Test Desk}\nimage: https://news.example/share.png\n")
TAGS = ["Ballerina", "John Wick", "Amélie", "Bong Joon-ho", "box office"]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_site(root: Path, count: int = 12, config: str = CONFIG) -> Path:
    articles = {
        f"a{i:02d}.md": article(f"Story {i}", f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}T1{i % 10}:30:00-04:00",
                                f"Body of story {i}, with <mark>raw HTML</mark>.\n\n## Part\n\n- one\n- two\n\n"
                                f"> A quote {i}.\n",
                                tags="[" + ", ".join(f'"{t}"' for t in TAGS[i % 3: i % 3 + 2]) + "]",
                                category="Movies" if i % 2 else "Trailers")
        for i in range(count)}
    articles["zone.md"] = article("Zoned", "2025-03-04 10:00 Europe/Paris", "Words.", updated="2025-03-05",
                                  publish_date="2025-03-04T09:00:00Z", aliases="[/old/zoned/]",
                                  mood="calm")  # an extra key, a zone name, an alias
    articles["warn.md"] = article("Warned", "2025-02-02", "Text.", titel="typo")  # a warning to replay
    return write_site(root, articles, config)


def clean_build(site: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    build(BuildOptions(root=site, output=out, now=NOW, cache=False, jobs=1, record_urls=False))
    return tree(out)


def cached_build(site: Path, out: Path, jobs: int = 1):
    shutil.rmtree(out, ignore_errors=True)
    return build(BuildOptions(root=site, output=out, now=NOW, cache=True, jobs=jobs, record_urls=False))


def test_cache_and_workers_give_the_clean_bytes(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    clean = clean_build(site, tmp_path / "clean")
    assert "a00.md" not in str(clean) and any(p.startswith("2025/") for p in clean)

    monkeypatch.setattr(parsing, "POOL_THRESHOLD", 1)  # the pool even for a small site
    cold = cached_build(site, tmp_path / "cold", jobs=2)
    assert cold.summary.parsed == 14 and cold.summary.cached == 0
    assert tree(tmp_path / "cold") == clean
    assert any((site / CACHE_DIR).glob("articles-*"))

    warm = cached_build(site, tmp_path / "warm")
    assert warm.summary.parsed == 0 and warm.summary.cached == 14
    assert tree(tmp_path / "warm") == clean
    assert [str(w) for w in warm.warnings] == [str(w) for w in cold.warnings]  # warnings replayed
    assert any("titel" in str(w) for w in warm.warnings)

    (site / "content" / "a03.md").write_text(article("Story three, retold", "2025-01-04", "New *words*."),
                                              encoding="utf-8")
    edited = cached_build(site, tmp_path / "edited", jobs=2)
    assert edited.summary.parsed == 1 and edited.summary.cached == 13
    assert tree(tmp_path / "edited") == clean_build(site, tmp_path / "clean2")
    page = BeautifulSoup((tmp_path / "edited/2025/01/04/a03/index.html").read_text(), "html.parser")
    assert page.find("h1").get_text() == "Story three, retold" and page.find("em").get_text() == "words"


@pytest.mark.parametrize("setting, check", [
    ("markdown: {unsafe_html: false}\n", lambda html: "&lt;mark&gt;" in html and "<mark>" not in html),
    ("timezone: Asia/Tokyo\n", lambda html: 'datetime="2025-02-01T15:00:00+00:00"' not in html
     and "2025-02-02T00:00:00+09:00" in html),  # a plain day is midnight in the site's zone
    ("words_per_minute: 1\n", lambda html: re.search(r"\b[1-9]\d min read", html)),  # 10+ words
    ("author: {name: Night Desk}\n", lambda html: "Night Desk" in html),
])
def test_a_parse_setting_change_misses_the_cache(tmp_path, setting, check):
    site = make_site(tmp_path / "site")
    first = cached_build(site, tmp_path / "first")
    assert first.summary.parsed == 14
    key = setting.split(":")[0]
    config = "".join(line + "\n" for line in CONFIG.splitlines() if not line.startswith(key + ":")) + setting
    (site / "site.yaml").write_text(config, encoding="utf-8")
    second = cached_build(site, tmp_path / "second")
    assert second.summary.cached == 0 and second.summary.parsed == 14
    assert tree(tmp_path / "second") == clean_build(site, tmp_path / "clean")
    assert tree(tmp_path / "second") != tree(tmp_path / "first")
    html = "".join((tmp_path / "second" / page).read_text(encoding="utf-8")
                   for page in ("2025/01/01/a00/index.html", "2025/02/02/warn/index.html"))  # same day in every zone tried
    assert check(html)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "foreign", "empty", "folder"])
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, damage):
    site = make_site(tmp_path / "site")
    clean = clean_build(site, tmp_path / "clean")
    cached_build(site, tmp_path / "first")
    shards = sorted((site / CACHE_DIR).glob("articles-*"))
    assert shards
    for path in shards:
        data = path.read_bytes()
        if damage == "flip":
            at = len(data) - min(100, len(data) // 2)
            path.write_bytes(data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:])
        elif damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "garbage":
            path.write_bytes(os.urandom(4000))
        elif damage == "foreign":
            head = data.index(b"\n", len(b"BALLERINA-STORE\n")) + 1  # another version's key, same payload
            path.write_bytes(b"BALLERINA-STORE\n" + path.name.encode() + b" 2 0123456789abcdef01234567\n" + data[head:])
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.unlink()
            path.mkdir()
    report = cached_build(site, tmp_path / "second")
    assert report.summary.cached == 0 and report.summary.parsed == 14
    assert tree(tmp_path / "second") == clean
    if damage != "folder":
        third = cached_build(site, tmp_path / "third")  # the rebuilt cache is trusted again
        assert third.summary.cached == 14
        assert tree(tmp_path / "third") == clean


def test_cli_jobs_no_cache_and_summary(tmp_path):
    site = make_site(tmp_path / "site")
    env = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    first = run_cli("build", "--source", str(site), "--no-cache", "--jobs", "1", env=env)
    assert first.returncode == 0, first.stderr
    kept = {p.name for p in (site / CACHE_DIR).iterdir()}  # nothing but the build lock (and its .gitignore)
    assert {name for name in kept if not name.startswith("lock-")} == {".gitignore"} and len(kept) == 2
    clean = tree(site / "public")

    second = run_cli("build", "--source", str(site), "-j", "2", "--quiet", env=env)
    assert second.returncode == 0, second.stderr
    assert "from the build cache" not in second.stdout and (site / CACHE_DIR).is_dir()
    third = run_cli("build", "--source", str(site), env=env)
    assert third.returncode == 0, third.stderr
    assert "14 of 14 articles from the build cache" in third.stdout
    assert "titel" in third.stderr  # the warning is printed from the cache too
    assert tree(site / "public") == clean
    assert "\r" not in third.stderr  # no progress counter when stderr is not a terminal

    for bad in ("0", "many"):
        result = run_cli("build", "--source", str(site), "--jobs", bad)
        assert result.returncode == 2 and "--jobs" in result.stderr and "Traceback" not in result.stderr


def _stderr_in_a_pty(site: Path, *extra: str) -> str:
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "BALLERINA_PROGRESS_AFTER": "0"}
    process = subprocess.Popen([sys.executable, "-m", "ballerina_site", "build", "--source", str(site),
                                "--no-cache", *extra], stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_counter_in_a_terminal_and_quiet(tmp_path):
    site = make_site(tmp_path / "site")
    shown = _stderr_in_a_pty(site)
    assert "parsing 14/14 (100%)" in shown
    quiet = _stderr_in_a_pty(site, "--quiet")
    assert "parsing" not in quiet


@pytest.fixture
def build_cli():
    """``ballerina-site build`` as a user runs it."""
    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=env)
    return run


def states(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of an output but its marker (which the summary's counts leave out)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and p.name != ".ballerina-output"}


def test_unchanged_files_are_not_rewritten(tmp_path, build_cli):
    site = make_site(tmp_path / "site")
    env = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    assert build_cli("build", "--source", str(site), env=env).returncode == 0
    out = site / "public"
    first = states(out)
    again = build_cli("build", "--source", str(site), env=env)
    assert again.returncode == 0, again.stderr
    assert f"0 files written, {len(first)} unchanged kept" in again.stdout
    assert re.search(r"\b[1-9]\d* rendered, \d+ reused unrendered", again.stdout)  # sitemaps: always made
    assert states(out) == first  # same inodes, same mtimes

    path = site / "content" / "a03.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA late paragraph.\n", encoding="utf-8")
    edited = build_cli("build", "--source", str(site), env=env)
    assert edited.returncode == 0, edited.stderr
    now = states(out)
    page = "2025/01/04/a03/index.html"
    assert now[page] != first[page] and "A late paragraph." in (out / page).read_text(encoding="utf-8")
    assert now["assets/style.css"] == first["assets/style.css"]
    kept = [name for name in now if now[name] == first.get(name)]
    assert len(kept) > len(now) // 2
    assert tree(out) == clean_build(site, tmp_path / "clean")

    (site / "content" / "a05.md").unlink()
    deleted = build_cli("build", "--source", str(site), env=env)
    assert deleted.returncode == 0, deleted.stderr
    assert "2025/01/06/a05/index.html" in first and not (out / "2025/01/06/a05/index.html").exists()
    assert tree(out) == clean_build(site, tmp_path / "clean2")


def test_files_behind_a_symlink_in_the_old_output_are_not_reused(tmp_path, build_cli):
    site = make_site(tmp_path / "site")
    env = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    assert build_cli("build", "--source", str(site), env=env).returncode == 0
    out = site / "public"
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(out / "2025", outside / "2025")
    (out / "2025").symlink_to(outside / "2025", target_is_directory=True)
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(outside / "2025/01/04/a03/index.html")
    before = states(outside)
    result = build_cli("build", "--source", str(site), env=env)
    assert result.returncode == 0, result.stderr
    assert not (out / "2025").is_symlink() and not (out / "index.html").is_symlink()
    inside = {state[0] for state in states(out).values()}
    assert not inside & {state[0] for state in states(outside).values()}
    assert states(outside) == before
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_parallel_rendering_gives_the_same_bytes_and_the_same_problems(tmp_path, monkeypatch):
    from ballerina_site.render import environment as render
    from ballerina_site.core.errors import SiteError

    site = make_site(tmp_path / "site")
    clean = clean_build(site, tmp_path / "clean")
    monkeypatch.setattr(render, "RENDER_POOL_THRESHOLD", 1)
    monkeypatch.setattr(parsing, "POOL_THRESHOLD", 1)
    build(BuildOptions(root=site, output=tmp_path / "parallel", now=NOW, jobs=2, record_urls=False))
    assert tree(tmp_path / "parallel") == clean

    broken = site / "templates" / "partials"
    broken.mkdir(parents=True)
    theme = render.THEME_DIR / "templates" / "partials" / "card.html"
    (broken / "card.html").write_text("{{ item.no_such_field.x }}\n" + theme.read_text(encoding="utf-8"),
                                      encoding="utf-8")
    messages = []
    for jobs in (1, 2):
        with pytest.raises(SiteError) as caught:
            build(BuildOptions(root=site, output=tmp_path / "parallel", now=NOW, jobs=jobs, record_urls=False))
        messages.append([str(problem) for problem in caught.value.problems])
    assert messages[0] == messages[1]
    assert any("templates/partials/card.html:1" in m and "no_such_field" in m for m in messages[0])
    assert tree(tmp_path / "parallel") == clean  # the failed builds left the output as it was


def test_parallel_rendering_hands_each_page_its_own_bytes(tmp_path, monkeypatch):
    """Workers render the one-of-a-kind pages first: the results still go to the right pages."""
    from ballerina_site.render import environment as render
    site = make_site(tmp_path / "site")
    monkeypatch.setattr(render, "RENDER_POOL_THRESHOLD", 1)
    rendered = []
    for jobs in (1, 2):
        build(BuildOptions(root=site, output=tmp_path / f"out{jobs}", now=NOW, jobs=jobs, record_urls=False))
        rendered.append(tree(tmp_path / f"out{jobs}"))
    assert rendered[0] == rendered[1]
    assert b"<title>Archive" in rendered[1]["archive/index.html"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_first_build_fingerprints_pages_where_it_renders_them(tmp_path, monkeypatch, jobs):
    """With nothing to keep, the first build fingerprints each page in the process that renders it:
    the next build keeps every page whose inputs did not change, whichever process it was."""
    from ballerina_site.render import environment as render
    monkeypatch.setattr(render, "RENDER_POOL_THRESHOLD", 1)
    site = make_site(tmp_path / "site")
    options = BuildOptions(root=site, output=tmp_path / "out", now=NOW, cache=True, jobs=jobs, record_urls=False)
    first = build(options)
    assert first.summary.reused == 0
    path = site / "content" / "a03.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA late paragraph.\n", encoding="utf-8")
    edited = build(options)
    assert edited.pages - edited.summary.reused < 20 < edited.pages  # the page, its Keep Reading neighbours, feeds
    assert tree(tmp_path / "out") == clean_build(site, tmp_path / "clean")


@pytest.mark.parametrize("jobs", [1, 2])
def test_touched_files_are_read_but_not_converted_again(tmp_path, monkeypatch, jobs):
    """A checkout or a sync tool gives every file a new mtime: each is read (here or by a worker)
    and, its bytes being the same, taken from the build cache; a file really changed is converted."""
    monkeypatch.setattr(parsing, "POOL_THRESHOLD", 1)
    site = make_site(tmp_path / "site")
    options = BuildOptions(root=site, output=tmp_path / "out", now=NOW, cache=True, jobs=jobs, record_urls=False)
    build(options)
    files = sorted((site / "content").glob("*.md"))
    for path in files:
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    files[3].write_text(files[3].read_text(encoding="utf-8") + "\nA late paragraph.\n", encoding="utf-8")
    report = build(options)
    assert (report.summary.parsed, report.summary.cached) == (1, len(files) - 1)
    assert tree(tmp_path / "out") == clean_build(site, tmp_path / "clean")


def test_a_template_fault_found_while_pages_are_staged_keeps_the_output_and_the_spare(tmp_path, monkeypatch):
    """Workers write pages into the staging folder as they render them: a fault found half-way must
    still leave the live output as it was, no staging folder behind, and the next build whole."""
    from ballerina_site.render import environment as render
    from ballerina_site.core.errors import SiteError

    monkeypatch.setattr(render, "RENDER_POOL_THRESHOLD", 1)
    site = make_site(tmp_path / "site")
    out = tmp_path / "out"
    options = BuildOptions(root=site, output=out, now=NOW, cache=True, jobs=2, record_urls=False)
    build(options)
    (site / "content" / "a01.md").write_text(article("Story 1 again", "2025-01-02"), encoding="utf-8")
    build(options)  # now the output before last waits as the spare tree
    published = tree(out)
    spares = list((site / CACHE_DIR).glob("spare-*"))
    assert len(spares) == 1
    broken = site / "templates" / "partials"
    broken.mkdir(parents=True)
    theme = render.THEME_DIR / "templates" / "partials" / "card.html"
    (broken / "card.html").write_text("{{ item.no_such_field.x }}\n" + theme.read_text(encoding="utf-8"),
                                      encoding="utf-8")
    (site / "content" / "a02.md").write_text(article("Story 2 again", "2025-01-03"), encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        build(options)
    assert any("no_such_field" in str(problem) for problem in caught.value.problems)
    assert tree(out) == published
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
    assert spares[0].is_dir()  # the staging folder went back to being the spare
    shutil.rmtree(broken)
    build(options)
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_the_spare_tree_never_changes_a_published_file_in_place(tmp_path, build_cli):
    """Builds start from the output before last (kept in the cache folder), whose unchanged files are
    hard links to the live ones: a changed page must be a new file, never a write into the old one;
    pages of deleted articles go; a symlink planted in the spare tree leads nowhere."""
    site = make_site(tmp_path / "site")
    env = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    out = site / "public"
    for _ in range(2):
        assert build_cli("build", "--source", str(site), env=env).returncode == 0
        (site / "content" / "a01.md").write_bytes((site / "content" / "a01.md").read_bytes())  # a save
    spares = list((site / CACHE_DIR).glob("spare-*"))
    assert len(spares) == 1 and (spares[0] / "index.html").is_file()
    page = out / "2025/01/04/a03/index.html"
    published = page.read_bytes()
    with open(page, "rb") as reader:  # a deploy tool reading the live file during the next build
        path = site / "content" / "a03.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nA late paragraph.\n", encoding="utf-8")
        (site / "content" / "a05.md").unlink()
        outside = tmp_path / "outside"
        outside.mkdir()
        (spares[0] / "tags").rename(tmp_path / "moved")
        (spares[0] / "tags").symlink_to(outside, target_is_directory=True)
        result = build_cli("build", "--source", str(site), env=env)
        assert result.returncode == 0, result.stderr
        assert reader.read() == published
    assert b"A late paragraph." in page.read_bytes()
    assert not (out / "2025/01/06/a05").exists()
    assert list(outside.iterdir()) == []
    assert tree(out) == clean_build(site, tmp_path / "clean")


def test_a_site_whose_store_is_gone_keeps_its_unchanged_files(tmp_path, monkeypatch):
    """No store and no spare tree, but the output is there: every unchanged file is kept."""
    from ballerina_site.render import environment as render
    site = make_site(tmp_path / "site")
    build(BuildOptions(root=site, now=NOW, cache=True, jobs=2, record_urls=False))
    before = states(site / "public")
    clean = clean_build(site, tmp_path / "clean")
    shutil.rmtree(site / CACHE_DIR)
    monkeypatch.setattr(render, "RENDER_POOL_THRESHOLD", 1)
    report = build(BuildOptions(root=site, now=NOW, cache=True, jobs=2, record_urls=False))
    assert tree(site / "public") == clean
    assert report.summary.kept == len(before)  # the same clock: build-info.json is the same too
    assert states(site / "public") == before
