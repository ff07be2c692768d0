from __future__ import annotations

import json
from pathlib import Path

import pytest

from getimg_studio.settings import Settings, SettingsStore, Theme, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "settings.json"
    settings = Settings(theme=Theme.DARK, auto_download=False, draft='{"model": "seedance-v1-pro"}',
                        draft_variations=3, max_in_flight=2, show_player=False, extra={"a": "b"})
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
    path.write_text(json.dumps({"theme": "purple", "auto_download": "yes", "draft_variations": 2,
                                "unknown": 1}), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.theme is Theme.SYSTEM
    assert loaded.auto_download is True
    assert loaded.draft_variations == 2


def test_the_api_key_is_not_a_setting() -> None:
    assert not any("key" in name for name in Settings.__dataclass_fields__)


def test_the_last_parameters_of_an_older_file_start_the_draft(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"last_model": "seedance-v1-pro", "last_aspect_ratio": "9:16",
                                "last_duration": 10.0, "last_variations": 3}), encoding="utf-8")
    loaded = load_settings(path)
    assert json.loads(loaded.draft)["model"] == "seedance-v1-pro"
    assert json.loads(loaded.draft)["aspect_ratio"] == "9:16"
    assert loaded.draft_variations == 3


def test_the_store_changes_only_the_named_fields_and_saves_off_the_calling_thread(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "cfg" / "settings.json"
    writers: list[str] = []

    def save(target: Path, settings: Settings) -> None:
        writers.append(threading.current_thread().name)
        save_settings(target, settings)

    store = SettingsStore(path, save=save)
    heard: list[frozenset[str]] = []
    store.subscribe(lambda _new, changed: heard.append(changed))
    store.update(theme=Theme.DARK)
    store.update(demo_banner_dismissed=True)
    store.update(theme=Theme.DARK)  # no change: nobody is told, nothing is written
    store.flush()
    assert heard == [frozenset({"theme"}), frozenset({"demo_banner_dismissed"})]
    loaded = load_settings(path)
    assert (loaded.theme, loaded.demo_banner_dismissed) == (Theme.DARK, True)
    assert writers
    assert threading.current_thread().name not in writers
    with pytest.raises(TypeError, match="no such setting"):
        store.update(colour="red")
    store.close()
