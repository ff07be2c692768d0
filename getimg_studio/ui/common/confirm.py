"""Questions asked before something that costs money or work, as non-modal boxes whose answer is a future.

`confirm_generations` is the one rule for "this creates several billed generations": every action that
would create more than `Settings.confirm_batch_over` of them (variations, a multi-retry) says how many and
how much first, and sends nothing unless the creator says yes. `ask` opens with `open()`, never `exec()`:
a nested event loop would stall every task while the box is up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QMessageBox, QSizePolicy, QSpacerItem, QWidget

from getimg_studio.api.types import CostEstimate, format_money

MIN_BOX_WIDTH = 420  # narrower, and a window manager cuts the box's title short


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 video", "3 videos"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def total_cost(estimates: Sequence[CostEstimate]) -> CostEstimate:
    """The sum of several estimates; unknown when any of them has no listed price."""
    if not estimates or any(e.amount is None for e in estimates):
        return CostEstimate(None, estimates[0].currency if estimates else "USD")
    return CostEstimate(sum((e.amount for e in estimates if e.amount is not None), Decimal(0)),
                        estimates[0].currency)


def generations_question(count: int, total: CostEstimate, what: str, noun: str = "video") -> tuple[str, str]:
    """The title line and the detail of the question, in words (also used by tests). `noun`: what each
    generation makes ("video", "image")."""
    title = f"{what} {plural(count, noun)}?"
    if total.amount is not None:
        detail = (f"This creates {plural(count, 'generation')} on getimg, billed about "
                  f"{format_money(total.amount, total.currency)} in total.")
    else:
        detail = (f"This creates {plural(count, 'generation')} on getimg. The model lists no price for these "
                  "settings, so the total is not known in advance.")
    return title, detail


def widen(box: QMessageBox) -> None:
    """QMessageBox sizes itself to its text alone; a spacer row keeps it wide enough for its title."""
    layout = box.layout()
    if isinstance(layout, QGridLayout):
        spacer = QSpacerItem(MIN_BOX_WIDTH, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        layout.addItem(spacer, layout.rowCount(), 0, 1, layout.columnCount())


def ask(parent: QWidget | None, title: str, text: str, detail: str, yes: str, *,
        destructive: bool = False, dont_ask: str = "") -> tuple[QMessageBox, asyncio.Future[tuple[bool, bool]]]:
    """A question box, open at once; the future answers (yes?, "don't ask again" ticked?)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("question")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setInformativeText(detail)
    widen(box)
    role = QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    yes_button = box.addButton(yes, role)
    yes_button.setAccessibleName(yes)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # Enter on a money question never spends by accident
    box.setEscapeButton(cancel)
    check: QCheckBox | None = None
    if dont_ask:
        check = QCheckBox(dont_ask)
        check.setAccessibleName(dont_ask)
        box.setCheckBox(check)
    future: asyncio.Future[tuple[bool, bool]] = asyncio.get_event_loop().create_future()

    def answered(_result: int) -> None:
        if not future.done():
            future.set_result((box.clickedButton() is yes_button, check is not None and check.isChecked()))

    box.finished.connect(answered)
    box.open()
    return box, future


def confirm_generations(parent: QWidget | None, count: int, total: CostEstimate, threshold: int, *,
                        what: str = "Make", noun: str = "video") -> asyncio.Future[bool]:
    """True at once when `count` is within `threshold`; otherwise the creator's answer to the question."""
    loop = asyncio.get_event_loop()
    if count <= max(1, threshold):
        done: asyncio.Future[bool] = loop.create_future()
        done.set_result(True)
        return done
    title, detail = generations_question(count, total, what, noun)
    _box, answer = ask(parent, "Several generations", title, detail, f"{what} {plural(count, noun)}")
    result: asyncio.Future[bool] = loop.create_future()

    def answered(future: asyncio.Future[tuple[bool, bool]]) -> None:
        if not result.done():
            result.set_result(future.result()[0])

    answer.add_done_callback(answered)
    return result
