"""The settings window (non-modal): the API key and where it is kept, output folder, downloads, theme, mode.

The key goes to secrets.KeyStore, never into settings.json. Keyring, network and file work run as kept
tasks (the keyring in an executor with a timeout), so the dialog never stalls the loop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.api.client import GetimgClient
from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import format_money
from getimg_studio.secrets import ENV_VAR, KeySource, KeyStatus, KeyStore
from getimg_studio.settings import Settings, Theme, save_settings
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common.crash import report_exception
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.settings.key_setup import KeyStorageChoice


class SettingsDialog(QDialog):
    settingsSaved = Signal(object)  # Settings
    keyChanged = Signal(object)  # KeyStatus

    def __init__(self, settings: Settings, settings_file: Path, key_store: KeyStore, key_status: KeyStatus,
                 live_base_url: str, default_output: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setModal(False)
        self.setAccessibleName("Settings")
        self._settings = settings
        self._settings_file = settings_file
        self._key_store = key_store
        self._status = key_status
        self._live_url = live_base_url
        self._default_output = default_output
        self._tasks = TaskOwner("settings", on_error=report_exception)
        self._folder_dialog: QFileDialog | None = None

        key_box = QGroupBox("getimg.ai API key")
        self.key_state = QLabel("")
        self.key_state.setWordWrap(True)
        self.key_state.setAccessibleName("Key status")
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste your key (from the getimg.ai dashboard)")
        self.key_edit.setAccessibleName("API key")
        self.storage = KeyStorageChoice(key_status.keyring_available, key_status.keyring_name)
        if key_status.source in (KeySource.KEYRING, KeySource.FILE, KeySource.SESSION):
            self.storage.set_choice(key_status.source)
        self.save_key_button = QPushButton("Save key")
        self.save_key_button.setAccessibleName("Save key")
        self.test_key_button = QPushButton("Test key")
        self.test_key_button.setAccessibleName("Test key")
        self.remove_key_button = QPushButton("Remove key")
        self.remove_key_button.setAccessibleName("Remove key")
        self.key_result = QLabel("")
        self.key_result.setWordWrap(True)
        self.key_result.setAccessibleName("Key test result")
        key_buttons = QHBoxLayout()
        for b in (self.save_key_button, self.test_key_button, self.remove_key_button):
            key_buttons.addWidget(b)
        key_buttons.addStretch(1)
        key_layout = QVBoxLayout(key_box)
        for w in (self.key_state, self.key_edit, self.storage):
            key_layout.addWidget(w)
        key_layout.addLayout(key_buttons)
        key_layout.addWidget(self.key_result)

        general = QGroupBox("Videos and appearance")
        self.output_edit = QLineEdit(settings.output_dir)
        self.output_edit.setPlaceholderText(str(default_output))
        self.output_edit.setAccessibleName("Output folder")
        self.output_button = QPushButton("Choose…")
        self.output_button.setAccessibleName("Choose output folder")
        out_row = QHBoxLayout()
        out_row.addWidget(self.output_edit, 1)
        out_row.addWidget(self.output_button)
        self.auto_download = QCheckBox("Save each video as soon as it is ready")
        self.auto_download.setAccessibleName("Auto-download")
        self.auto_download.setChecked(settings.auto_download)
        self.notifications = QCheckBox("Notify me when a video is ready or fails")
        self.notifications.setAccessibleName("Notifications")
        self.notifications.setChecked(settings.notifications)
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for label, value in (("System", Theme.SYSTEM), ("Light", Theme.LIGHT), ("Dark", Theme.DARK)):
            self.theme.addItem(label, value.value)
        self.theme.setCurrentIndex(self.theme.findData(settings.theme.value))
        self.demo_mode = QCheckBox("Demo mode: use the built-in simulator even with a key (from the next start)")
        self.demo_mode.setAccessibleName("Demo mode")
        self.demo_mode.setChecked(settings.demo_mode)
        form = QFormLayout(general)
        form.addRow("Output folder", out_row)
        form.addRow("", self.auto_download)
        form.addRow("", self.notifications)
        form.addRow("Theme", self.theme)
        form.addRow("", self.demo_mode)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setAccessibleName("Save settings")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close settings")
        self.saved_note = QLabel("")
        self.saved_note.setAccessibleName("Settings saved")
        set_hint(self.saved_note, "muted")
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_note, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(key_box)
        layout.addWidget(general)
        layout.addLayout(bottom)

        self.save_key_button.clicked.connect(lambda: self._start(self.save_key(), "key"))
        self.test_key_button.clicked.connect(lambda: self._start(self.test_key(), "test"))
        self.remove_key_button.clicked.connect(lambda: self._start(self.remove_key(), "key"))
        self.output_button.clicked.connect(self._choose_folder)
        save.clicked.connect(lambda: self._start(self.save(), "save"))
        self.buttons.rejected.connect(self.close)
        self._show_status(key_status)

    def open(self) -> None:
        """Show without blocking anything: QDialog.open() would make it window-modal, exec() a nested loop."""
        self.setModal(False)
        self.show()
        self.raise_()
        self.activateWindow()

    # Actions (coroutines, also called directly by tests) ---------------------------------------------------

    def settings(self) -> Settings:
        return self._settings.with_changes(
            output_dir=self.output_edit.text().strip(),
            auto_download=self.auto_download.isChecked(),
            notifications=self.notifications.isChecked(),
            theme=Theme(self.theme.currentData()),
            demo_mode=self.demo_mode.isChecked(),
        )

    async def save(self) -> Settings:
        new = self.settings()
        await asyncio.get_running_loop().run_in_executor(None, save_settings, self._settings_file, new)
        self._settings = new
        self.saved_note.setText("Saved.")
        self.settingsSaved.emit(new)
        return new

    async def save_key(self) -> None:
        key = self.key_edit.text().strip()
        if not key:
            self._result("Paste a key first.", "error")
            return
        where = self.storage.choice()
        try:
            await self._key_store.asave(key, where)
        except (OSError, TimeoutError, ValueError) as exc:
            self._result(f"The key could not be saved in {where.label}: {exc or 'timed out'}.", "error")
            return
        self.key_edit.clear()
        status = await self._key_store.aload()
        self._show_status(status)
        self._result(f"Key saved in {where.label}. It is used from the next start.", "muted")
        self.keyChanged.emit(status)

    async def remove_key(self) -> None:
        try:
            await self._key_store.aremove()
        except (OSError, TimeoutError) as exc:
            self._result(f"The key could not be removed: {exc or 'timed out'}.", "error")
            return
        status = await self._key_store.aload()
        self._show_status(status)
        self._result("Key removed from this computer.", "muted")
        self.keyChanged.emit(status)

    async def test_key(self) -> None:
        key = self.key_edit.text().strip() or (self._status.key or "")
        if not key:
            self._result("There is no key to test: paste one above.", "error")
            return
        self._result("Testing the key…", "muted")
        client = GetimgClient(self._live_url, key, read_retries=0)
        try:
            balance = await client.balance()
        except GetimgError as exc:
            self._result(f"The key did not work: {exc.message}", "error")
            return
        finally:
            await client.aclose()
        self._result(f"The key works. Balance: {format_money(balance.amount, balance.currency)}.", "ok")

    async def shutdown(self) -> None:
        await self._tasks.close()

    # Internals -----------------------------------------------------------------------------------------------

    def _start(self, coro: object, name: str) -> None:
        self._tasks.start(coro, name=name)  # type: ignore[arg-type]

    def _result(self, text: str, hint: str) -> None:
        self.key_result.setText(text)
        set_hint(self.key_result, "" if hint == "ok" else hint)

    def _show_status(self, status: KeyStatus) -> None:
        self._status = status
        if status.source is KeySource.ENV:
            text = f"Using the key from {ENV_VAR}; it overrides any stored key"
            text += " (a stored key exists but is not used)." if status.stored_key_overridden else "."
        elif status.key:
            text = f"A key is stored in {status.source.label}."
        else:
            text = "No key yet: the app runs in demo mode."
        if not status.keyring_available:
            text += f" No system keyring is available ({status.keyring_name})."
        self.key_state.setText(text)
        self.remove_key_button.setEnabled((status.key is not None and status.source is not KeySource.ENV)
                                          or status.stored_key_overridden)

    def _choose_folder(self) -> None:
        if self._folder_dialog is None:
            self._folder_dialog = QFileDialog(self, "Choose where videos are saved")
            self._folder_dialog.setFileMode(QFileDialog.FileMode.Directory)
            self._folder_dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
            self._folder_dialog.fileSelected.connect(self.output_edit.setText)
        self._folder_dialog.setDirectory(self.output_edit.text() or str(self._default_output))
        self._folder_dialog.open()
