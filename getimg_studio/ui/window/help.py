"""The Help menu's windows: every keyboard shortcut (read from the menus themselves), About, the log folder."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from getimg_studio import APP_NAME, __version__

# Keys that belong to a place rather than to a menu: listed with the menus' own.
PLACE_KEYS: tuple[tuple[str, str, str], ...] = (
    ("Queue", "Play the selected clip", "Enter or double-click"),
    ("Queue", "Move through the jobs", "Up / Down, Page Up / Page Down"),
    ("Queue", "Reach the queue's buttons", "Tab from the search"),
    ("Queued view", "Move a job in line", "Alt+Up / Alt+Down, or drag its row"),
    ("Frame slot", "Paste an image", "Ctrl+V"),
    ("Frame slot", "Clear the image", "Delete or Backspace"),
    ("Player", "Seek", "Left / Right on the seek bar"),
    ("Fullscreen", "Leave fullscreen", "Esc, F or F11"),
    ("Anywhere", "Move between fields and buttons", "Tab / Shift+Tab"),
)


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action with a shortcut, in menu order, then the place keys."""
    rows: list[tuple[str, str, str]] = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        title = menu_action.text().replace("&", "")
        for action in menu.actions():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if keys and action.isVisible():
                rows.append((title, action.text().replace("&", "").rstrip("…"), " or ".join(keys)))
    return rows + list(PLACE_KEYS)


class ShortcutsDialog(QDialog):
    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        rows = shortcut_rows(menu_bar)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "What", "Keys"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel("Space and the single-letter keys act on the player wherever focus is, except while you "
                      "type in a text field (and Space still ticks a focused check box).")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 560)


def versions() -> list[tuple[str, str]]:
    def dist(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [(APP_NAME, __version__), ("Python", platform.python_version()), ("Qt", qVersion()),
            ("PySide6", pyside_version), ("getimg SDK", dist("getimg")), ("PyAV", dist("av")),
            ("httpx", dist("httpx"))]


def show_about(parent: QWidget | None) -> QMessageBox:
    lines = "".join(f"<tr><td>{name}</td><td>&nbsp;{version}</td></tr>" for name, version in versions())
    box = QMessageBox(QMessageBox.Icon.NoIcon, f"About {APP_NAME}",
                      f"<h3>{APP_NAME} {__version__}</h3><p>Short videos with the getimg.ai API, with a built-in "
                      f"simulator for trying it without an account.</p><table>{lines}</table>", parent=parent)
    box.setObjectName("aboutBox")
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64) if parent is not None else box.iconPixmap())
    box.open()
    return box


def open_folder(folder: Path, parent: QWidget | None) -> bool:
    """Open `folder` in the file manager; without one, say where it is (selectable, to copy)."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    box = QMessageBox(QMessageBox.Icon.Information, "No file manager",
                      f"This desktop has no file manager to open it with. The folder is:\n{folder}", parent=parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return False
