"""Faults lose nothing: a build killed at any moment, a failing disk, a read-only folder or a second
build at the same time leave the previous output complete and byte-identical."""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SRC, article, run_cli, write_site
from terminal import TerminalBuild

ENV = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONDONTWRITEBYTECODE": "1", "SOURCE_DATE_EPOCH": "1767225600"}


def snapshot(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def big_site(root: Path, count: int = 300, word: str = "before") -> Path:
    articles = {f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}-story-{i}.md":
                article(f"Story {i} {word}", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                        body=f"Paragraph {word} " * 40, tags=f"[Tag {i % 37}, Ballerina, Word {word}]")
                for i in range(count)}
    # search off: Pagefind's index files differ from build to build (upstream), and what is tested
    # here is that the output is always one whole build, compared byte for byte
    return write_site(root, articles, "title: Test News\nbase_url: https://news.example/\n"
                                      "author: {name: Desk}\nsearch: false\n")


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".public.") and True)


def popen_build(site: Path, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ballerina_site", "build", "--source", str(site)], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A built site (the 'previous' output), its edited content, and what a finished rebuild makes."""
    base = tmp_path_factory.mktemp("faults")
    expected = big_site(base / "expected", word="after")
    assert run_cli("build", "--source", str(expected), env=ENV).returncode == 0
    site = big_site(base / "site", word="before")
    assert run_cli("build", "--source", str(site), env=ENV).returncode == 0
    before = snapshot(site / "public")
    big_site(site, word="after")  # edit every article: a finished build would change every page
    return site, before, snapshot(expected / "public")


def test_sigkill_at_random_moments_never_damages_the_output(sites: tuple[Path, dict[str, str], dict[str, str]],
                                                          tmp_path: Path) -> None:
    """Killed at a random point of parsing or rendering (the swap comes after the last page is
    rendered, so a kill at 100% may land before it, during it or after it)."""
    site, before, after = sites
    shutil.copytree(site / "public", tmp_path / "previous")
    rng = random.Random(7)
    outcomes = []
    for _ in range(12):
        stage, percent = rng.choice(["parsing", "rendering"]), rng.choice([0, 10, 50, 90, 100])
        build = TerminalBuild(site)
        assert build.reach(stage, percent)  # every build gets there: every article was edited
        build.process.kill()
        code, _ = build.finish()
        assert code in (0, -signal.SIGKILL)
        now = snapshot(site / "public")
        if stage == "parsing":  # long before the swap
            assert now == before
        outcomes.append(now == before)
        if now != before:  # the swap happened before the kill: then the new output is there, whole
            assert now == after
            shutil.rmtree(site / "public")
            shutil.copytree(tmp_path / "previous", site / "public")  # start again from the old output
    assert any(outcomes)
    result = run_cli("build", "--source", str(site), env=ENV)
    assert result.returncode == 0
    assert snapshot(site / "public") == after
    assert leftovers(site) == []  # temp folders of killed builds are cleaned up by the next build


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_cleanly(signum: int, tmp_path: Path) -> None:
    # enough pages that the build is still rendering when the signal lands, even on a loaded machine
    # (a build that has finished restores the default handler, and the signal would then kill it)
    site = big_site(tmp_path / "site", count=600)
    assert run_cli("build", "--source", str(site), env=ENV).returncode == 0
    before = snapshot(site / "public")
    big_site(site, count=600, word="after")
    build = TerminalBuild(site)
    assert build.reach("rendering", 0)
    build.process.send_signal(signum)
    code, err = build.finish()
    assert code == 130, err
    assert err.strip().splitlines()[-1].endswith("interrupted; the previous output is unchanged")
    assert "Traceback" not in err
    assert snapshot(site / "public") == before
    assert leftovers(site) == []


def test_a_second_build_at_the_same_time_is_refused_with_a_message(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"a.md": article("A")})
    assert run_cli("build", "--source", str(site)).returncode == 0
    before = snapshot(site / "public")
    [lock_file] = (site / ".ballerina-cache").glob("lock-*")  # the output's lock lives in the store
    with open(lock_file, "a+") as lock:  # what a running build holds
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.seek(0)
        lock.truncate()
        lock.write("4242")
        lock.flush()
        result = run_cli("build", "--source", str(site))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: another build is writing {site / 'public'} right now (process 4242); "
                                     "wait for it to finish, then build again")
    assert snapshot(site / "public") == before


def test_two_real_builds_at_once_leave_one_whole_output(tmp_path: Path) -> None:
    site = big_site(tmp_path / "site", count=120)
    expected = big_site(tmp_path / "expected", count=120)
    assert run_cli("build", "--source", str(expected), env=ENV).returncode == 0
    first, second = popen_build(site), popen_build(site)
    results = [first.communicate(timeout=120), second.communicate(timeout=120)]
    codes = sorted((first.returncode, second.returncode))
    assert codes[0] == 0 and codes[1] in (0, 1)
    if codes[1] == 1:
        assert any("another build is writing" in err for _, err in results)
    assert snapshot(site / "public") == snapshot(expected / "public")
    assert leftovers(site) == []


@pytest.mark.parametrize("count", [30, 150])  # pages written by this process; by the rendering workers
def test_a_failing_disk_keeps_the_previous_output(count: int, tmp_path: Path) -> None:
    """A write that fails half-way (here: a file-size limit, as a full disk would) changes nothing."""
    site = big_site(tmp_path / "site", count=count)
    assert run_cli("build", "--source", str(site), env=ENV).returncode == 0
    before = snapshot(site / "public")
    big_site(site, count=count, word="after")

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    result = subprocess.run([sys.executable, "-m", "ballerina_site", "build", "--source", str(site)], env=ENV,
                            capture_output=True, text=True, preexec_fn=limit, timeout=120)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.startswith("error: cannot write the output (")
    assert "File too large" in message
    assert message.endswith(f"the previous output in {site / 'public'} is unchanged")
    assert snapshot(site / "public") == before
    assert leftovers(site) == []


def test_a_read_only_folder_keeps_the_previous_output(tmp_path: Path) -> None:
    """The folder the output lives in is read-only: `chmod` for a normal user, `chattr +i` for root
    (root ignores permission bits, not the immutable flag)."""
    site = write_site(tmp_path / "site", {"a.md": article("A")})
    assert run_cli("build", "--source", str(site), env=ENV).returncode == 0
    before = snapshot(site / "public")
    (site / "content" / "a.md").write_text(article("Changed"), encoding="utf-8")
    as_root = os.geteuid() == 0
    if as_root:
        made = subprocess.run(["chattr", "+i", str(site)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"root without CAP_LINUX_IMMUTABLE cannot make a read-only folder: {made.stderr}")
    else:
        os.chmod(site, 0o555)
    try:
        result = run_cli("build", "--source", str(site), env=ENV)
    finally:
        if as_root:
            subprocess.run(["chattr", "-i", str(site)], check=True)
        else:
            os.chmod(site, 0o755)
    assert result.returncode == 1
    message = result.stderr.strip()
    reason = "Operation not permitted" if as_root else "Permission denied"
    assert message.startswith(f"error: cannot write the output ({site / '.public.building-'}")
    assert message.endswith(f": {reason}); the previous output in {site / 'public'} is unchanged")
    assert snapshot(site / "public") == before


def test_leftovers_of_an_interrupted_swap_are_recovered(tmp_path: Path) -> None:
    """Where the swap is two renames, a kill between them leaves the output aside: the next build puts
    it back before anything else, and drops stale temp folders."""
    from ballerina_site.output.lock import recover

    output = tmp_path / "public"
    (tmp_path / ".public.previous-99").mkdir()
    (tmp_path / ".public.previous-99" / "index.html").write_text("old")
    (tmp_path / ".public.building-98").mkdir()
    recover(output)
    assert (output / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


@pytest.mark.parametrize("output", [".", "content", "content/sub", "static", ".."])
def test_output_folder_may_not_hold_the_site(output: str, tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"a.md": article("A")}, extra={"static/keep.txt": "keep"})
    result = run_cli("build", "--source", str(site), "--output", str(site / output))
    assert result.returncode == 1
    reason = {".": "it is the site folder", "..": "it contains the site folder"}.get(
        output, "it is inside content/, templates/ or static/")
    assert result.stderr.splitlines()[0] == (
        f"{site / output}: refusing to use this folder as the output: {reason}, and a build replaces the output "
        "folder entirely (choose a new folder such as public/)")
    assert (site / "content" / "a.md").is_file() and (site / "static" / "keep.txt").read_text() == "keep"
