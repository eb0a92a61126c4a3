"""Scheduling: publish_date and expiry_date against a fixed build time, and build-info.json."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

from conftest import article, run_cli, write_site

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=timezone.utc)
CLOCK = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}

ARTICLES = {
    "2025-06-01-live.md": article("Live Story", "2025-06-01"),
    "2025-06-09-embargo.md": article("Embargoed Review", "2025-06-09",
                                     publish_date="2025-06-12T14:00:00Z"),
    "2025-06-11-future.md": article("Future Dated", "2025-06-11T09:30:00-04:00"),
    "2025-05-01-contest.md": article("Contest Ends Soon", "2025-05-01", expiry_date="2025-06-11T00:00:00Z"),
    "2025-05-02-old-contest.md": article("Old Contest", "2025-05-02", expiry_date="2025-06-01"),
}


def build(tmp_path: Path, *args: str, articles: dict[str, str] = ARTICLES):
    site = write_site(tmp_path / "site", articles)
    out = tmp_path / "out"
    result = run_cli("build", "--source", str(site), "--output", str(out), "--no-search", *args, env=CLOCK)
    return result, out


def titles(out: Path) -> set[str]:
    return {path.parent.name for path in out.glob("2025/*/*/*/index.html")}


def test_future_and_expired_articles_are_left_out(tmp_path: Path) -> None:
    result, out = build(tmp_path)
    assert result.returncode == 0, result.stderr
    assert titles(out) == {"live", "contest"}
    lines = result.stdout.splitlines()
    assert "scheduled: content/2025-06-09-embargo.md publishes 2025-06-12T14:00:00+00:00" in lines
    assert "scheduled: content/2025-06-11-future.md publishes 2025-06-11T09:30:00-04:00" in lines
    assert "expired: content/2025-05-02-old-contest.md expired 2025-06-01T00:00:00+00:00" in lines
    info = tmp_path / "site" / ".ballerina-cache"  # build-info.json is kept private, in the store
    assert any(re.fullmatch(rf"next change: 2025-06-11T00:00:00\+00:00 \(rebuild then; see {re.escape(str(info))}"
                            r"/build-info-[0-9a-f]{16}\.json\)", line) for line in lines), lines
    assert "(2 scheduled, 1 expired, " in lines[-1]  # then the social cards made
    home = (out / "index.html").read_text()
    assert "Embargoed Review" not in home and "Old Contest" not in home and "Contest Ends Soon" in home


def private_info(tmp_path: Path) -> Path:
    return next((tmp_path / "site" / ".ballerina-cache").glob("build-info-*.json"))


def test_build_info_gives_the_next_change_and_names_nothing(tmp_path: Path) -> None:
    _, out = build(tmp_path)
    assert not (out / "build-info.json").exists()  # private unless `publish_build_info: true`
    info = json.loads(private_info(tmp_path).read_text())
    assert info["built_at"] == "2025-06-10T12:00:00Z"
    assert info["next_change"] == "2025-06-11T00:00:00Z"  # the contest expires first
    assert info["upcoming_changes"] == ["2025-06-11T00:00:00Z", "2025-06-11T13:30:00Z", "2025-06-12T14:00:00Z"]
    text = private_info(tmp_path).read_text()
    assert "embargo" not in text and "Embargoed" not in text  # it may be published: it must not leak what is coming


def test_a_rebuild_at_the_next_change_publishes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", ARTICLES)
    out = tmp_path / "out"
    clock = {"SOURCE_DATE_EPOCH": str(int(datetime(2025, 6, 12, 14, 0, tzinfo=timezone.utc).timestamp()))}
    result = run_cli("build", "--source", str(site), "--output", str(out), "--no-search", env=clock)
    assert result.returncode == 0, result.stderr
    assert titles(out) == {"live", "embargo", "future"}
    assert json.loads(private_info(tmp_path).read_text())["next_change"] is None
    assert "next change" not in result.stdout


def test_flags_include_future_and_expired(tmp_path: Path) -> None:
    result, out = build(tmp_path, "--future", "--expired")
    assert result.returncode == 0, result.stderr
    assert titles(out) == {"live", "embargo", "future", "contest", "old-contest"}


def test_bad_schedule_dates_are_reported_with_lines(tmp_path: Path) -> None:
    result, out = build(tmp_path, articles={
        "a.md": article("A", "2025-06-01", publish_date="soon"),
        "b.md": article("B", "2025-06-01", expiry_date="2025-05-01"),
    })
    assert result.returncode == 1
    assert "content/a.md:4: `publish_date`: unreadable date `soon`" in result.stderr
    assert ("content/b.md:4: `expiry_date` 2025-05-01T00:00:00+00:00 is not after the article goes live "
            "(2025-06-01T00:00:00+00:00) (the article would never be shown)") in result.stderr
    assert not out.exists()
