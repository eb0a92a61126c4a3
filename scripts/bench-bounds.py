#!/usr/bin/env python3
"""Resource bounds of hostile input, measured (not asserted): each case builds a tiny site in a fresh
process and the table shows the outcome, wall time and peak memory.

    python3 scripts/bench-bounds.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAD = "---\ntitle: A\ndate: 2025-06-01\n---\n"
BOMB = "---\ntitle: A\ndate: 2025-06-01\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(9)) + "---\nx\n"

CASES = {
    "10 MB article": HEAD + "Words and more words.\n" * 500_000,
    "1.9 MB article": HEAD + "Words and more words.\n" * 90_000,
    "100,000-tag front matter": "---\ntags: [" + ", ".join(f"t{i}" for i in range(100_000)) + "]\n" + HEAD[4:],
    "5,000-level nested list (one line)": HEAD + "- " * 5000 + "x\n",
    "5,000-level nested quote": HEAD + "> " * 5000 + "x\n",
    "5,000-level indented list (25 MB)": HEAD + "".join("  " * i + "- x\n" for i in range(5000)),
    "150-level indented list": HEAD + "".join("  " * i + "- x\n" for i in range(150)),
    "YAML alias bomb (10^10 values)": BOMB,
}

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    sys.path.insert(0, sys.argv[2])
    from pathlib import Path
    from ballerina_site.pipeline.build import BuildOptions, build
    from ballerina_site.core.errors import SiteError
    started = time.perf_counter()
    try:
        report = build(BuildOptions(root=Path(sys.argv[1])))
        outcome = f"built {report.pages} pages"
    except SiteError as exc:
        outcome = "refused: " + exc.problems[0].message[:60]
    seconds = time.perf_counter() - started
    status = Path("/proc/self/status")  # VmHWM: this process's own peak (ru_maxrss carries the parent's over exec)
    hwm = [line for line in status.read_text().splitlines() if line.startswith("VmHWM")] if status.exists() else []
    peak = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak}))
""")


def main() -> int:
    rows = []
    for name, text in CASES.items():
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "content").mkdir()
            (root / "site.yaml").write_text("title: Bench\n")
            (root / "content" / "a.md").write_text(text)
            done = subprocess.run([sys.executable, "-c", CHILD, str(root), str(REPO / "src")], capture_output=True,
                                  text=True, timeout=600)
            if done.returncode != 0:
                rows.append((name, f"CRASHED: {done.stderr.strip().splitlines()[-1:]}", 0.0, 0.0))
                continue
            result = json.loads(done.stdout)
            rows.append((name, result["outcome"], result["seconds"], result["peak_mb"]))
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  {'peak MB':>8}  outcome")
    for name, outcome, seconds, peak in rows:
        print(f"{name:<{width}}  {seconds:8.2f}  {peak:8.1f}  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
