#!/usr/bin/env python3
"""Regenerate the golden sites' expected results (tests/golden/expected/<site>/) from this checkout.

    python3 scripts/regen-golden.py            # every site: default, newsroom
    python3 scripts/regen-golden.py newsroom   # just one

Each site is copied into a temp folder and built there exactly as tests/pipeline/test_golden.py builds
it (fixed SOURCE_DATE_EPOCH, search off), so the checkout is never written except for the expected
trees. Review `git diff tests/golden/expected` before committing: every changed byte is a change a
user will see.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from golden_site import SITES, GoldenBuildFailed, build, result_files, write_expected  # noqa: E402


def main(argv: list[str]) -> int:
    names = argv or sorted(SITES)
    unknown = [name for name in names if name not in SITES]
    if unknown:
        print(f"unknown site(s): {', '.join(unknown)} (known: {', '.join(sorted(SITES))})", file=sys.stderr)
        return 2
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"golden-{name}-") as workdir:
            try:
                site = build(name, Path(workdir))
            except GoldenBuildFailed as exc:
                print(exc, file=sys.stderr)
                return 1
            files = result_files(site)
            folder = write_expected(name, files)
        print(f"{name}: {len(files)} files in {folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
