"""Light, dark or the system's palette, applied to the whole application.

Fusion is used for the explicit themes because it is the one style that honours a custom palette on
every platform; "system" puts back the style and palette Qt chose at start-up.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from getimg_studio.settings import Theme

_ORIGINAL_STYLE = "_getimg_original_style"
_ORIGINAL_PALETTE = "_getimg_original_palette"


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
        p.setColor(group, QPalette.ColorRole.Button, QColor(52, 55, 60))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor(255, 120, 120))
        p.setColor(group, QPalette.ColorRole.Highlight, accent)
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
        p.setColor(group, QPalette.ColorRole.Link, QColor(120, 180, 255))
        p.setColor(group, QPalette.ColorRole.Mid, QColor(70, 74, 80))
        p.setColor(group, QPalette.ColorRole.Dark, QColor(20, 21, 24))
        p.setColor(group, QPalette.ColorRole.Light, QColor(80, 84, 90))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(disabled, role, QColor(125, 129, 135))
    p.setColor(disabled, QPalette.ColorRole.Base, QColor(33, 35, 38))
    p.setColor(disabled, QPalette.ColorRole.Button, QColor(44, 46, 50))
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


def apply_theme(app: QApplication, theme: Theme) -> None:
    if app.property(_ORIGINAL_STYLE) is None:
        app.setProperty(_ORIGINAL_STYLE, app.style().name())
        app.setProperty(_ORIGINAL_PALETTE, app.palette())
    if theme is Theme.SYSTEM:
        app.setStyle(str(app.property(_ORIGINAL_STYLE)))
        app.setPalette(app.property(_ORIGINAL_PALETTE))
    else:
        app.setStyle("Fusion")
        app.setPalette(_dark_palette() if theme is Theme.DARK else _light_palette())
    app.setStyleSheet(_style_sheet(is_dark(app)))


def _style_sheet(dark: bool) -> str:
    """Colours for the message labels, chosen by the `hint` property so they follow the theme."""
    error, warn, muted = ("#ff8a80", "#ffd180", "#a8adb5") if dark else ("#b3261e", "#8a5a00", "#5f6368")
    banner_bg, banner_fg = ("#2d3b55", "#e8eefc") if dark else ("#e6efff", "#1a2b4a")
    return (
        f'QLabel[hint="error"] {{ color: {error}; }}\n'
        f'QLabel[hint="warning"] {{ color: {warn}; }}\n'
        f'QLabel[hint="muted"] {{ color: {muted}; }}\n'
        f"QFrame#demoBanner {{ background: {banner_bg}; border-radius: 4px; }}\n"
        f"QFrame#demoBanner QLabel {{ color: {banner_fg}; }}\n"
        f"QFrame#frameSlot {{ border: 1px dashed {muted}; border-radius: 4px; }}\n"
        f'QFrame#frameSlot[dragOver="true"] {{ border: 2px solid #4a90e2; }}\n'
    )


def set_hint(widget: QWidget, hint: str) -> None:
    """Mark a label as "error", "warning", "muted" or "" and let the style sheet recolour it."""
    if widget.property("hint") == hint:
        return
    widget.setProperty("hint", hint)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
