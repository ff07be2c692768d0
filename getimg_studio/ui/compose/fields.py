"""Small pieces of the compose form: option combos rebuilt from capabilities, and per-field messages."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import CostEstimate, Role, format_money
from getimg_studio.api.validation import Issue
from getimg_studio.ui.common.theme import set_hint

_RATIO_NAMES = {"16:9": "landscape", "9:16": "portrait", "1:1": "square", "21:9": "cinema"}


def ratio_text(ratio: str) -> str:
    name = _RATIO_NAMES.get(ratio)
    return f"{ratio} ({name})" if name else ratio


def _same(a: object, b: object) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def resolution_order(value: str) -> tuple[int, str]:
    """720p < 1080p < 4K: by the number in the name (a "K" counts in thousands), then by the name."""
    digits = "".join(ch for ch in value if ch.isdigit())
    number = int(digits) if digits else 0
    return (number * 1000 if value.upper().endswith("K") else number, value)


def fill_combo(combo: QComboBox, values: Sequence[object], labels: Sequence[str], model_name: str,
               what: str, wanted: object = None, default: object = None) -> bool:
    """Refill `combo` with `values`, choosing `wanted` when offered, else `default` (else the first).

    Returns whether `wanted` (when given) could be chosen. A single choice or none leaves the control
    disabled, with a tooltip saying why.
    """
    combo.blockSignals(True)
    combo.clear()
    for value, label in zip(values, labels, strict=True):
        combo.addItem(label, value)
    index = next((i for i, v in enumerate(values) if wanted is not None and _same(v, wanted)), None)
    fallback = next((i for i, v in enumerate(values) if default is not None and _same(v, default)), 0)
    combo.setCurrentIndex((index if index is not None else fallback) if values else -1)
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
    return wanted is None or index is not None


def cost_text(est: CostEstimate, count: int) -> str:
    """ "Estimated cost: $0.75  (5 s × $0.05 × 3)" or "...: no listed price"."""
    detail = ""
    if est.amount is not None and est.unit_price is not None and est.quantity is not None:
        unit = " s" if est.billable_unit == "video_second" else f" {est.billable_unit or 'unit'}"
        detail = f"  ({est.quantity / count:g}{unit} × {format_money(est.unit_price, est.currency)}"
        detail += f" × {count})" if count > 1 else ")"
    return f"Estimated cost: {est.text()}{detail}"


def cost_warning(est: CostEstimate, balance: Decimal | None, has_model: bool) -> str:
    if est.amount is None and has_model:
        return "This model lists no price for these settings; the server will bill its own rate."
    if est.amount is not None and balance is not None and est.amount > balance:
        return (f"This is more than your balance ({format_money(balance, est.currency)}): "
                "the server will refuse it.")
    return ""


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


def issue_for_error(exc: GetimgError) -> Issue:
    """Where a server rejection is shown: the field its `param` names, the cost (402), or the form."""
    param = (exc.param or "").split("[")[0].split(".")[0]
    if exc.kind is ErrorKind.CONTENT_POLICY and not param:
        param = "prompt"
    if param in {"model", "prompt", "aspect_ratio", "resolution", "duration", "sound", "images",
                 *{r.value for r in Role}}:
        return Issue(param, exc.message)
    if exc.kind is ErrorKind.QUOTA:
        return Issue("cost", exc.message)
    return Issue("form", exc.message)
