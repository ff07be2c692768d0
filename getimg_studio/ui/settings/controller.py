"""What the settings window does: show the settings store's values, save the ones it shows, manage the key.

Every time the dialog opens its fields are filled from `store.current`, so closing it without Save
discards the edits. Save changes only the fields the dialog shows (`store.update`), so a change the
window made meanwhile (the demo banner dismissed, a panel hidden) is never undone by a stale copy.

The key goes to secrets.KeyStore, never into settings.json. Keyring and network work run as kept tasks
(the keyring in an executor with a timeout), so the dialog never stalls the loop.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from getimg_studio.jobs.budget import budget_to_text, parse_amount
from getimg_studio.secrets import ENV_VAR, KeyCheck, KeySource, KeyStatus, KeyStore, check_key
from getimg_studio.settings import Settings, SettingsStore, Theme
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common.crash import report_exception
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.settings.dialog import SettingsDialog


class SettingsController(QObject):
    keyChanged = Signal(object)  # KeyStatus

    def __init__(self, view: SettingsDialog, store: SettingsStore, key_store: KeyStore, key_status: KeyStatus | None,
                 live_base_url: str, default_output: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._store = store
        self._key_store = key_store
        self._status = key_status or KeyStatus(None, KeySource.NONE, False, "the keyring is being read")
        self._live_url = live_base_url
        self._default_output = default_output
        self._tasks = TaskOwner("settings", on_error=report_exception)
        self._folder_dialog: QFileDialog | None = None
        self._filled: dict[str, object] = {}  # the fields as `fill` set them: Save writes what differs
        v = view
        v.save_key_button.clicked.connect(lambda: self._tasks.start(self.save_key(), name="key"))
        v.test_key_button.clicked.connect(lambda: self._tasks.start(self.test_key(), name="test"))
        v.remove_key_button.clicked.connect(lambda: self._tasks.start(self.remove_key(), name="key"))
        v.output_button.clicked.connect(self._choose_folder)
        v.save_button.clicked.connect(self.save)
        v.buttons.rejected.connect(v.close)
        self._show_status(self._status)
        self.fill()
        # A change made elsewhere while the dialog stands open (the window, `getimg-studio budget set`) is shown
        # at once, unless the creator has begun editing here: then Save still writes only their changes.
        self._unsubscribe = store.subscribe(lambda _new, _changed: self._show_outside_change())
        self._read_keyring = key_status is None  # demo mode started without reading it: read it now

    def open(self) -> None:
        self.fill()
        if self._read_keyring:
            self._read_keyring = False
            self.view.key_state.setText("Reading the keyring…")
            self._tasks.start(self._load_status(), name="key")
        self.view.open()

    async def _load_status(self) -> None:
        self._show_status(await self._key_store.aload())

    def fill(self) -> None:
        """The fields as the store holds them now: edits from a dialog closed without Save are gone."""
        s, v = self._store.current, self.view
        v.output_edit.setText(s.output_dir)
        v.auto_download.setChecked(s.auto_download)
        v.notifications.setChecked(s.notifications)
        v.theme.setCurrentIndex(v.theme.findData(s.theme.value))
        v.demo_mode.setChecked(s.demo_mode)
        v.max_in_flight.setValue(s.max_in_flight)
        v.time_limit.setValue(s.poll_timeout_minutes)
        v.confirm_over.setValue(s.confirm_batch_over)
        v.confirm_quit.setChecked(s.confirm_quit_active)
        v.budget_monthly.setText(s.budget_monthly)
        v.budget_daily.setText(s.budget_daily)
        v.saved_note.setText("")
        set_hint(v.saved_note, "muted")
        self._filled = self.edited()

    def edited(self) -> dict[str, object]:
        """The dialog's fields, by setting name: all Save ever writes."""
        v = self.view
        return {
            "output_dir": v.output_edit.text().strip(),
            "auto_download": v.auto_download.isChecked(),
            "notifications": v.notifications.isChecked(),
            "theme": Theme(v.theme.currentData()),
            "demo_mode": v.demo_mode.isChecked(),
            "max_in_flight": v.max_in_flight.value(),
            "poll_timeout_minutes": v.time_limit.value(),
            "confirm_batch_over": v.confirm_over.value(),
            "confirm_quit_active": v.confirm_quit.isChecked(),
            "budget_monthly": v.budget_monthly.text().strip(),
            "budget_daily": v.budget_daily.text().strip(),
        }

    def save(self) -> Settings:
        # Only what was changed here: a field left as it was filled must not write back a value that another
        # part of the window, or `getimg-studio budget set`, changed while the dialog stood open.
        edited = {name: value for name, value in self.edited().items() if value != self._filled.get(name)}
        try:  # money (issue 15): a budget is saved as the amount it is, or not at all
            for name in ("budget_monthly", "budget_daily"):
                if name in edited:
                    text = str(edited[name])
                    edited[name] = budget_to_text(parse_amount(text)) if text else ""
        except ValueError as exc:
            self.view.saved_note.setText(f"Not saved: {exc}")
            set_hint(self.view.saved_note, "error")
            return self._store.current
        new = self._store.update(**edited)
        self.fill()  # what is saved now, budgets as amounts, and the baseline for the next Save
        self.view.saved_note.setText("Saved.")
        set_hint(self.view.saved_note, "muted")
        return new

    def raise_budget(self) -> None:
        """Open at the monthly budget, its text selected (the refusal's "Raise budget…")."""
        self.open()
        self.view.show_budget()

    # The key ---------------------------------------------------------------------------------------------

    async def save_key(self) -> None:
        v = self.view
        key = v.key_edit.text().strip()
        if not key:
            self._result("Paste a key first.", "error")
            return
        where = v.storage.choice()
        place = self._status.keyring_name if where is KeySource.KEYRING else where.label
        try:
            await self._key_store.asave(key, where)
        except (OSError, TimeoutError, ValueError) as exc:
            self._result(f"The key could not be saved in {place}: {exc or 'timed out'}.", "error")
            return
        v.key_edit.clear()
        status = await self._key_store.aload()
        self._show_status(status)
        self._result(f"Key saved in {status.where if status.key else place}.", "muted")
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
        key = self.view.key_edit.text().strip() or (self._status.key or "")
        if not key:
            self._result("There is no key to test: paste one above.", "error")
            return
        self._result("Testing the key…", "muted")
        result = await check_key(self._live_url, key)
        hint = {KeyCheck.WORKS: "ok", KeyCheck.REFUSED: "error"}.get(result.outcome, "warning")
        self._result(result.message, hint)

    async def shutdown(self) -> None:
        self._unsubscribe()
        await self._tasks.close()

    def _show_outside_change(self) -> None:
        if self.edited() == self._filled:
            note = self.view.saved_note.text()
            self.fill()
            self.view.saved_note.setText(note)  # "Saved." stays after our own Save's update

    # Internals -------------------------------------------------------------------------------------------

    def _result(self, text: str, hint: str) -> None:
        self.view.key_result.setText(text)
        set_hint(self.view.key_result, "" if hint == "ok" else hint)

    def _show_status(self, status: KeyStatus) -> None:
        self._status = status
        v = self.view
        v.storage.set_keyring(status.keyring_available, status.keyring_name)
        if status.source in (KeySource.KEYRING, KeySource.FILE, KeySource.SESSION):
            v.storage.set_choice(status.source)
        if status.source is KeySource.ENV:
            text = f"Using the key from {ENV_VAR}; it overrides any stored key"
            text += " (a stored key exists but is not used)." if status.stored_key_overridden else "."
        elif status.key:
            text = f"A key is stored in {status.where}."
        else:
            text = "No key yet: the app runs in demo mode."
        v.key_state.setText(text)
        v.remove_key_button.setEnabled((status.key is not None and status.source is not KeySource.ENV)
                                       or status.stored_key_overridden)

    def _choose_folder(self) -> None:
        v = self.view
        if self._folder_dialog is None:
            self._folder_dialog = QFileDialog(v, "Choose where videos are saved")
            self._folder_dialog.setFileMode(QFileDialog.FileMode.Directory)
            self._folder_dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
            self._folder_dialog.fileSelected.connect(v.output_edit.setText)
        self._folder_dialog.setDirectory(v.output_edit.text() or str(self._default_output))
        self._folder_dialog.open()
