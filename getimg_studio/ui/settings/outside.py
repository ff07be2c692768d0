"""Settings another process saves while the window is open (`getimg-studio budget set`): taken in at once.

Before this the window kept what it had read, and its next save (the draft is saved as it is typed) wrote
the old budget back over the new one. The store now saves only its own changes (settings.py); this watches
the settings file's folder (the file is replaced whole on each save, so a watch on the file itself would
end with the first save) and asks the store to read it again. The store's observers then apply what
changed, as if it had been changed in Settings.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from getimg_studio.settings import SettingsStore
from getimg_studio.tasks import TaskOwner

BUDGET_FIELDS = frozenset({"budget_monthly", "budget_daily"})
SETTLE_MS = 150  # a save is several events (temporary file, rename): one read after the last


def outside_message(names: frozenset[str]) -> str:
    """What the status bar says once changes made elsewhere apply here."""
    if names & BUDGET_FIELDS:
        return "The spending budget was changed outside the window; the new budget applies now."
    return "Settings were changed outside the window; they apply now."


class OutsideChanges(QObject):
    taken = Signal(object)  # frozenset[str]: the settings that changed

    def __init__(self, store: SettingsStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._tasks = TaskOwner("settings-outside")
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._read)
        self._watcher: QFileSystemWatcher | None = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(lambda _path: self._settle.start())
        folder = str(store.path.parent)
        if not self._watcher.addPath(folder):  # no folder, or no inotify: changes wait for a restart
            self._watcher.deleteLater()
            self._watcher = None

    @property
    def watching(self) -> bool:
        return self._watcher is not None

    def _read(self) -> None:
        if self._tasks.closed:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # Qt ran its events with no asyncio loop running (a test's teardown): nothing to do
            return
        self._tasks.start(self._take(), name="settings-refresh")

    async def _take(self) -> None:
        changed = await self._store.refresh()
        if changed:
            self.taken.emit(changed)

    async def close(self) -> None:
        self._settle.stop()
        if self._watcher is not None:
            self._watcher.directoryChanged.disconnect()
        await self._tasks.close()
