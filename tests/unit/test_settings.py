from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from getimg_studio.settings import (
    Settings,
    SettingsStore,
    Theme,
    change_settings_file,
    load_settings,
    save_settings,
)


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


def test_a_save_never_undoes_what_another_process_wrote(tmp_path: Path) -> None:
    """The window's store, then `getimg-studio budget set 20` (another process: a plain save), then the window
    saves its draft: the file keeps both, and refresh() brings the budget into the window."""
    import asyncio

    path = tmp_path / "settings.json"
    save_settings(path, Settings(theme=Theme.DARK))
    store = SettingsStore.open(path)
    heard: list[frozenset[str]] = []
    store.subscribe(lambda _new, changed: heard.append(changed))
    from dataclasses import replace

    save_settings(path, replace(load_settings(path), budget_monthly="20"))  # the command line's write
    store.update(draft_variations=3)
    store.flush()
    on_disk = load_settings(path)
    assert (on_disk.budget_monthly, on_disk.draft_variations, on_disk.theme) == ("20", 3, Theme.DARK)
    assert store.current.budget_monthly == ""  # not read yet

    assert asyncio.run(store.refresh()) == frozenset({"budget_monthly"})
    assert store.current.budget_monthly == "20"
    assert store.current.draft_variations == 3
    assert heard == [frozenset({"draft_variations"}), frozenset({"budget_monthly"})]
    assert asyncio.run(store.refresh()) == frozenset()  # nothing new: nobody is told again
    store.close()


def test_a_change_made_here_and_not_yet_saved_wins_over_the_file(tmp_path: Path) -> None:
    """The command line writes while the window's save is under way: it waits for the file's lock, so the
    window's save cannot write over it, and each keeps the other's change."""
    import asyncio

    path = tmp_path / "settings.json"
    save_settings(path, Settings())
    saving, release = threading.Event(), threading.Event()

    def slow_save(target: Path, settings: Settings) -> None:
        saving.set()
        release.wait(10)
        save_settings(target, settings)

    store = SettingsStore.open(path)
    store._save = slow_save
    store.update(budget_monthly="5")
    assert saving.wait(10)
    elsewhere = threading.Thread(target=change_settings_file, args=(path,),
                                 kwargs={"budget_monthly": "50", "theme": Theme.LIGHT})
    elsewhere.start()
    elsewhere.join(0.2)
    assert elsewhere.is_alive()  # waiting for the lock the window's save holds
    release.set()
    elsewhere.join(10)
    store.flush()
    on_disk = load_settings(path)
    assert (on_disk.budget_monthly, on_disk.theme) == ("50", Theme.LIGHT)  # the last writer's, whole

    assert asyncio.run(store.refresh()) == frozenset({"budget_monthly", "theme"})
    assert (store.current.budget_monthly, store.current.theme) == ("50", Theme.LIGHT)
    store.close()


def test_an_unsaved_change_here_keeps_its_value_over_a_refresh(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "settings.json"
    save_settings(path, Settings())
    release = threading.Event()
    store = SettingsStore.open(path)
    store._save = lambda target, settings: (release.wait(10), save_settings(target, settings))[1]
    change_settings_file(path, theme=Theme.DARK, budget_monthly="50")
    store.update(budget_monthly="5")  # its save waits
    refreshed = asyncio.run(_refresh_then_release(store, release))
    assert refreshed == frozenset({"theme"})
    assert (store.current.budget_monthly, store.current.theme) == ("5", Theme.DARK)
    store.flush()
    on_disk = load_settings(path)
    assert (on_disk.budget_monthly, on_disk.theme) == ("5", Theme.DARK)
    store.close()


async def _refresh_then_release(store: SettingsStore, release: threading.Event) -> frozenset[str]:
    import asyncio

    refreshing = asyncio.ensure_future(store.refresh())
    await asyncio.sleep(0)
    release.set()
    return await refreshing


def test_an_unreadable_file_from_elsewhere_changes_nothing_here(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "settings.json"
    store = SettingsStore.open(path)
    path.write_text("{ half a file", encoding="utf-8")
    assert asyncio.run(store.refresh()) == frozenset()
    store.update(theme=Theme.DARK)
    store.flush()
    assert load_settings(path).theme == Theme.DARK  # written whole over it
    store.close()
