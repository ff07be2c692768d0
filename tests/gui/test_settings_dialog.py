"""The settings dialog: key storage (keyring, env override, no-keyring choice), Test key, saved settings."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from getimg_studio.paths import Paths
from getimg_studio.secrets import KeySource, KeyStore
from getimg_studio.settings import Settings, Theme, load_settings
from getimg_studio.ui.settings.dialog import SettingsDialog


def make_dialog(qtbot: QtBot, paths: Paths, store: KeyStore, run: Callable[..., Any],
                base_url: str = "https://api.invalid") -> SettingsDialog:
    status = run(store.aload())
    dialog = SettingsDialog(Settings(), paths.settings_file, store, status, base_url, paths.output)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def test_save_test_and_remove_key_in_the_keyring(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                                  sim_factory: Any, memory_keyring: Any) -> None:
    sim = sim_factory(api_keys=frozenset({"good-key"}), pending_seconds=0.1)
    store = KeyStore(paths.key_file, env={})
    dialog = make_dialog(qtbot, paths, store, run, sim.base_url)
    assert not dialog.isModal()
    assert "No key yet" in dialog.key_state.text()
    dialog.key_edit.setText("wrong-key")
    run(dialog.test_key())
    assert dialog.key_result.text().startswith("The key did not work")
    dialog.key_edit.setText("good-key")
    run(dialog.test_key())
    assert dialog.key_result.text() == "The key works. Balance: $50.00."
    run(dialog.save_key())
    assert memory_keyring.values[("getimg-studio", "api-key")] == "good-key"
    assert "stored in the system keyring" in dialog.key_state.text()
    assert dialog.key_edit.text() == ""
    run(dialog.remove_key())
    assert memory_keyring.values == {}
    assert "No key yet" in dialog.key_state.text()


def test_env_key_shown_as_overriding(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                     memory_keyring: Any) -> None:
    memory_keyring.values[("getimg-studio", "api-key")] = "stored"
    store = KeyStore(paths.key_file, env={"GETIMG_API_KEY": "from-env"})
    dialog = make_dialog(qtbot, paths, store, run)
    assert "GETIMG_API_KEY" in dialog.key_state.text()
    assert "overrides" in dialog.key_state.text()
    assert "a stored key exists but is not used" in dialog.key_state.text()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_choice_is_spelled_out(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                                      no_keyring: None) -> None:
    store = KeyStore(paths.key_file, env={})
    dialog = make_dialog(qtbot, paths, store, run)
    storage = dialog.storage
    assert not storage.keyring.isEnabled()
    assert "No system keyring is available" in storage.notice.text()
    assert storage.session.isChecked()
    assert "This session only" in storage.session.text()
    assert "only you can read" in storage.file.text()
    storage.file.setChecked(True)
    dialog.key_edit.setText("file-key")
    run(dialog.save_key())
    assert paths.key_file.read_text() == "file-key"
    assert stat.S_IMODE(paths.key_file.stat().st_mode) == 0o600
    assert "a file only you can read" in dialog.key_state.text()
    storage.session.setChecked(True)
    dialog.key_edit.setText("session-key")
    run(dialog.save_key())
    assert not paths.key_file.exists()
    assert run(store.aload()).source is KeySource.SESSION


def test_settings_saved_without_the_key(qtbot: QtBot, paths: Paths, run: Callable[..., Any]) -> None:
    store = KeyStore(paths.key_file, env={})
    dialog = make_dialog(qtbot, paths, store, run)
    dialog.key_edit.setText("secret-key-123")
    dialog.output_edit.setText(str(paths.data / "my videos"))
    dialog.auto_download.setChecked(False)
    dialog.notifications.setChecked(False)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.demo_mode.setChecked(True)
    with qtbot.waitSignal(dialog.settingsSaved, timeout=0, raising=False):
        saved = run(dialog.save())
    loaded = load_settings(paths.settings_file)
    assert loaded == saved
    assert (loaded.auto_download, loaded.notifications, loaded.theme, loaded.demo_mode) == (
        False, False, Theme.DARK, True)
    assert "secret-key-123" not in paths.settings_file.read_text()
    assert json.loads(paths.settings_file.read_text())["output_dir"].endswith("my videos")
