"""Paints one queue row: thumbnail, prompt, parameters, state with times, cost, favourite mark.

Painting is all a row costs (no widget per row), so 100,000 rows scroll like 10. Every row has the
same height, which lets the view skip measuring rows it does not show.

A row is painted from two cached pictures: its body (thumbnail, prompt, parameters, cost, star), which
rarely changes, and its status line, which ticks once a second while the job is under way. Laying out
text is most of what a row costs, and the window paints while the engine's thread competes for the
GIL: laying out every row on every repaint made a draining queue late by 75 ms at the 99th percentile
(`bench/bench_loop_stall.py`). A row that did not change is now two pixmap copies. The words come
from the model's plain methods, not through Qt's roles, for the same reason.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from getimg_studio.jobs.model import Job, JobState
from getimg_studio.ui.queue.format import cost_text, deletion_text, params_text, state_text
from getimg_studio.ui.queue.model import QueueModel
from getimg_studio.ui.queue.outputs import files_text
from getimg_studio.ui.queue.waits import row_status

ROW_HEIGHT = 78
THUMB = QSize(112, 63)
MARGIN = 8

_STATE_COLOURS = {
    JobState.QUEUED: "#8890a8",
    JobState.PAUSED: "#808080",
    JobState.SUBMITTING: "#6b7cff",
    JobState.PENDING: "#2f8fdd",
    JobState.WAITING: "#b26b00",
    JobState.DOWNLOADING: "#2aa198",
    JobState.READY: "#3a9d4a",
    JobState.FAILED: "#d64545",
    JobState.EXPIRED: "#b26b00",
    JobState.REJECTED: "#d64545",
    JobState.UNCERTAIN: "#b26b00",
    JobState.STOPPED: "#808080",
}


# A row in none of these states has no background of its own (the view's base shows through): the style
# is not asked to draw one.
_STYLED = (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_HasFocus)


def state_colour(state: JobState) -> QColor:
    return QColor(_STATE_COLOURS[state])


@dataclass(frozen=True, slots=True)
class RowWords:
    """What a row says, worked out from its job and the model: the key of its cached pictures."""

    prompt: str
    params: str
    status: str
    cost: str
    favourite: bool
    state: JobState


def row_words(model: QueueModel, row: int, job: Job, model_name: Callable[[str], str]) -> RowWords:
    now = model.now()
    status = row_status(job, model.queue) or state_text(job, now, model.eta(job), model.progress(job))
    extras = [files_text(job), deletion_text(job, now)]
    return RowWords(prompt=" ".join(job.request.prompt.split()),
                    params=params_text(job, model_name(job.request.model), model.take(row, job)),
                    status=" · ".join([status, *(e for e in extras if e)]),
                    cost=cost_text(job), favourite=job.favourite, state=job.state)


@dataclass(frozen=True, slots=True)
class _Fonts:
    base: QFont
    bold: QFont
    small: QFont
    base_metrics: QFontMetrics
    bold_metrics: QFontMetrics
    small_metrics: QFontMetrics

    @classmethod
    def of(cls, option_font: QFont) -> _Fonts:
        font = QFont(option_font)  # the option's own dies with the option
        bold = QFont(font)
        bold.setBold(True)
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        return cls(font, bold, small, QFontMetrics(font), QFontMetrics(bold), QFontMetrics(small))


class _Pictures:
    """Rendered row parts by what they show, least recently used dropped first."""

    def __init__(self, items: int) -> None:
        self._items: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self._limit = items

    def get(self, key: Hashable, size: QSize, ratio: float, render: Callable[[QPainter], None]) -> QPixmap:
        pixmap = self._items.get(key)
        if pixmap is not None:
            self._items.move_to_end(key)
            return pixmap
        pixmap = QPixmap(max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        try:
            render(painter)
        finally:
            painter.end()
        self._items[key] = pixmap
        while len(self._items) > self._limit:
            self._items.popitem(last=False)
        return pixmap


class QueueDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None, *,
                 model_name: Callable[[str], str] = lambda model_id: model_id) -> None:
        super().__init__(parent)
        self._model_name = model_name
        self._fonts: dict[str, _Fonts] = {}
        # A tall window shows about 15 rows; a few screens of them stay cached for scrolling back.
        self._bodies = _Pictures(200)
        self._statuses = _Pictures(200)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(max(option.rect.width(), 320), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        widget = option.widget
        state = option.state
        if widget is not None and state & _STYLED:  # the view sets no text or icon: only a background to draw
            widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        model = index.model()
        if not isinstance(model, QueueModel):
            return
        row = index.row()
        job = model.job_at(row)
        if job is None:
            return
        words = row_words(model, row, job, self._model_name)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        text_colour = option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                           else QPalette.ColorRole.Text)
        status_colour = text_colour if selected else state_colour(job.state)
        font = option.font
        fonts = self._fonts.get(key := font.key())
        if fonts is None:
            fonts = self._fonts[key] = _Fonts.of(font)
        rect: QRect = option.rect
        thumbnail = model.decoration(job)
        if not isinstance(thumbnail, QPixmap) or thumbnail.isNull():
            thumbnail = None
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        line_h = fonts.base_metrics.height()
        left = MARGIN + THUMB.width() + MARGIN + 4
        width = rect.width() - MARGIN - left
        top = (rect.height() - 3 * line_h - 4) // 2

        body_key = (words.prompt, words.params, words.cost, words.favourite, words.state,
                    thumbnail.cacheKey() if thumbnail is not None else 0, rect.size().toTuple(),
                    text_colour.rgba(), key, ratio)
        body = self._bodies.get(body_key, rect.size(), ratio,
                                lambda p: self._paint_body(p, rect.size(), words, thumbnail, fonts, text_colour))
        status_key = (words.status, width, line_h, status_colour.rgba(), key, ratio)
        status = self._statuses.get(status_key, QSize(width, line_h), ratio,
                                    lambda p: self._paint_status(p, width, line_h, words.status, fonts,
                                                                 status_colour))
        painter.drawPixmap(rect.topLeft(), body)
        painter.drawPixmap(QPoint(rect.left() + left, rect.top() + top + 2 * line_h + 4), status)

    @staticmethod
    def _paint_status(painter: QPainter, width: int, height: int, text: str, fonts: _Fonts,
                      colour: QColor) -> None:
        painter.setFont(fonts.base)
        painter.setPen(colour)
        elided = fonts.base_metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignLeft, elided)

    def _paint_body(self, painter: QPainter, size: QSize, words: RowWords, thumbnail: QPixmap | None,
                    fonts: _Fonts, text_colour: QColor) -> None:
        """Everything but the status line, in the row's own coordinates."""
        dim = QColor(text_colour)
        dim.setAlphaF(0.7)
        painter.setFont(fonts.base)  # a pixmap's painter starts with the application's font
        thumb_rect = QRect(MARGIN, (size.height() - THUMB.height()) // 2, THUMB.width(), THUMB.height())
        self._paint_thumbnail(painter, thumb_rect, thumbnail, words.state)

        left = thumb_rect.right() + MARGIN + 4
        cost_width = fonts.bold_metrics.horizontalAdvance(words.cost) + MARGIN if words.cost else 0
        star_width = 18 if words.favourite else 0
        width = size.width() - MARGIN - left
        line_h = fonts.base_metrics.height()
        top = (size.height() - 3 * line_h - 4) // 2

        painter.setFont(fonts.bold)
        painter.setPen(text_colour)
        prompt = fonts.bold_metrics.elidedText(words.prompt, Qt.TextElideMode.ElideRight,
                                               width - cost_width - star_width)
        painter.drawText(QRect(left, top, width, line_h), Qt.AlignmentFlag.AlignLeft, prompt)
        if words.cost:
            painter.drawText(QRect(left, top, width, line_h), Qt.AlignmentFlag.AlignRight, words.cost)
        if words.favourite:
            painter.setPen(QColor("#e0a800"))
            painter.drawText(QRect(left, top, width - cost_width, line_h), Qt.AlignmentFlag.AlignRight, "★")

        painter.setFont(fonts.small)
        painter.setPen(dim)
        params = fonts.small_metrics.elidedText(words.params, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(left, top + line_h + 2, width, line_h), Qt.AlignmentFlag.AlignLeft, params)

    @staticmethod
    def _paint_thumbnail(painter: QPainter, rect: QRect, pixmap: QPixmap | None, state: JobState) -> None:
        painter.fillRect(rect, QColor("#20232a"))
        if pixmap is not None:
            scaled = pixmap.scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
            x = rect.left() + (rect.width() - scaled.width()) // 2
            y = rect.top() + (rect.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        else:
            painter.setPen(QColor("#9aa0aa"))
            glyph = {JobState.READY: "▶", JobState.FAILED: "!", JobState.REJECTED: "!"}.get(state, "…")
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)
        if state.active:
            # A thin band in the state's colour: queued work reads at a glance in a long list.
            painter.fillRect(QRect(rect.left(), rect.bottom() - 2, rect.width(), 3), state_colour(state))
