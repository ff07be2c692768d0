"""The creator's time zone, with its daylight-saving rules, for "today" and "this month" in spending figures.

`datetime.now().astimezone().tzinfo` is only today's fixed offset: a month of spending across a DST change
would put an evening's generations on the wrong day. So the zone is found by name: `TZ`, then the
`/etc/localtime` link (Linux, macOS), then that file's own rules; the fixed offset is the last resort.
Reads files: call once at start-up and pass the result around.
"""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_LOCALTIME = Path("/etc/localtime")


def _by_name(name: str) -> ZoneInfo | None:
    name = name.removeprefix(":").strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def local_zone(localtime: Path = _LOCALTIME) -> tzinfo:
    zone = _by_name(os.environ.get("TZ", ""))
    if zone is not None:
        return zone
    try:
        target = str(localtime.resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        zone = _by_name(target.rsplit("zoneinfo/", 1)[1])
        if zone is not None:
            return zone
    try:
        with open(localtime, "rb") as f:
            return ZoneInfo.from_file(f, key="localtime")
    except (OSError, ValueError):
        pass
    fallback = datetime.now().astimezone().tzinfo
    assert fallback is not None
    return fallback


def zone_name(tz: tzinfo) -> str:
    """A name to show: Europe/Berlin, or the abbreviation of a zone with no name."""
    key = getattr(tz, "key", None)
    if isinstance(key, str) and key != "localtime":
        return key
    return datetime.now(tz).tzname() or "local time"
