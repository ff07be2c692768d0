"""Paints one queue row: thumbnail, prompt, parameters, state with times, cost, favourite mark.

Painting is all a row costs (no widget per row), so 100,000 rows scroll like 10. Every row has the
same height, which lets the view skip measuring rows it does not show.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from getimg_studio.jobs.model import Job, JobState
from getimg_studio.ui.queue.format import cost_text, deletion_text, params_text, state_text
from getimg_studio.ui.queue.model import ETA_ROLE, JOB_ROLE, PROGRESS_ROLE, TAKE_ROLE, QueueModel
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


def state_colour(state: JobState) -> QColor:
    return QColor(_STATE_COLOURS[state])


class QueueDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None, *,
                 model_name: Callable[[str], str] = lambda model_id: model_id) -> None:
        super().__init__(parent)
        self._model_name = model_name

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(max(option.rect.width(), 320), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        job: Job | None = index.data(JOB_ROLE)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        try:
            style = option.widget.style() if option.widget is not None else None
            if style is not None:
                opt = QStyleOptionViewItem(option)
                opt.text = ""
                opt.icon = QIcon()
                style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
            if job is None:
                return
            self._paint_job(painter, rect, palette, selected, job, index)
        finally:
            painter.restore()

    def _paint_job(self, painter: QPainter, rect: QRect, palette: QPalette, selected: bool, job: Job,
                   index: QModelIndex | QPersistentModelIndex) -> None:
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = palette.color(text_role)
        dim = QColor(text_colour)
        dim.setAlphaF(0.7)
        thumb_rect = QRect(rect.left() + MARGIN, rect.top() + (rect.height() - THUMB.height()) // 2,
                           THUMB.width(), THUMB.height())
        self._paint_thumbnail(painter, thumb_rect, index.data(Qt.ItemDataRole.DecorationRole), job)

        model = index.model()
        now = model.now() if isinstance(model, QueueModel) else job.updated_at
        left = thumb_rect.right() + MARGIN + 4
        base = QFont(painter.font())
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))

        cost = cost_text(job)
        cost_width = QFontMetrics(bold).horizontalAdvance(cost) + MARGIN if cost else 0
        star_width = 18 if job.favourite else 0
        width = rect.right() - MARGIN - left
        line_h = QFontMetrics(base).height()
        top = rect.top() + (rect.height() - 3 * line_h - 4) // 2

        painter.setFont(bold)
        painter.setPen(text_colour)
        prompt = QFontMetrics(bold).elidedText(" ".join(job.request.prompt.split()),
                                               Qt.TextElideMode.ElideRight, width - cost_width - star_width)
        painter.drawText(QRect(left, top, width, line_h), Qt.AlignmentFlag.AlignLeft, prompt)
        if cost:
            painter.drawText(QRect(left, top, width, line_h), Qt.AlignmentFlag.AlignRight, cost)
        if job.favourite:
            painter.setPen(QColor("#e0a800"))
            painter.drawText(QRect(left, top, width - cost_width, line_h), Qt.AlignmentFlag.AlignRight, "★")

        painter.setFont(small)
        painter.setPen(dim)
        params = params_text(job, self._model_name(job.request.model), index.data(TAKE_ROLE))
        params = QFontMetrics(small).elidedText(params, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(left, top + line_h + 2, width, line_h), Qt.AlignmentFlag.AlignLeft, params)

        queued = row_status(job, model.queue) if isinstance(model, QueueModel) else None
        status = queued or state_text(job, now, index.data(ETA_ROLE), index.data(PROGRESS_ROLE))
        extras = [files_text(job), deletion_text(job, now)]
        status = " · ".join([status, *(e for e in extras if e)])
        painter.setFont(base)
        painter.setPen(text_colour if selected else state_colour(job.state))
        status = QFontMetrics(base).elidedText(status, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(left, top + 2 * line_h + 4, width, line_h), Qt.AlignmentFlag.AlignLeft, status)

    @staticmethod
    def _paint_thumbnail(painter: QPainter, rect: QRect, pixmap: object, job: Job) -> None:
        painter.fillRect(rect, QColor("#20232a"))
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
            x = rect.left() + (rect.width() - scaled.width()) // 2
            y = rect.top() + (rect.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        else:
            painter.setPen(QColor("#9aa0aa"))
            glyph = {JobState.READY: "▶", JobState.FAILED: "!", JobState.REJECTED: "!"}.get(job.state, "…")
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)
        if job.state.active:
            # A thin band in the state's colour: queued work reads at a glance in a long list.
            painter.fillRect(QRect(rect.left(), rect.bottom() - 2, rect.width(), 3), state_colour(job.state))
