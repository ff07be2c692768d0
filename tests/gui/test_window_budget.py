"""Money in the wired window: the status bar's month and budget, the refusal with "Raise budget…", Spending."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from getimg_studio.simulator.testing import LITE
from getimg_studio.ui.money.status import BudgetLabel, BudgetStatus

OpenWindow = Callable[..., Any]


async def _until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"{what} not reached in {timeout} s"
        await asyncio.sleep(0.05)


def test_budget_in_status_bar_refusal_raise_budget_and_spending(sim: Any, open_window: OpenWindow, paths: Any,
                                                                run: Callable[..., Any], qtbot: QtBot) -> None:
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"extra": {"poll_initial": "0.2", "poll_max": "0.5"},
                                               "budget_monthly": "0.05", "confirm_batch_over": 5}))

    async def scenario() -> None:
        window = await open_window(sim.base_url)
        label = window.findChild(BudgetLabel)
        status = window.findChild(BudgetStatus)
        assert label is not None
        assert status is not None
        await _until(lambda: "left this month" in label.text(), "the budget in the status bar")
        assert label.text() == "This month: $0.00 · $0.05 left this month"
        compose = window.compose
        assert compose.select_model(LITE)
        compose.view.prompt.setPlainText("A kite over the hills")
        compose.view.variations.setValue(2)  # $0.08 > $0.05
        compose.view.generate_button.click()
        await compose.wait_submitted()
        message = compose.view.form_message.text()
        assert "over your monthly budget of $0.05" in message
        assert "Raise budget…" in message
        assert window.services.engine.store.ids() == []  # nothing queued, nothing sent
        assert sum(sim.stats()["requests"].get("create", {}).values()) == 0

        # Keyboard only: Tab from Generate reaches the link, Enter follows it
        compose.view.generate_button.setFocus(Qt.FocusReason.TabFocusReason)
        await _until(compose.view.generate_button.hasFocus, "focus on Generate")
        for _ in range(6):
            if compose.view.form_message.hasFocus():
                break
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
        assert compose.view.form_message.hasFocus(), QApplication.focusWidget()
        qtbot.keyClick(compose.view.form_message, Qt.Key.Key_Tab)  # the label's first link
        qtbot.keyClick(compose.view.form_message, Qt.Key.Key_Return)
        dialog = window.controller.settings_dialog
        assert dialog is not None
        await _until(lambda: dialog.view.isVisible(), "the settings window")
        await _until(lambda: dialog.view.budget_monthly.selectedText() == "0.05", "the budget field selected")
        assert not dialog.view.budget_monthly.visibleRegion().isEmpty()  # scrolled into view
        dialog.view.budget_monthly.setText("abc")
        dialog.save()
        assert dialog.view.saved_note.text().startswith("Not saved:")
        assert window.controller.settings.current.budget_monthly == "0.05"
        dialog.view.budget_monthly.setText("$1")
        dialog.save()
        assert window.controller.settings.current.budget_monthly == "1.00"
        await _until(lambda: "$1.00 left this month" in label.text(), "the raised budget")
        dialog.view.close()

        compose.view.generate_button.click()
        await compose.wait_submitted()
        ids = window.services.engine.store.ids()
        assert len(ids) == 2
        await window.services.engine.wait_idle(ids, timeout=60)
        await _until(lambda: label.text() == "This month: $0.08 · $0.92 left this month", "the bills")

        window.activateWindow()
        await _until(window.isActiveWindow, "the window to be active")
        compose.view.model_combo.setFocus(Qt.FocusReason.TabFocusReason)
        await _until(compose.view.model_combo.hasFocus, "focus in the form")
        qtbot.keyClick(compose.view.model_combo, Qt.Key.Key_B,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        spending = [w for w in QApplication.topLevelWidgets() if w.windowTitle() == "Spending" and w.isVisible()]
        assert spending, "Ctrl+Shift+B opens the Spending window"
        # the controller's report: the two bills, as the ledger holds them
        from getimg_studio.ui.spending.view import SpendingView

        view = spending[0]
        assert isinstance(view, SpendingView)
        await _until(lambda: view.status.text() != "Reading the spending history…", "the spending figures")
        # live mode: getimg's /v2/billing/costs beside the ledger, day by day (the simulator bills as getimg)
        await _until(lambda: view.server_table.rowCount() > 0, "getimg's figures beside the ledger's")
        table = view.server_table
        days = [(table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())]
        assert ("$0.08", "$0.08") in days, days
        view.close()

    run(scenario(), timeout=120)


def test_a_budget_set_from_the_command_line_applies_in_the_open_window_and_stays(
        sim: Any, open_window: OpenWindow, paths: Any, run: Callable[..., Any]) -> None:
    """`getimg-studio budget set` while the window is open: the window enforces it at once, says so, and its
    own next save (the draft, as the creator types) keeps it instead of writing the old budget back."""
    from getimg_studio.settings import change_settings_file, load_settings

    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"extra": {"poll_initial": "0.2", "poll_max": "0.5"},
                                               "confirm_batch_over": 5}))

    async def scenario() -> None:
        window = await open_window(sim.base_url)
        label = window.findChild(BudgetLabel)
        assert label is not None
        await _until(lambda: label.text().startswith("This month:"), "the month in the status bar")
        assert "left this month" not in label.text()
        loop = asyncio.get_running_loop()
        # What `getimg-studio budget set 0.05` writes, from outside the window's settings store
        await loop.run_in_executor(None, lambda: change_settings_file(paths.settings_file, budget_monthly="0.05"))
        await _until(lambda: "$0.05 left this month" in label.text(), "the budget set outside the window")
        assert "spending budget was changed outside the window" in window.statusBar().currentMessage()
        assert window.controller.settings.current.budget_monthly == "0.05"

        compose = window.compose
        assert compose.select_model(LITE)
        compose.view.prompt.setPlainText("A kite over the hills")  # saved as the draft
        await window.controller.settings.aflush()
        assert load_settings(paths.settings_file).budget_monthly == "0.05"
        compose.view.variations.setValue(2)  # $0.08 > $0.05
        compose.view.generate_button.click()
        await compose.wait_submitted()
        assert "over your monthly budget of $0.05" in compose.view.form_message.text()
        assert sum(sim.stats()["requests"].get("create", {}).values()) == 0

    run(scenario())
