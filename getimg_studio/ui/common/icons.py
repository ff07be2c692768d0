"""Small icons drawn in the palette's own text colour, so they read in the light and the dark theme alike.

The styles' bundled media pixmaps are dark grey whatever the palette, nearly invisible on a dark window;
symbol characters (⏮, 🔊) are missing from many desktop fonts. These are drawn on a 16-unit grid when
shown, at the size and pixel ratio asked for, in a dimmer colour for the disabled state.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

Painter = Callable[[QPainter], None]


def _poly(*points: tuple[float, float]) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in points])


def _play(p: QPainter) -> None:
    p.drawPolygon(_poly((4, 2.5), (13.5, 8), (4, 13.5)))


def _pause(p: QPainter) -> None:
    p.drawRect(QRectF(3.5, 2.5, 3.2, 11))
    p.drawRect(QRectF(9.3, 2.5, 3.2, 11))


def _frame_back(p: QPainter) -> None:
    p.drawRect(QRectF(2.5, 3, 2, 10))
    p.drawPolygon(_poly((13.5, 3), (5.5, 8), (13.5, 13)))


def _frame_forward(p: QPainter) -> None:
    p.drawRect(QRectF(11.5, 3, 2, 10))
    p.drawPolygon(_poly((2.5, 3), (10.5, 8), (2.5, 13)))


def _loop(p: QPainter) -> None:
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(p.pen().color(), 1.6)
    p.setPen(pen)
    p.drawArc(QRectF(2.5, 3, 11, 10), 30 * 16, 300 * 16)
    p.restore()
    p.drawPolygon(_poly((11, 1.5), (15, 4.5), (10.5, 6.5)))


def _speaker(p: QPainter) -> None:
    p.drawPolygon(_poly((2, 6), (5, 6), (9, 2.5), (9, 13.5), (5, 10), (2, 10)))


def _volume(p: QPainter) -> None:
    _speaker(p)
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(p.pen().color(), 1.4))
    p.drawArc(QRectF(6.5, 4.5, 6, 7), -60 * 16, 120 * 16)
    p.drawArc(QRectF(6, 2, 9, 12), -60 * 16, 120 * 16)
    p.restore()


def _muted(p: QPainter) -> None:
    _speaker(p)
    p.save()
    p.setPen(QPen(p.pen().color(), 1.6))
    p.drawLine(QPointF(10.5, 5.5), QPointF(14.5, 10.5))
    p.drawLine(QPointF(14.5, 5.5), QPointF(10.5, 10.5))
    p.restore()


def _corners(p: QPainter, inward: bool) -> None:
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(p.pen().color(), 1.6))
    for sx, sy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):  # towards each corner from the centre
        if inward:  # the bend sits inside, its arms reach out to the edges
            bend = QPointF(8 + sx * 2.5, 8 + sy * 2.5)
            arm_x, arm_y = QPointF(8 + sx * 6, bend.y()), QPointF(bend.x(), 8 + sy * 6)
        else:  # the bend sits on the corner, its arms reach in
            bend = QPointF(8 + sx * 5.5, 8 + sy * 5.5)
            arm_x, arm_y = QPointF(bend.x() - sx * 4, bend.y()), QPointF(bend.x(), bend.y() - sy * 4)
        p.drawLine(bend, arm_x)
        p.drawLine(bend, arm_y)
    p.restore()


def _fullscreen(p: QPainter) -> None:
    _corners(p, inward=False)


def _leave_fullscreen(p: QPainter) -> None:
    _corners(p, inward=True)


def _star(p: QPainter) -> None:
    import math

    points = []
    for i in range(10):
        radius = 6.8 if i % 2 == 0 else 2.9
        angle = math.pi / 2 + i * math.pi / 5
        points.append((8 + radius * math.cos(angle), 8.6 - radius * math.sin(angle)))
    p.drawPolygon(_poly(*points))


def _retry(p: QPainter) -> None:
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(p.pen().color(), 1.6))
    p.drawArc(QRectF(2.5, 2.5, 11, 11), 90 * 16, 270 * 16)
    p.restore()
    p.drawPolygon(_poly((8, 0.5), (11.5, 2.7), (8, 5)))


def _remix(p: QPainter) -> None:
    # Back into the form: an arrow curving left into a tray.
    p.save()
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(p.pen().color(), 1.6))
    path = QPainterPath(QPointF(13.5, 3))
    path.cubicTo(QPointF(13.5, 8), QPointF(10, 9), QPointF(5, 9))
    p.drawPath(path)
    p.drawPolyline(_poly((2.5, 11), (2.5, 14), (13.5, 14), (13.5, 11)))
    p.restore()
    p.drawPolygon(_poly((1.5, 9), (5.5, 5.8), (5.5, 12.2)))


def _stop(p: QPainter) -> None:
    p.drawRect(QRectF(3.5, 3.5, 9, 9))


def _remove(p: QPainter) -> None:
    p.drawRect(QRectF(2.5, 3, 11, 1.6))
    p.drawRect(QRectF(6.2, 1.4, 3.6, 1.6))
    p.drawPolygon(_poly((3.8, 5.5), (12.2, 5.5), (11.4, 14.5), (4.6, 14.5)))


def _folder(p: QPainter) -> None:
    p.drawPolygon(_poly((1.5, 3.5), (6, 3.5), (7.5, 5), (14.5, 5), (14.5, 13.5), (1.5, 13.5)))


def _save(p: QPainter) -> None:
    p.drawPolygon(_poly((8, 10.5), (4, 6.5), (6.7, 6.5), (6.7, 1.5), (9.3, 1.5), (9.3, 6.5), (12, 6.5)))
    p.drawRect(QRectF(2.5, 12, 11, 2))


def _more(p: QPainter) -> None:
    p.drawPolygon(_poly((3, 3.5), (7.5, 8), (3, 12.5), (4.8, 12.5), (9.3, 8), (4.8, 3.5)))
    p.drawPolygon(_poly((7.5, 3.5), (12, 8), (7.5, 12.5), (9.3, 12.5), (13.8, 8), (9.3, 3.5)))


def _up(p: QPainter) -> None:
    p.drawPolygon(_poly((8, 2.5), (13.5, 8.5), (10, 8.5), (10, 13.5), (6, 13.5), (6, 8.5), (2.5, 8.5)))


def _down(p: QPainter) -> None:
    p.drawPolygon(_poly((8, 13.5), (13.5, 7.5), (10, 7.5), (10, 2.5), (6, 2.5), (6, 7.5), (2.5, 7.5)))


ICONS: dict[str, Painter] = {
    "play": _play, "pause": _pause, "frame-back": _frame_back, "frame-forward": _frame_forward, "loop": _loop,
    "volume": _volume, "muted": _muted, "fullscreen": _fullscreen, "leave-fullscreen": _leave_fullscreen,
    "star": _star, "retry": _retry, "remix": _remix, "stop": _stop, "remove": _remove, "folder": _folder,
    "save": _save, "more": _more, "up": _up, "down": _down,
}


class _PaintedIcon(QIconEngine):
    """Draws on demand, at the size and pixel ratio asked for: nothing is painted before it is shown."""

    def __init__(self, draw: Painter, normal: QColor, disabled: QColor) -> None:
        super().__init__()
        self._draw, self._normal, self._disabled = draw, normal, disabled

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        colour = self._disabled if mode is QIcon.Mode.Disabled else self._normal
        side = min(rect.width(), rect.height())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2)
        painter.scale(side / 16, side / 16)
        painter.setPen(QPen(colour, 0.1))
        painter.setBrush(colour)
        self._draw(painter)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        pixmap = QPixmap(QSize(round(size.width() * scale), round(size.height() * scale)))
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def clone(self) -> QIconEngine:
        return _PaintedIcon(self._draw, self._normal, self._disabled)


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The named icon in the palette's button-text colour (and its disabled colour)."""
    if palette is None:
        palette = QGuiApplication.palette() if QGuiApplication.instance() is not None else QPalette()
    return QIcon(_PaintedIcon(ICONS[name], palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText),
                              palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)))
