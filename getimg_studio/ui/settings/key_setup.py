"""Where to keep the key: the real system keyring when there is one, else a choice spelled out."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget

from getimg_studio.secrets import KeySource
from getimg_studio.ui.common.theme import set_hint


class KeyStorageChoice(QWidget):
    """Where the key goes when there is no keyring backend: the choice spelled out, nothing silent."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Where to keep the key")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Radio buttons do not wrap: a short label each, the explanation in a wrapping line under it.
        self.keyring = QRadioButton("The system keyring")
        self.keyring.setAccessibleName("Keep the key in the system keyring")
        self.keyring_detail = QLabel("")
        self.session = QRadioButton("This session only")
        self.session.setAccessibleName("Keep the key for this session only")
        session_detail = QLabel("Forgotten when the app quits; you enter it again next time.")
        self.file = QRadioButton("A file only you can read")
        self.file.setAccessibleName("Keep the key in a file only you can read")
        file_detail = QLabel("Permissions 0600 in the config folder: anyone with your user account, or an "
                             "administrator, can still read it.")
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        group = QButtonGroup(self)
        for button, detail in ((self.keyring, self.keyring_detail), (self.session, session_detail),
                               (self.file, file_detail)):
            group.addButton(button)
            detail.setWordWrap(True)
            detail.setContentsMargins(24, 0, 0, 4)
            detail.setBuddy(button)
            set_hint(detail, "muted")
            button.setToolTip(detail.text())
            layout.addWidget(button)
            layout.addWidget(detail)
        self.set_keyring(True, "the system keyring")

    def set_keyring(self, available: bool, name: str) -> None:
        """Name the keyring as what it really is; without a real one, say so and offer the other two."""
        self.keyring.setEnabled(available)
        self.keyring_detail.setText(f"Kept by {name}." if available else f"Not available: {name}.")
        self.keyring.setToolTip(self.keyring_detail.text())
        if available:
            self.keyring.setChecked(True)
            self.notice.hide()
        else:
            self.notice.setText("No system keyring is available. Choose where to keep the key:")
            self.notice.show()
            if self.keyring.isChecked() or not (self.session.isChecked() or self.file.isChecked()):
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
