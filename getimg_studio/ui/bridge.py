"""Turns the engine's typed events into Qt signals, so widgets never hold engine callbacks themselves."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from getimg_studio.jobs.model import (
    BalanceChanged,
    CatalogueChanged,
    DownloadProgress,
    JobAdded,
    JobChanged,
    JobEvent,
    JobsRemoved,
    QueueChanged,
)


class EngineBridge(QObject):
    jobAdded = Signal(object)  # Job
    jobChanged = Signal(object, object)  # Job, previous JobState
    jobsRemoved = Signal(object)  # tuple[int, ...]
    downloadProgress = Signal(int, object, object)  # job id, received, total (ints can exceed 2**31)
    balanceChanged = Signal(object, str)  # Decimal | None, currency
    catalogueChanged = Signal()
    queueChanged = Signal(object)  # QueueStatus

    def __init__(self, subscribe: Callable[[Callable[[JobEvent], None]], Callable[[], None]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = subscribe(self._on_event)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_event(self, event: JobEvent) -> None:
        match event:
            case JobAdded(job=job):
                self.jobAdded.emit(job)
            case JobChanged(job=job, previous=previous):
                self.jobChanged.emit(job, previous)
            case JobsRemoved(ids=ids):
                self.jobsRemoved.emit(ids)
            case DownloadProgress(job_id=job_id, received=received, total=total):
                self.downloadProgress.emit(job_id, received, total)
            case BalanceChanged(amount=amount, currency=currency):
                self.balanceChanged.emit(amount, currency)
            case CatalogueChanged():
                self.catalogueChanged.emit()
            case QueueChanged(status=status):
                self.queueChanged.emit(status)
