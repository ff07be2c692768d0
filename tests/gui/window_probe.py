"""What a creator must always see, checked on the real window: for the GUI tests and their 2x subprocess.

`offscreen_parts(window)` names every must-see widget (Generate, the estimate, the status bar, the queue's
search, every button of its two toolbars and every tab) that is hidden or not wholly inside the screen's
available area, after a frame with the longest plausible name is loaded and with each model chosen in turn.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QToolButton, QWidget

LONG_NAME = "harbour-at-dusk-reference-still-from-the-location-scout-day-two-final-graded-v3-" + "x" * 60 + ".png"


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def must_see(window: Any) -> dict[str, QWidget]:
    view = window.compose.view
    toolbar = window.queue.toolbar
    buttons = [toolbar.widgetForAction(a) for a in toolbar.actions() if not a.isSeparator()]
    return {"Generate": view.generate_button, "estimate": view.cost_label, "status bar": window.statusBar(),
            "balance": window.status.balance_label, "queue search": window.queue.search,
            "first queue button": buttons[0], "last queue button": buttons[-1]}


def problems(window: Any, when: str) -> list[str]:
    screen = window.screen().availableGeometry()
    found = []
    for name, widget in must_see(window).items():
        if widget is None or not widget.isVisible():
            found.append(f"{when}: {name} is hidden")
        elif not screen.contains(_global_rect(widget)):
            found.append(f"{when}: {name} at {_global_rect(widget)} is outside the screen {screen}")
    scroll = window.compose.view.form_scroll
    form = scroll.widget()
    if scroll.isVisible() and form.width() > scroll.viewport().width():  # no horizontal bar: the right is cut
        found.append(f"{when}: the form is {form.width()} px wide in a {scroll.viewport().width()} px panel")
    for bar in (window.queue.toolbar, window.queue.queue_bar):  # none behind the toolbar's overflow arrow
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if not action.isSeparator() and (button is None or not button.isVisible()):
                found.append(f"{when}: the queue's '{action.text()}' is behind the overflow arrow")
    tabs = window.queue.tabs
    for index in range(tabs.count()):  # none behind the tab bar's scroll arrows
        if not tabs.rect().contains(tabs.tabRect(index)):
            found.append(f"{when}: the queue's '{tabs.tabText(index)}' tab is cut off")
    if any(arrow.isVisible() for arrow in tabs.findChildren(QToolButton)):
        found.append(f"{when}: the queue's tabs scroll")
    if window.frameGeometry().width() > screen.width() or window.frameGeometry().height() > screen.height():
        found.append(f"{when}: the window {window.frameGeometry()} is larger than the screen {screen}")
    return found


async def offscreen_parts(window: Any, frame_dir: Path) -> list[str]:
    from PIL import Image

    path = frame_dir / LONG_NAME
    with Image.new("RGB", (1280, 720), "#335577") as image:
        image.save(path)
    compose = window.compose
    compose.select_model("seedance-v1-5-pro")
    compose.view.prompt.setPlainText("a paper boat drifting down a rainy street " * 20)
    compose.view.frames.first.set_path(path)
    await compose.view.frames.settled()
    found: list[str] = []
    for index in range(compose.view.model_combo.count()):
        compose.view.model_combo.setCurrentIndex(index)
        await asyncio.sleep(0.1)  # layout and paint on the running loop
        found += problems(window, compose.view.model_combo.currentText())
    return found
