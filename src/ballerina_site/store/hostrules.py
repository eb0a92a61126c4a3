"""The host rules of the last build into each output folder (render/hosts.py), for ``deploy-config``."""

from __future__ import annotations

from pathlib import Path

from ..render.hosts import HostRules
from .store import Store

KIND = "hosts"


def save_rules(store: Store, output: Path, rules: HostRules) -> None:
    store.save(store.per_output(KIND, output), rules.to_plain())


def load_rules(store: Store, output: Path) -> HostRules | None:
    """None when no build into ``output`` is recorded (or the record is of another version)."""
    data = store.load(store.per_output(KIND, output))
    if data is None:
        return None
    try:
        return HostRules.from_plain(data)
    except (TypeError, ValueError):
        return None
