"""Small pieces of the compose form: option combos rebuilt from capabilities, and per-field messages."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from getimg_studio.ui.theme import set_hint

_RATIO_NAMES = {"16:9": "landscape", "9:16": "portrait", "1:1": "square", "21:9": "cinema"}


def ratio_text(ratio: str) -> str:
    name = _RATIO_NAMES.get(ratio)
    return f"{ratio} ({name})" if name else ratio


def _same(a: object, b: object) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def fill_combo(combo: QComboBox, values: Sequence[object], labels: Sequence[str], model_name: str,
               what: str) -> None:
    """Refill `combo`, keeping its current value when the new list has it (else the first, the default).

    A single choice or none leaves the control disabled, with a tooltip saying why.
    """
    current = combo.currentData() if combo.count() else None
    combo.blockSignals(True)
    combo.clear()
    for value, label in zip(values, labels, strict=True):
        combo.addItem(label, value)
    index = next((i for i, v in enumerate(values) if current is not None and _same(v, current)), 0)
    combo.setCurrentIndex(index if values else -1)
    combo.blockSignals(False)
    if not values:
        combo.setEnabled(False)
        combo.setToolTip(f"{model_name} has no {what} to choose: the server decides.")
    elif len(values) == 1:
        combo.setEnabled(False)
        combo.setToolTip(f"{model_name} only offers {labels[0]}.")
    else:
        combo.setEnabled(True)
        combo.setToolTip("")


class FieldMessages:
    """One message label under each form control, shown only when it has something to say."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def wrap(self, field: str, control: QWidget) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(control)
        label = QLabel("")
        label.setWordWrap(True)
        label.setAccessibleName(f"{control.accessibleName()} message")
        label.hide()
        box.addWidget(label)
        self.labels[field] = label
        return holder

    def show(self, field: str, text: str, hint: str) -> None:
        label = self.labels[field]
        label.setText(text)
        label.setVisible(bool(text))
        set_hint(label, hint if text else "")

    def text(self, field: str) -> str:
        return self.labels[field].text()
