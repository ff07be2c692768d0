"""The creator's time zone is found by name, so it knows daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from getimg_studio.localzone import local_zone, zone_name

ZONEINFO = Path("/usr/share/zoneinfo")


def test_tz_variable_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", ":Europe/Berlin")
    zone = local_zone(tmp_path / "missing")
    assert zone == ZoneInfo("Europe/Berlin")
    assert zone_name(zone) == "Europe/Berlin"


@pytest.mark.skipif(not (ZONEINFO / "America" / "New_York").exists(), reason="no system time zone database")
def test_localtime_link_gives_the_zone_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TZ", raising=False)
    link = tmp_path / "localtime"
    link.symlink_to(ZONEINFO / "America" / "New_York")
    zone = local_zone(link)
    assert zone_name(zone) == "America/New_York"
    # it knows DST: winter and summer offsets differ
    assert datetime(2026, 1, 1, tzinfo=zone).utcoffset() != datetime(2026, 7, 1, tzinfo=zone).utcoffset()


@pytest.mark.skipif(not (ZONEINFO / "Europe" / "Berlin").exists(), reason="no system time zone database")
def test_a_copied_localtime_file_still_has_its_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TZ", raising=False)
    copy = tmp_path / "localtime"
    copy.write_bytes((ZONEINFO / "Europe" / "Berlin").read_bytes())
    zone = local_zone(copy)
    assert datetime(2026, 7, 1, 12, tzinfo=zone).astimezone(UTC).hour == 10
    assert zone_name(zone) in ("CET", "CEST")


def test_nothing_found_falls_back_to_the_current_offset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TZ", "Not/AZone")
    zone = local_zone(tmp_path / "missing")
    assert datetime.now(zone).utcoffset() is not None
