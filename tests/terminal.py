"""A real build in a child process whose stderr is a terminal (tests that act at a stage it has reached)."""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess
import sys
from pathlib import Path

from conftest import SRC

ENV = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONDONTWRITEBYTECODE": "1", "SOURCE_DATE_EPOCH": "1767225600"}


def _as_at_a_terminal() -> None:
    """Ctrl-C reaches the build as it does a user's, even when these tests run as a background job
    (which starts with SIGINT ignored, and Python keeps it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class TerminalBuild:
    """A build whose stderr is a terminal, so it shows its progress ("rendering 120/450 (26%)") at
    once: the test acts at a stage the build has reached, not after a guessed delay."""

    def __init__(self, site: Path, *args: str):
        self.leader, follower = pty.openpty()
        self.process = subprocess.Popen([sys.executable, "-m", "ballerina_site", "build", "--source", str(site), *args],
                                        env={**ENV, "BALLERINA_PROGRESS_AFTER": "0"},
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
                                        preexec_fn=_as_at_a_terminal)
        os.close(follower)
        self.shown = ""

    def reach(self, stage: str, percent: int) -> bool:
        """Read its stderr until it shows ``stage`` at ``percent``% or more; False if it ended first."""
        pattern = re.compile(rf"{stage} \d+/\d+ \((\d+)%\)")
        while not any(int(found) >= percent for found in pattern.findall(self.shown)):
            try:
                chunk = os.read(self.leader, 4096)
            except OSError:  # the build closed its end: it has ended
                return False
            if not chunk:
                return False
            self.shown += chunk.decode("utf-8", "replace")
        return True

    def finish(self) -> tuple[int, str]:
        """Its exit code and everything it wrote to stderr."""
        while True:
            try:
                chunk = os.read(self.leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.shown += chunk.decode("utf-8", "replace")
        os.close(self.leader)
        return self.process.wait(timeout=120), self.shown
