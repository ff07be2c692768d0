"""The settings window: key storage (keyring, env override, no-keyring choice), Test key, the one settings store."""

from __future__ import annotations

import json
import socket
import stat
from collections.abc import Callable, Iterator
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from getimg_studio.paths import Paths
from getimg_studio.secrets import KeySource, KeyStore
from getimg_studio.settings import SettingsStore, Theme, load_settings
from getimg_studio.ui.settings.controller import SettingsController
from getimg_studio.ui.settings.dialog import SettingsDialog


@pytest.fixture
def store(paths: Paths) -> Iterator[SettingsStore]:
    settings = SettingsStore.open(paths.settings_file)
    yield settings
    settings.close()


def make_dialog(qtbot: QtBot, paths: Paths, keys: KeyStore, run: Callable[..., Any], store: SettingsStore,
                base_url: str = "https://api.invalid") -> SettingsController:
    status = run(keys.aload())
    view = SettingsDialog(paths.output)
    qtbot.addWidget(view)
    controller = SettingsController(view, store, keys, status, base_url, paths.output, view)
    controller.open()
    return controller


def test_save_test_and_remove_key_in_the_keyring(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                                  sim_factory: Any, memory_keyring: Any,
                                                  store: SettingsStore) -> None:
    sim = sim_factory(api_keys=frozenset({"good-key"}), pending_seconds=0.1)
    keys = KeyStore(paths.key_file, env={})
    dialog = make_dialog(qtbot, paths, keys, run, store, sim.base_url)
    v = dialog.view
    assert not v.isModal()
    assert "No key yet" in v.key_state.text()
    v.key_edit.setText("wrong-key")
    run(dialog.test_key())
    assert v.key_result.text().startswith("getimg refused this key")
    assert v.key_result.property("hint") == "error"
    v.key_edit.setText("good-key")
    run(dialog.test_key())
    assert v.key_result.text() == "The key works. Balance: $50.00."
    run(dialog.save_key())
    assert memory_keyring.values[("getimg-studio", "api-key")] == "good-key"
    # The backend by its own name (the tests' in-memory one here), not a generic "system keyring".
    assert "stored in the MemoryKeyring keyring" in v.key_state.text()
    assert v.key_edit.text() == ""
    run(dialog.remove_key())
    assert memory_keyring.values == {}
    assert "No key yet" in v.key_state.text()


def test_test_key_tells_an_unreachable_server_from_a_refused_key(qtbot: QtBot, paths: Paths,
                                                                 run: Callable[..., Any],
                                                                 store: SettingsStore) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    keys = KeyStore(paths.key_file, env={})
    dialog = make_dialog(qtbot, paths, keys, run, store, f"http://127.0.0.1:{port}")
    dialog.view.key_edit.setText("sk-maybe-good")
    run(dialog.test_key())
    text = dialog.view.key_result.text()
    assert f"127.0.0.1:{port} could not be reached, so the key was not tested" in text
    assert "refused" not in text
    assert dialog.view.key_result.property("hint") == "warning"


def test_env_key_shown_as_overriding(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                     memory_keyring: Any, store: SettingsStore) -> None:
    memory_keyring.values[("getimg-studio", "api-key")] = "stored"
    keys = KeyStore(paths.key_file, env={"GETIMG_API_KEY": "from-env"})
    text = make_dialog(qtbot, paths, keys, run, store).view.key_state.text()
    assert "GETIMG_API_KEY" in text
    assert "overrides" in text
    assert "a stored key exists but is not used" in text


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_choice_is_spelled_out(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                                      no_keyring: None, store: SettingsStore) -> None:
    keys = KeyStore(paths.key_file, env={})
    dialog = make_dialog(qtbot, paths, keys, run, store)
    storage = dialog.view.storage
    assert not storage.keyring.isEnabled()
    assert "No system keyring is available" in storage.notice.text()
    assert storage.session.isChecked()
    assert "This session only" in storage.session.text()
    assert "only you can read" in storage.file.text()
    storage.file.setChecked(True)
    dialog.view.key_edit.setText("file-key")
    run(dialog.save_key())
    assert paths.key_file.read_text() == "file-key"
    assert stat.S_IMODE(paths.key_file.stat().st_mode) == 0o600
    assert "a file only you can read" in dialog.view.key_state.text()
    storage.session.setChecked(True)
    dialog.view.key_edit.setText("session-key")
    run(dialog.save_key())
    assert not paths.key_file.exists()
    assert run(keys.aload()).source is KeySource.SESSION


def test_a_plain_file_keyring_is_not_offered_as_the_system_keyring(qtbot: QtBot, paths: Paths,
                                                                    run: Callable[..., Any], tmp_path: Any,
                                                                    store: SettingsStore) -> None:
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        storage = make_dialog(qtbot, paths, KeyStore(paths.key_file, env={}), run, store).view.storage
        assert not storage.keyring.isEnabled()
        assert "plain file" in storage.keyring_detail.text()
        assert "PlaintextKeyring" in storage.keyring_detail.text()
        assert storage.session.isChecked()
    finally:
        keyring.set_keyring(previous)


def test_settings_saved_without_the_key(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                        store: SettingsStore) -> None:
    dialog = make_dialog(qtbot, paths, KeyStore(paths.key_file, env={}), run, store)
    v = dialog.view
    v.key_edit.setText("secret-key-123")
    v.output_edit.setText(str(paths.data / "my videos"))
    v.auto_download.setChecked(False)
    v.notifications.setChecked(False)
    v.theme.setCurrentIndex(v.theme.findData("dark"))
    v.demo_mode.setChecked(True)
    v.max_in_flight.setValue(3)
    v.time_limit.setValue(45)
    v.confirm_over.setValue(2)
    saved = dialog.save()
    run(store.aflush())
    loaded = load_settings(paths.settings_file)
    assert loaded == saved == store.current
    assert (loaded.auto_download, loaded.notifications, loaded.theme, loaded.demo_mode) == (
        False, False, Theme.DARK, True)
    assert (loaded.max_in_flight, loaded.poll_timeout_minutes, loaded.confirm_batch_over) == (3, 45, 2)
    assert v.confirm_over.text() == "2 videos at once"
    assert "secret-key-123" not in paths.settings_file.read_text()
    assert json.loads(paths.settings_file.read_text())["output_dir"].endswith("my videos")


def test_save_never_undoes_a_change_made_elsewhere_meanwhile(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                                             store: SettingsStore) -> None:
    dialog = make_dialog(qtbot, paths, KeyStore(paths.key_file, env={}), run, store)
    dialog.view.notifications.setChecked(False)
    store.update(demo_banner_dismissed=True, show_player=False)  # the window, while the dialog is open
    dialog.save()
    run(store.aflush())
    for settings in (store.current, load_settings(paths.settings_file)):
        assert settings.demo_banner_dismissed
        assert not settings.show_player
        assert not settings.notifications


def test_save_writes_only_the_fields_changed_in_the_dialog(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                                          store: SettingsStore) -> None:
    """`getimg-studio budget set 7` lands while the dialog is open: saving another field keeps the 7."""
    dialog = make_dialog(qtbot, paths, KeyStore(paths.key_file, env={}), run, store)
    assert dialog.view.budget_monthly.text() == ""
    store.update(budget_monthly="7.00")  # what the store's refresh() brings in from the command line
    assert dialog.view.budget_monthly.text() == "7.00"  # nothing edited here yet: shown at once
    dialog.view.theme.setCurrentIndex(dialog.view.theme.findData("dark"))
    store.update(budget_daily="1.00")  # once editing has begun, the fields stay as the creator left them
    assert dialog.view.budget_daily.text() == ""
    dialog.save()
    run(store.aflush())
    for settings in (store.current, load_settings(paths.settings_file)):
        assert (settings.budget_monthly, settings.budget_daily, settings.theme) == ("7.00", "1.00", Theme.DARK)
    assert dialog.view.budget_monthly.text() == "7.00"  # the dialog now shows what is saved
    dialog.view.budget_monthly.setText("")  # a change made here is saved, clearing included
    dialog.save()
    assert store.current.budget_monthly == ""


def test_closing_without_save_discards_the_edits(qtbot: QtBot, paths: Paths, run: Callable[..., Any],
                                                 store: SettingsStore) -> None:
    dialog = make_dialog(qtbot, paths, KeyStore(paths.key_file, env={}), run, store)
    dialog.view.output_edit.setText("/somewhere/else")
    dialog.view.theme.setCurrentIndex(dialog.view.theme.findData("dark"))
    dialog.view.close_button.click()
    assert not dialog.view.isVisible()
    assert store.current.output_dir == ""
    dialog.open()
    assert dialog.view.output_edit.text() == ""
    assert dialog.view.theme.currentData() == "system"
