"""The golden sites: build one exactly as a user would, and compare it with its checked-in result.

Shared by ``tests/pipeline/test_golden.py`` and ``scripts/regen-golden.py`` (which rewrites
``tests/golden/expected/``), so the test and the regeneration can never build differently.
Plain standard library: no pytest, so the script runs without it.
"""

from __future__ import annotations

import difflib
import gzip
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import brotli

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SRC = REPO / "src"
GOLDEN = TESTS / "golden"
EXPECTED = GOLDEN / "expected"

# 2025-06-03T12:00:00Z: every article of both sites is a few days old (so the news sitemap lists
# them), and the fixture site still has a scheduled article, a future one and an expired one.
SOURCE_DATE_EPOCH = "1748952000"
# Where each site's inputs come from: the repository's own default site, and a small fixture site.
SITES: dict[str, tuple[Path, tuple[str, ...]]] = {
    "default": (REPO, ("content", "templates", "static", "site.yaml", "tags.yaml", "urls.lock")),
    "newsroom": (GOLDEN / "newsroom", ("content", "templates", "static", "site.yaml", "tags.yaml",
                                       "authors.yaml", "urls.lock")),
}
# What a result holds besides the output folder: the record of URLs the build updates, and what it printed.
LOCK = "urls.lock"
LOG = "build.log"
OUTPUT = "public"
DIFF_LINES = 60
SHOWN_FILES = 5


class GoldenBuildFailed(Exception):
    """The build of a golden site exited with a non-zero status."""


def copy_inputs(name: str, target: Path) -> Path:
    """Copy the inputs of site ``name`` into ``target``, so that a build writes there, never into the
    checkout (a build writes its cache, lock and urls.lock beside its sources)."""
    source, entries = SITES[name]
    target.mkdir(parents=True, exist_ok=True)
    for entry in entries:
        if (source / entry).is_dir():
            shutil.copytree(source / entry, target / entry)
        elif (source / entry).is_file():
            shutil.copy2(source / entry, target / entry)
    return target


def copy_default_site(target: Path) -> Path:
    """A copy of the repository's own site (content/, templates/, static/, site.yaml, tags.yaml,
    urls.lock) in ``target``: what every test that builds the default site builds."""
    return copy_inputs("default", target)


def build(name: str, workdir: Path, *options: str) -> Path:
    """Build site ``name`` in ``workdir`` with the fixed clock and search off; return the site folder.

    Search is off because Pagefind's index is not byte-reproducible. The build runs as a real
    ``python -m ballerina_site`` process, with this checkout's ``src`` first on the path.
    """
    site = copy_inputs(name, workdir / name)
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
           "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", "ballerina_site", "build", "--no-search", "--source", str(site),
                           *options], env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise GoldenBuildFailed(f"building the golden site {name!r} exited with {done.returncode}:\n"
                                f"{done.stderr}{done.stdout}")
    (site / LOG).write_text(normalize_log(done.stderr + done.stdout, site), encoding="utf-8")
    return site


def normalize_log(text: str, site: Path) -> str:
    """What the build printed, without what differs from machine to machine: the temp folder, timings."""
    text = text.replace(str(site), "<site>")
    text = re.sub(r"build-info-[0-9a-f]{16}\.json", "build-info-<output>.json", text)  # named by the output's path
    return re.sub(r"\bin \d+(?:\.\d+)? ?m?s\b", "in <time>", text)


def result_files(site: Path) -> dict[str, bytes]:
    """Every file of a build's result by its path: the output folder, ``urls.lock`` and the log.

    Nothing is left out: the output holds no absolute path and no timing (the log's are normalized),
    and a build with a fixed SOURCE_DATE_EPOCH gives the same bytes on every run. A precompressed
    copy (``x.br``, ``x.gz``) stands as a line saying it decompresses to ``x``: its bytes depend on
    the Brotli and zlib versions installed, its being there and right does not.
    """
    files = {f"{OUTPUT}/{path.relative_to(site / OUTPUT).as_posix()}": _copy_or_bytes(path)
             for path in sorted((site / OUTPUT).rglob("*")) if path.is_file()}
    for name in (LOCK, LOG):
        if (site / name).is_file():
            files[name] = (site / name).read_bytes()
    return files


def _copy_or_bytes(path: Path) -> bytes:
    unpack = {".br": brotli.decompress, ".gz": gzip.decompress}.get(path.suffix)
    original = path.with_suffix("")
    if unpack is None or not original.is_file():
        return path.read_bytes()
    try:
        same = unpack(path.read_bytes()) == original.read_bytes()
    except (OSError, brotli.error):
        same = False
    kind = "Brotli" if path.suffix == ".br" else "gzip"
    return f"a {kind} copy of {original.name}\n".encode() if same else path.read_bytes()


def expected_files(name: str) -> dict[str, bytes]:
    """The checked-in result of site ``name``."""
    folder = EXPECTED / name
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def write_expected(name: str, files: dict[str, bytes]) -> Path:
    """Replace the checked-in result of site ``name`` with ``files``."""
    folder = EXPECTED / name
    if folder.exists():
        shutil.rmtree(folder)
    for relative, data in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


PICTURES = (".jpg", ".jpeg", ".png", ".webp", ".avif")


def same_picture(old: bytes, new: bytes) -> bool:
    """Pictures the build makes are compared by format and size: encoders (libjpeg-turbo, libwebp,
    libavif, FreeType for the cards) may place other bytes from one Pillow release to the next."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(old)) as before, Image.open(io.BytesIO(new)) as after:
            return (before.format, before.size, before.mode) == (after.format, after.size, after.mode)
    except OSError:
        return False


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """Paths that are missing, extra or changed, sorted."""
    return sorted(path for path in expected.keys() | actual.keys() if expected.get(path) != actual.get(path)
                  and not (path.endswith(PICTURES) and path in expected and path in actual
                           and same_picture(expected[path], actual[path])))


def describe(name: str, expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """A failure message: how many files differ, the first few by name, and text diffs of those."""
    paths = differences(expected, actual)
    lines = [f"golden site {name!r}: {len(paths)} file(s) differ from tests/golden/expected/{name}/"]
    for path in paths[:SHOWN_FILES]:
        if path not in actual:
            lines.append(f"  missing from the build: {path}")
        elif path not in expected:
            lines.append(f"  new in the build: {path}")
        else:
            lines.append(f"  changed: {path}")
            lines += text_diff(path, expected[path], actual[path])
    if len(paths) > SHOWN_FILES:
        lines.append(f"  ... and {len(paths) - SHOWN_FILES} more: {', '.join(paths[SHOWN_FILES:SHOWN_FILES + 20])}")
    lines.append("If the change is intended, regenerate with `python3 scripts/regen-golden.py` and review the diff.")
    return "\n".join(lines)


def text_diff(path: str, old: bytes, new: bytes) -> list[str]:
    """A unified diff of two versions of a text file (cut to a screen), or a note for binary files."""
    try:
        old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return [f"    (binary: {len(old)} bytes expected, {len(new)} built)"]
    diff = list(difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), f"expected/{path}",
                                     f"built/{path}", lineterm="", n=2))
    cut = diff[:DIFF_LINES] + ([f"    ... {len(diff) - DIFF_LINES} more diff lines"] if len(diff) > DIFF_LINES else [])
    return ["    " + line for line in cut]
