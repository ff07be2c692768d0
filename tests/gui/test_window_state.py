"""What the window remembers between starts, the demo banner, and names/keyboard order for every control."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from getimg_studio.api.types import ModelInfo
from getimg_studio.paths import Paths
from getimg_studio.ui.compose.controller import ComposeController
from getimg_studio.ui.window.banner import DEMO_TEXT


def test_size_splitter_panels_and_the_draft_are_restored(sim: Any, open_window: Callable[..., Any],
                                                         run: Callable[..., Any]) -> None:
    async def scenario() -> tuple[list[int], Any]:
        sizes = await first_start()
        return sizes, await open_window(sim.base_url)

    async def first_start() -> list[int]:
        window = await open_window(sim.base_url)
        # The first start opens maximised on a small screen; a creator's resize un-maximises it (a window
        # manager does that; offscreen, setGeometry alone keeps the maximised flag that saveGeometry saves).
        window.showNormal()
        window.setGeometry(40, 30, 1100, 660)
        window.splitter.setSizes([360, 380, 330])
        c = window.compose
        c.select_model("seedance-v1-pro")
        c.set_aspect_ratio("9:16")
        c.view.duration_combo.setCurrentIndex(c.view.duration_combo.findData(10.0))
        c.view.variations.setValue(3)
        c.view.prompt.setPlainText("a draft the creator never sent")
        sizes = [*window.splitter.sizes(), window.width(), window.height(), window.x(), window.y()]
        await window.shutdown()
        window.close()
        return sizes

    sizes, window = run(scenario())
    r = window.compose.request()
    assert (r.model, r.aspect_ratio, r.duration) == ("seedance-v1-pro", "9:16", 10.0)
    assert r.prompt == "a draft the creator never sent"
    assert window.compose.view.variations.value() == 3
    got = [*window.splitter.sizes(), window.width(), window.height(), window.x(), window.y()]
    assert got == sizes, f"{got} != {sizes}"


def test_demo_banner_add_key_and_dismiss(sim: Any, open_window: Callable[..., Any], run: Callable[..., Any],
                                         paths: Paths) -> None:
    async def scenario() -> None:
        window = await open_window(sim.base_url, "--demo")
        # Demo mode chosen outright needs no key: the keyring is read when the settings first open.
        assert window.services.key_status is None
        check(window)
        dialog = window.controller.settings_dialog
        await until(lambda: "No key yet" in dialog.view.key_state.text(), what="the keyring read on opening")

    run(scenario())


def check(window: Any) -> None:
    from getimg_studio.settings import load_settings as load

    assert window.services.mode == "demo"
    assert window.banner.isVisible()
    assert window.banner.text.text() == DEMO_TEXT
    assert "nothing is billed" in DEMO_TEXT
    assert window.status.mode_label.text() == "Demo (built-in simulator)"
    # Qt appends the application's name itself: the title must not name it a second time.
    assert window.windowTitle() == "Demo mode"
    window.banner.add_key_button.click()
    assert window.controller.settings_dialog is not None
    assert window.controller.settings_dialog.view.isVisible()
    assert window.controller.settings_dialog.view.key_edit.accessibleName() == "API key"
    window.banner.dismiss_button.click()
    assert not window.banner.isVisible()
    window.controller.settings.flush()  # saved off the painting thread: wait for the file
    assert load(window.services.paths.settings_file).demo_banner_dismissed


REQUIRED = ["Model", "Prompt", "Aspect ratio", "Resolution", "Duration", "Sound", "Variations", "First frame",
            "Last frame", "Reference image", "Cost estimate", "Generate"]
INTERACTIVE = (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QAbstractSpinBox)


def test_every_control_is_named_and_tab_order_follows_the_layout(make_compose: Callable[..., ComposeController],
                                                                 video_models: list[ModelInfo]) -> None:
    compose = make_compose(video_models)
    view = compose.view
    names = {w.accessibleName() for w in view.findChildren(QWidget)}
    compose.select_model("seedance-v1-5-pro")
    names |= {w.accessibleName() for w in view.findChildren(QWidget)}
    compose.select_model("seedance-v1-pro")  # the model with reference slots
    names |= {w.accessibleName() for w in view.findChildren(QWidget)}
    missing = [n for n in REQUIRED if n not in names]
    assert not missing
    unnamed = [type(w).__name__ for w in view.findChildren(QWidget)
               if isinstance(w, INTERACTIVE) and not w.accessibleName() and w.parent() is not None
               and not isinstance(w.parent(), QAbstractSpinBox)]
    assert not unnamed

    compose.select_model("seedance-v1-5-pro")
    view.prompt.setPlainText("x")
    order: list[str] = []
    widget: QWidget = view.model_combo
    for _ in range(500):
        inner = isinstance(widget.parent(), QAbstractSpinBox | QComboBox)  # a spin box's own line edit
        if widget.isVisible() and widget.isEnabled() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and not inner:
            order.append(widget.accessibleName())
        widget = widget.nextInFocusChain()
        if widget is view.model_combo:
            break
    expected = ["Model", "Prompt", "Aspect ratio", "Resolution", "Duration", "Sound", "Variations",
                "First frame", "Browse for first frame", "Generate"]
    assert [n for n in order if n in expected] == expected, " | ".join(order)
