"""The Spending view's colours: one per model series (shared by the chart and the breakdown's swatches), and the
colour of a flagged difference, each in a light and a dark variant chosen from the widget's palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from getimg_studio.ui.spending.chart_data import OTHER_KEY

# Distinguishable in both palettes and for the common colour-vision deficiencies (after Okabe and Ito).
_LIGHT = ("#2F6FD0", "#E08A1E", "#1F9E77", "#C2467E", "#7B5CC9", "#3BA7C9")
_DARK = ("#6FA4F2", "#F2AE55", "#4CC9A0", "#E57AAA", "#A690EB", "#6FD0EB")
_OTHER = {False: "#9AA0A6", True: "#80868B"}
_WARN = {False: "#8a5a00", True: "#ffd180"}  # the theme's own "warn" hint colours


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def series_colours(count: int, keys: tuple[str, ...], dark: bool) -> list[QColor]:
    """A colour per series key in order; the "other" series is grey and takes no slot."""
    base = _DARK if dark else _LIGHT
    colours, n = [], 0
    for key in keys[:count]:
        if key == OTHER_KEY:
            colours.append(QColor(_OTHER[dark]))
        else:
            colours.append(QColor(base[n % len(base)]))
            n += 1
    return colours


def warn_colour(palette: QPalette) -> QColor:
    return QColor(_WARN[is_dark(palette)])
