"""The demo-mode banner: what demo mode is, how to add a key, and (once a key is saved) going live."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

DEMO_TEXT = ("Demo mode: videos are made on this computer by the built-in simulator; nothing is billed. "
             "Add your getimg.ai API key to make real videos.")


class DemoBanner(QFrame):
    """Shown in demo mode until dismissed. "Add API key" opens the settings."""

    addKeyRequested = Signal()
    switchRequested = Signal()  # a key was saved: go live now
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBanner")
        self.setAccessibleName("Demo mode notice")
        self.text = QLabel(DEMO_TEXT)
        self.text.setWordWrap(True)
        self.add_key_button = QPushButton("Add API key…")
        self.add_key_button.setAccessibleName("Add API key")
        self.add_key_button.clicked.connect(self.addKeyRequested)
        self.switch_button = QPushButton("Switch to live mode")
        self.switch_button.setAccessibleName("Switch to live mode")
        self.switch_button.clicked.connect(self.switchRequested)
        self.switch_button.hide()
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setAccessibleName("Dismiss demo notice")
        self.dismiss_button.clicked.connect(self._dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.text, 1)
        row.addWidget(self.add_key_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def offer_switch(self) -> None:
        """The creator saved a key while in demo mode: offer to go live without quitting the app."""
        self.text.setText(
            "Your API key is saved. Switch to live mode to make real videos with getimg (they are billed to "
            "your account). Demo jobs stay in the history and carry on the next time demo mode runs."
        )
        self.add_key_button.hide()
        self.switch_button.show()
        self.show()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
