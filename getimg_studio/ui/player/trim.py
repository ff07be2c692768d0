"""In and out points on the player's clip: I and O set them at the playhead, handles under the seek bar drag
them, Ctrl+Shift+X clears them; the Export dialog exports that span.

`TrimRange` decides (the span of one clip, clamped to its length, the in point never after the out point);
`TrimBar` only draws it under the seek slider, aligned with the slider's own groove, and turns drags into
calls on the range. `PlayerTrim` attaches both to a `PlayerPanel` without the panel knowing: it follows the
clip through the seek slider's range (every new clip sets it) and adds its actions to `panel.actions_`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QMouseEvent, QPainter, QPaintEvent, QPalette, QPolygon
from PySide6.QtWidgets import QBoxLayout, QSizePolicy, QSlider, QStyle, QStyleOptionSlider, QWidget

_GRAB_PX = 8  # how near a handle a press must be to move it


@dataclass(frozen=True, slots=True)
class Span:
    start_ms: int
    end_ms: int

    @property
    def seconds(self) -> tuple[float, float]:
        return self.start_ms / 1000, self.end_ms / 1000


class TrimRange(QObject):
    """The in and out points of the clip on screen (None: the clip's start / end)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.duration_ms = 0
        self.in_ms: int | None = None
        self.out_ms: int | None = None

    def reset(self, duration_ms: int) -> None:
        self.duration_ms = max(0, duration_ms)
        self.in_ms = self.out_ms = None
        self.changed.emit()

    @property
    def active(self) -> bool:
        return self.in_ms is not None or self.out_ms is not None

    def span(self) -> Span:
        start = self.in_ms or 0
        end = self.out_ms if self.out_ms is not None else self.duration_ms
        return Span(start, max(start, end))

    def set_in(self, ms: int) -> None:
        ms = self._clamp(ms)
        if self.out_ms is not None and ms >= self.out_ms:
            self.out_ms = None  # a new in point past the out point starts a new span, as editors do
        self.in_ms = ms or None
        self.changed.emit()

    def set_out(self, ms: int) -> None:
        ms = self._clamp(ms)
        if self.in_ms is not None and ms <= self.in_ms:
            self.in_ms = None
        self.out_ms = ms if ms < self.duration_ms else None
        self.changed.emit()

    def clear(self) -> None:
        if self.active:
            self.in_ms = self.out_ms = None
            self.changed.emit()

    def describe(self) -> str:
        span = self.span()
        start, end = span.seconds
        return f"{start:.2f} s – {end:.2f} s ({end - start:.2f} s)"

    def _clamp(self, ms: int) -> int:
        return max(0, min(int(ms), self.duration_ms))


class TrimBar(QWidget):
    """The span drawn under the seek slider, with a handle at each end that a drag moves."""

    def __init__(self, trim: TrimRange, slider: QSlider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Trim")
        self.setToolTip("In and out points: drag a handle, or press I and O at the playhead")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.trim = trim
        self.slider = slider
        self._dragging: Callable[[int], None] | None = None
        trim.changed.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(100, 12)

    def x_of(self, ms: int) -> int:
        """Where the slider draws its handle's centre for `ms`, in this widget's coordinates."""
        slider = self.slider
        option = QStyleOptionSlider()
        slider.initStyleOption(option)
        style = slider.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove,
                                      slider)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle,
                                      slider)
        span = max(1, groove.width() - handle.width())
        offset = slider.mapTo(self.window(), QPoint(0, 0)).x() - self.mapTo(self.window(), QPoint(0, 0)).x()
        along = QStyle.sliderPositionFromValue(slider.minimum(), max(1, slider.maximum()), ms, span)
        return offset + groove.x() + handle.width() // 2 + along

    def ms_at(self, x: int) -> int:
        start, end = self.x_of(0), self.x_of(max(1, self.trim.duration_ms))
        if end <= start:
            return 0
        return round((x - start) / (end - start) * self.trim.duration_ms)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.trim.duration_ms <= 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        span = self.trim.span()
        left, right = self.x_of(span.start_ms), self.x_of(span.end_ms)
        mid = self.height() // 2
        groove = QColor(palette.color(QPalette.ColorRole.Mid))
        painter.fillRect(QRect(self.x_of(0), mid - 1, self.x_of(self.trim.duration_ms) - self.x_of(0), 2), groove)
        accent = palette.color(QPalette.ColorRole.Highlight)
        painter.fillRect(QRect(left, mid - 2, max(1, right - left), 4), accent)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        h = self.height()
        painter.drawPolygon(QPolygon([QPoint(left, 0), QPoint(left, h), QPoint(left + 7, h // 2)]))
        painter.drawPolygon(QPolygon([QPoint(right, 0), QPoint(right, h), QPoint(right - 7, h // 2)]))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        x = round(event.position().x())
        span = self.trim.span()
        near_in, near_out = abs(x - self.x_of(span.start_ms)), abs(x - self.x_of(span.end_ms))
        if min(near_in, near_out) > _GRAB_PX or self.trim.duration_ms <= 0:
            event.ignore()
            return
        self._dragging = self._move_in if near_in < near_out else self._move_out
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging is not None:
            self._dragging(self.ms_at(round(event.position().x())))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = None

    def _move_in(self, ms: int) -> None:
        end = self.trim.span().end_ms
        self.trim.set_in(min(ms, end - 1))

    def _move_out(self, ms: int) -> None:
        start = self.trim.span().start_ms
        self.trim.set_out(max(ms, start + 1))


class PlayerTrim(QObject):
    """In/out points and their keys on a player panel; `exportRequested` when the creator asks to export."""

    exportRequested = Signal()

    def __init__(self, panel: QWidget, controls: QWidget, slider: QSlider, actions: dict[str, QAction],
                 position: Callable[[], int | None], job_id: Callable[[], int | None]) -> None:
        super().__init__(panel)
        self.trim = TrimRange(self)
        self.bar = TrimBar(self.trim, slider, controls)
        layout = controls.layout()
        assert isinstance(layout, QBoxLayout)
        layout.insertWidget(1, self.bar)
        self._position = position
        self._job_id = job_id
        self._shown_job: int | None = None
        slider.rangeChanged.connect(self._range_changed)

        def make(name: str, text: str, keys: tuple[str, ...], handler: Callable[[], None]) -> None:
            action = QAction(text, panel)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(handler)
            action.setEnabled(False)
            panel.addAction(action)
            actions[name] = action
            self.actions[name] = action

        self.actions: dict[str, QAction] = {}
        make("set_in", "Set in point", ("I",), self._set_in)
        make("set_out", "Set out point", ("O",), self._set_out)
        make("clear_trim", "Clear in and out points", ("Ctrl+Shift+X",), self.trim.clear)
        make("export", "Export…", ("E",), self.exportRequested.emit)

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        job = self._job_id()
        if job != self._shown_job or maximum != self.trim.duration_ms:
            self._shown_job = job
            self.trim.reset(maximum)
        for action in self.actions.values():
            action.setEnabled(maximum > 0)
        self.bar.setVisible(maximum > 0)

    def _set_in(self) -> None:
        ms = self._position()
        if ms is not None:
            self.trim.set_in(ms)

    def _set_out(self) -> None:
        ms = self._position()
        if ms is not None:
            self.trim.set_out(ms)
