"""What the window remembers between starts, the demo banner, and names/keyboard order for every control."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from getimg_studio.api.types import GenerationRequest, ModelInfo
from getimg_studio.jobs.model import Job
from getimg_studio.paths import Paths
from getimg_studio.ui.compose.controller import ComposePanel
from getimg_studio.ui.settings.key_setup import DEMO_TEXT


def test_size_splitter_and_last_parameters_are_restored(sim: Any, open_window: Callable[..., Any],
                                                        run: Callable[..., Any]) -> None:
    async def scenario() -> tuple[list[int], Any]:
        sizes = await first_start()
        return sizes, await open_window(sim.base_url)

    async def first_start() -> list[int]:
        window = await open_window(sim.base_url)
        window.resize(760, 700)  # within the offscreen screen (800 x 800): restoreGeometry clamps to it
        window.splitter.setSizes([380, 100, 280])
        c = window.compose
        c.select_model("seedance-v1-pro")
        c.set_aspect_ratio("9:16")
        c.duration_combo.setCurrentIndex(c.duration_combo.findData(10.0))
        c.variations.setValue(3)
        sizes = [*window.splitter.sizes(), window.width(), window.height()]
        await window.shutdown()
        window.close()
        return sizes

    sizes, window = run(scenario())
    r = window.compose.request()
    assert (r.model, r.aspect_ratio, r.duration) == ("seedance-v1-pro", "9:16", 10.0)
    assert window.compose.variations.value() == 3
    assert [*window.splitter.sizes(), window.width(), window.height()] == sizes


def test_demo_banner_add_key_and_dismiss(sim: Any, open_window: Callable[..., Any], run: Callable[..., Any],
                                         paths: Paths) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url, "--demo")
        check(window)

    run(scenario())


def check(window: Any) -> None:
    from getimg_studio.settings import load_settings as load

    assert window.services.mode == "demo"
    assert window.banner.isVisible()
    assert window.banner.text.text() == DEMO_TEXT
    assert "nothing is billed" in DEMO_TEXT
    assert window.status.mode_label.text() == "Demo (built-in simulator)"
    window.banner.add_key_button.click()
    assert window._settings_dialog is not None
    assert window._settings_dialog.isVisible()
    assert window._settings_dialog.key_edit.accessibleName() == "API key"
    window.banner.dismiss_button.click()
    assert not window.banner.isVisible()
    assert load(window.services.paths.settings_file).demo_banner_dismissed


async def _never(request: GenerationRequest, count: int) -> list[Job]:
    raise AssertionError("not submitted here")


REQUIRED = ["Model", "Prompt", "Aspect ratio", "Resolution", "Duration", "Sound", "Variations", "First frame",
            "Last frame", "Reference image 1", "Reference image 2", "Reference image 3", "Reference image 4",
            "Cost estimate", "Generate"]
INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QAbstractSpinBox)


def test_every_control_is_named_and_tab_order_follows_the_layout(qtbot: QtBot, qloop: Any, tmp_path: Path,
                                                                 video_models: list[ModelInfo]) -> None:
    compose = ComposePanel(lambda: video_models, _never, tmp_path / "frames")
    qtbot.addWidget(compose)
    compose.show()
    names = {w.accessibleName() for w in compose.findChildren(QWidget)}
    compose.select_model("seedance-v1-5-pro")
    names |= {w.accessibleName() for w in compose.findChildren(QWidget)}
    compose.select_model("seedance-v1-pro")  # the model with four reference slots
    names |= {w.accessibleName() for w in compose.findChildren(QWidget)}
    missing = [n for n in REQUIRED if n not in names]
    assert not missing
    unnamed = [type(w).__name__ for w in compose.findChildren(QWidget)
               if isinstance(w, INTERACTIVE) and not w.accessibleName() and w.parent() is not None
               and not isinstance(w.parent(), QAbstractSpinBox)]
    assert not unnamed

    compose.select_model("seedance-v1-5-pro")
    compose.prompt.setPlainText("x")
    order: list[str] = []
    widget: QWidget = compose.model_combo
    for _ in range(500):
        inner = isinstance(widget.parent(), QAbstractSpinBox | QComboBox)  # a spin box's own line edit
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and not inner:
            order.append(widget.accessibleName())
        widget = widget.nextInFocusChain()
        if widget is compose.model_combo:
            break
    expected = ["Model", "Prompt", "Aspect ratio", "Resolution", "Duration", "Sound", "Variations",
                "First frame", "Browse for first frame", "Last frame", "Browse for last frame", "Generate"]
    assert [n for n in order if n in expected] == expected, " | ".join(order)
