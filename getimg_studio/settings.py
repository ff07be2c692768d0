"""The creator's settings, declared once with their types and defaults.

Stored as JSON in the config folder. The API key is deliberately not a setting: it lives in the
keyring (see `secrets.py`). Unknown keys in the file are kept out; a corrupt file falls back to the
defaults and is set aside so it can be inspected, never silently overwritten.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from getimg_studio.fsutil import write_atomic

log = logging.getLogger(__name__)


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True, slots=True)
class Settings:
    output_dir: str = ""  # empty: Paths.output
    auto_download: bool = True
    notifications: bool = True
    theme: Theme = Theme.SYSTEM
    demo_mode: bool = False  # chosen on purpose; demo also starts when there is no key
    demo_banner_dismissed: bool = False
    # The per-job time limit: a job still generating after this long waits for the creator (resume or stop
    # it) instead of being polled for ever; 0: no limit. Well above the usual one or two minutes.
    poll_timeout_minutes: int = 30
    max_concurrent_polls: int = 8
    max_concurrent_downloads: int = 4
    max_in_flight: int = 0  # most generations in flight at once; 0: learn the account's cap from getimg
    key_storage: str = "keyring"  # "keyring" | "file" | "session": where the creator chose to keep the key
    # The last used compose parameters, restored at the next start.
    last_model: str = ""
    last_aspect_ratio: str = ""
    last_resolution: str = ""
    last_duration: float = 0.0
    last_sound: bool = False
    last_variations: int = 1
    # Window geometry and splitter state, base64 of Qt's own byte arrays.
    window_geometry: str = ""
    window_state: str = ""
    splitter_state: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, Theme):
        return Theme(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise TypeError(name)
        return value
    if isinstance(default, float):
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(name)
        return value
    if isinstance(default, dict):
        return {str(k): str(v) for k, v in dict(value).items()}
    if not isinstance(value, str):
        raise TypeError(name)
    return value


def load_settings(path: Path) -> Settings:
    defaults = Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return defaults
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        _set_aside(path)
        return defaults
    if not isinstance(raw, dict):
        _set_aside(path)
        return defaults
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in raw:
            default = getattr(defaults, f.name)
            try:
                values[f.name] = _coerce(f.name, raw[f.name], default)
            except (TypeError, ValueError):
                log.warning("setting %s has an invalid value; using its default", f.name)
    return replace(defaults, **values)


def save_settings(path: Path, settings: Settings) -> None:
    """Atomic write: a crash mid-save leaves the previous file intact."""
    data = asdict(settings)
    data["theme"] = settings.theme.value
    write_atomic(path, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))


def _set_aside(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.replace(path, path.with_suffix(".corrupt"))
