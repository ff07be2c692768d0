"""Light, dark or the system's palette, applied to the whole application.

Fusion is used for the explicit themes because it is the one style that honours a custom palette on
every platform; "system" puts back the style and palette Qt chose at start-up. Either way the style is
wrapped in `_StudioStyle`, which draws the few bundled icons we rely on (the toolbar's overflow arrow) in
the palette's colours, and icons bound with `bind_icon` are repainted when the theme changes.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

from getimg_studio.settings import Theme
from getimg_studio.ui.common.icons import icon

_ORIGINAL_STYLE = "_getimg_original_style"
_ORIGINAL_PALETTE = "_getimg_original_palette"
_bound: dict[int, tuple[weakref.ref[Any], str]] = {}  # by id(target): a re-bind replaces


class _StudioStyle(QProxyStyle):
    def standardIcon(self, standard_icon: QStyle.StandardPixmap, option: QStyleOption | None = None,
                     widget: QWidget | None = None) -> QIcon:
        if standard_icon in (QStyle.StandardPixmap.SP_ToolBarHorizontalExtensionButton,
                             QStyle.StandardPixmap.SP_ToolBarVerticalExtensionButton):
            return icon("more")
        return super().standardIcon(standard_icon, option, widget)


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor(37, 39, 43), QColor(27, 29, 32), QColor(230, 232, 235)
    accent = QColor(74, 144, 226)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor(45, 48, 53))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(50, 53, 58))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(150, 155, 162))
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, QColor(58, 62, 68))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor(255, 120, 120))
        p.setColor(group, QPalette.ColorRole.Highlight, accent)
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
        p.setColor(group, QPalette.ColorRole.Link, QColor(120, 180, 255))
        # Fusion draws frames, radio rings and slider grooves from these: light enough to see on the window.
        p.setColor(group, QPalette.ColorRole.Light, QColor(96, 101, 108))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor(80, 84, 90))
        p.setColor(group, QPalette.ColorRole.Mid, QColor(70, 74, 80))
        p.setColor(group, QPalette.ColorRole.Dark, QColor(20, 21, 24))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor(10, 10, 12))
    disabled = QPalette.ColorGroup.Disabled
    # Disabled controls sink into the window: flatter and dimmer than enabled ones, never brighter.
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(disabled, role, QColor(118, 122, 128))
    p.setColor(disabled, QPalette.ColorRole.Window, window)
    p.setColor(disabled, QPalette.ColorRole.Base, QColor(32, 34, 37))
    p.setColor(disabled, QPalette.ColorRole.Button, QColor(42, 44, 48))
    p.setColor(disabled, QPalette.ColorRole.Light, QColor(50, 53, 57))
    p.setColor(disabled, QPalette.ColorRole.Highlight, QColor(60, 70, 85))
    return p


def _light_palette() -> QPalette:
    p = QStyleFactory.create("Fusion").standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor(38, 110, 200))
    # Fusion's disabled text is too faint to read on white; explanations live in disabled controls' tooltips,
    # but their labels must stay legible.
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(120, 120, 120))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 120, 120))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 120, 120))
    return p


def is_dark(app: QApplication) -> bool:
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme(app: QApplication, theme: Theme, *, style_sheet: bool = True) -> None:
    """`style_sheet=False`: the palette and style only; `apply_style_sheet` follows once the widgets exist."""
    if app.property(_ORIGINAL_STYLE) is None:
        app.setProperty(_ORIGINAL_STYLE, app.style().name())
        app.setProperty(_ORIGINAL_PALETTE, app.palette())
    if theme is Theme.SYSTEM:
        app.setStyle(_StudioStyle(str(app.property(_ORIGINAL_STYLE))))
        app.setPalette(app.property(_ORIGINAL_PALETTE))
    else:
        app.setStyle(_StudioStyle("Fusion"))
        app.setPalette(_dark_palette() if theme is Theme.DARK else _light_palette())
    if style_sheet:
        apply_style_sheet(app)
    refresh_icons()


def apply_style_sheet(app: QApplication) -> None:
    """The sheet for the palette in use. Start-up sets it once the window is built: with a sheet in place,
    Qt styles a widget again each time it is added to a layout (a third of the window's build, measured),
    where setting it afterwards styles each widget once."""
    app.setStyleSheet(_style_sheet(is_dark(app)))


def bind_icon(target: QAbstractButton | QAction, name: str) -> None:
    """Give `target` the named icon now and again after every theme change."""
    target.setIcon(icon(name))
    _bound[id(target)] = (weakref.ref(target), name)


def refresh_icons() -> None:
    for key, (ref, name) in list(_bound.items()):
        target = ref()
        try:
            if target is None:
                raise RuntimeError("gone")
            target.setIcon(icon(name))
        except RuntimeError:  # collected, or its C++ object is gone
            del _bound[key]


def _style_sheet(dark: bool) -> str:
    """Colours for the message labels, chosen by the `hint` property so they follow the theme."""
    error, warn, muted = ("#ff8a80", "#ffd180", "#a8adb5") if dark else ("#b3261e", "#8a5a00", "#5f6368")
    banner_bg, banner_fg = ("#2d3b55", "#e8eefc") if dark else ("#e6efff", "#1a2b4a")
    footer_line = "#44484f" if dark else "#d0d4da"
    sheet = (
        f'QLabel[hint="error"] {{ color: {error}; }}\n'
        f'QLabel[hint="warning"] {{ color: {warn}; }}\n'
        f'QLabel[hint="muted"] {{ color: {muted}; }}\n'
        f"QFrame#demoBanner {{ background: {banner_bg}; border-radius: 4px; }}\n"
        f"QFrame#demoBanner QLabel {{ color: {banner_fg}; }}\n"
        f"QFrame#frameSlot {{ border: 1px dashed {muted}; border-radius: 4px; }}\n"
        f'QFrame#frameSlot[dragOver="true"] {{ border: 2px solid #4a90e2; }}\n'
        f'QFrame#frameSlot[unsupported="true"] {{ border: 1px dotted {footer_line}; }}\n'
        f"QFrame#composeFooter {{ border-top: 1px solid {footer_line}; }}\n"
    )
    if dark:
        # Fusion's radio ring is drawn darker than the window itself: unreadable on a dark palette.
        sheet += (
            "QRadioButton::indicator { width: 13px; height: 13px; border-radius: 7px; "
            "border: 1px solid #9aa0aa; background: #1b1d20; }\n"
            "QRadioButton::indicator:checked { background: qradialgradient(cx:0.5, cy:0.5, radius:0.5, "
            "fx:0.5, fy:0.5, stop:0 #4a90e2, stop:0.55 #4a90e2, stop:0.65 #1b1d20); }\n"
            "QRadioButton::indicator:disabled { border-color: #5a5e64; }\n"
        )
    return sheet


def set_hint(widget: QWidget, hint: str) -> None:
    """Mark a label as "error", "warning", "muted" or "" and let the style sheet recolour it."""
    if widget.property("hint") == hint:
        return
    widget.setProperty("hint", hint)
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):  # else its first polish reads the hint
        widget.style().unpolish(widget)
        widget.style().polish(widget)
