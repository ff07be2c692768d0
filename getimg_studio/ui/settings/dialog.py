"""The settings window's layout (non-modal): the API key and where it is kept, videos, jobs and money, looks.

Only layout lives here; `SettingsController` fills the fields from the settings store each time the
dialog opens (so closing without Save discards the edits) and writes back only the fields it shows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.settings import Theme
from getimg_studio.ui.common.count_spin import CountSpinBox
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.settings.key_setup import KeyStorageChoice


def _spin(name: str, low: int, high: int, special: str = "", suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setAccessibleName(name)
    spin.setRange(low, high)
    if special:
        spin.setSpecialValueText(special)
    if suffix:
        spin.setSuffix(suffix)
    return spin


def _amount_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText("no limit")
    edit.setMaximumWidth(160)
    edit.setToolTip("An amount such as 50 or 12.50; empty for no limit. "
                    "`getimg-studio budget` reads and sets the same budget.")
    return edit


class SettingsDialog(QDialog):
    def __init__(self, default_output: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setModal(False)
        self.setAccessibleName("Settings")

        key_box = QGroupBox("getimg.ai API key")
        self.key_state = QLabel("")
        self.key_state.setWordWrap(True)
        self.key_state.setAccessibleName("Key status")
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText("Paste your key (from the getimg.ai dashboard)")
        self.key_edit.setAccessibleName("API key")
        self.storage = KeyStorageChoice()
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
        self.output_edit = QLineEdit()
        self.output_edit.setPlaceholderText(str(default_output))
        self.output_edit.setAccessibleName("Output folder")
        self.output_button = QPushButton("Choose…")
        self.output_button.setAccessibleName("Choose output folder")
        out_row = QHBoxLayout()
        out_row.addWidget(self.output_edit, 1)
        out_row.addWidget(self.output_button)
        self.auto_download = QCheckBox("Save each video as soon as it is ready")
        self.auto_download.setAccessibleName("Auto-download")
        self.notifications = QCheckBox("Notify me when a video is ready or fails")
        self.notifications.setAccessibleName("Notifications")
        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        for label, value in (("System", Theme.SYSTEM), ("Light", Theme.LIGHT), ("Dark", Theme.DARK)):
            self.theme.addItem(label, value.value)
        self.demo_mode = QCheckBox("Demo mode: use the built-in simulator even with a key (from the next start)")
        self.demo_mode.setAccessibleName("Demo mode")
        form = QFormLayout(general)
        output_label = QLabel("&Output folder")
        output_label.setBuddy(self.output_edit)
        form.addRow(output_label, out_row)
        form.addRow("", self.auto_download)
        form.addRow("", self.notifications)
        form.addRow("&Theme", self.theme)
        form.addRow("", self.demo_mode)

        jobs = QGroupBox("Jobs and money")
        self.max_in_flight = _spin("Most generations in flight at once", 0, 50, "learn from getimg")
        self.max_in_flight.setToolTip("0 lets getimg's own limit decide (learnt from its answers)")
        self.time_limit = _spin("Flag a job that takes longer than", 1, 24 * 60, suffix=" min")
        self.time_limit.setToolTip("A job still generating after this long is marked as taking longer than "
                                   "usual; it is still followed")
        self.confirm_over = CountSpinBox("video at once", "videos at once")
        self.confirm_over.setAccessibleName("Ask before making more than")
        self.confirm_over.setRange(1, 50)
        self.confirm_over.setToolTip("Variations and a retry of several jobs say how many and how much first")
        self.confirm_quit = QCheckBox("Say so when I quit while videos are being made")
        self.confirm_quit.setAccessibleName("Ask when quitting with active jobs")
        jobs_form = QFormLayout(jobs)
        jobs_form.addRow("Most in &flight", self.max_in_flight)
        jobs_form.addRow("Flag a job after", self.time_limit)
        jobs_form.addRow("&Ask before more than", self.confirm_over)
        jobs_form.addRow("", self.confirm_quit)
        # Money (issue 15): the spending budget the engine enforces before anything is queued.
        self.budget_monthly = _amount_edit("Monthly budget")
        self.budget_daily = _amount_edit("Daily budget")
        self.budget_note = QLabel("Generate, variations and Retry are refused before anything is sent when they "
                                  "would pass a budget; queued jobs count at their estimate.")
        self.budget_note.setWordWrap(True)
        set_hint(self.budget_note, "muted")
        jobs_form.addRow("&Monthly budget", self.budget_monthly)
        jobs_form.addRow("Dail&y budget", self.budget_daily)
        jobs_form.addRow("", self.budget_note)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save settings")
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close settings")
        self.saved_note = QLabel("")
        self.saved_note.setAccessibleName("Settings saved")
        set_hint(self.saved_note, "muted")
        bottom = QHBoxLayout()
        bottom.addWidget(self.saved_note, 1)
        bottom.addWidget(self.buttons)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        for box in (key_box, general, jobs):
            body_layout.addWidget(box)
        body_layout.addStretch(1)
        scroll = QScrollArea()  # a small screen (or 2x scale) still reaches Save
        self.scroll_area = scroll
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self.resize(620, 640)

    def show_budget(self) -> None:
        """Scroll to the monthly budget and put the cursor there, its text selected (once laid out)."""

        def focus() -> None:
            self.scroll_area.ensureWidgetVisible(self.budget_note, 0, 12)
            self.budget_monthly.setFocus(Qt.FocusReason.OtherFocusReason)
            self.budget_monthly.selectAll()

        QTimer.singleShot(0, self, focus)

    def open(self) -> None:
        """Show without blocking anything: QDialog.open() would make it window-modal, exec() a nested loop."""
        self.setModal(False)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            self.resize(min(self.width(), screen.width() - 40), min(self.height(), screen.height() - 40))
        self.show()
        self.raise_()
        self.activateWindow()
