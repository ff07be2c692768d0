"""First-run help: the demo-mode banner, and where to keep the key when no keyring exists."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.secrets import KeySource

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


class KeyStorageChoice(QWidget):
    """Where the key goes when there is no keyring backend: the choice spelled out, nothing silent."""

    def __init__(self, keyring_available: bool, keyring_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Where to keep the key")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.keyring = QRadioButton(f"The system keyring ({keyring_name})")
        self.keyring.setAccessibleName("Keep the key in the system keyring")
        self.session = QRadioButton("This session only: forgotten when the app quits; you enter it again next time")
        self.session.setAccessibleName("Keep the key for this session only")
        self.file = QRadioButton("A file only you can read (permissions 0600 in the config folder; "
                                 "anyone with your user account or an admin can read it)")
        self.file.setAccessibleName("Keep the key in a file only you can read")
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        group = QButtonGroup(self)
        for button in (self.keyring, self.session, self.file):
            group.addButton(button)
            layout.addWidget(button)
        self.keyring.setEnabled(keyring_available)
        if keyring_available:
            self.keyring.setChecked(True)
            self.notice.hide()
        else:
            self.keyring.setToolTip("No keyring backend is available on this system.")
            self.notice.setText(f"No system keyring is available ({keyring_name}). Choose where to keep the key:")
            self.session.setChecked(True)

    def choice(self) -> KeySource:
        if self.keyring.isChecked():
            return KeySource.KEYRING
        if self.file.isChecked():
            return KeySource.FILE
        return KeySource.SESSION

    def set_choice(self, source: KeySource) -> None:
        button = {KeySource.KEYRING: self.keyring, KeySource.FILE: self.file}.get(source, self.session)
        if button.isEnabled():
            button.setChecked(True)
