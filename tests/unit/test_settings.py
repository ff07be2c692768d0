from __future__ import annotations

import json
from pathlib import Path

from getimg_studio.settings import Settings, Theme, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    settings = Settings(theme=Theme.DARK, auto_download=False, last_duration=10.0, last_variations=3,
                        last_model="seedance-v1-pro", extra={"a": "b"})
    save_settings(path, settings)
    assert load_settings(path) == settings
    assert json.loads(path.read_text())["theme"] == "dark"


def test_corrupt_file_falls_back_and_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    assert load_settings(path) == Settings()
    assert (tmp_path / "settings.corrupt").read_text() == "{not json"


def test_bad_values_fall_back_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "purple", "auto_download": "yes", "last_variations": 2,
                                "unknown": 1}), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.theme is Theme.SYSTEM
    assert loaded.auto_download is True
    assert loaded.last_variations == 2


def test_the_api_key_is_not_a_setting() -> None:
    assert not any("key" in name and name != "key_storage" for name in Settings.__dataclass_fields__)
