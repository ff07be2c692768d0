"""Turns the engine's typed events into Qt signals, so widgets never hold engine callbacks themselves.

The engine calls its observers on its own thread. The bridge keeps what arrives in order and hands it to
the window's thread through one queued call, where the public signals are emitted: receivers always run on
the GUI thread. Download progress is coalesced (only the latest per job is passed on), so a fast download
costs the window one update per turn of its loop, not one per chunk.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

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
    _arrived = Signal()  # internal: events are waiting (queued to this object's thread)

    def __init__(self, subscribe: Callable[[Callable[[JobEvent], None]], Callable[[], None]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._events: deque[JobEvent] = deque()
        self._progress: dict[int, DownloadProgress] = {}  # latest per job
        self._scheduled = False
        self._owner = threading.get_ident()
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = subscribe(self._on_event)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_event(self, event: JobEvent) -> None:
        """Any thread. Events from the GUI thread itself (an engine on the window's loop) go out at once."""
        if threading.get_ident() == self._owner:
            self._deliver()
            self._emit(event)
            return
        with self._lock:
            if isinstance(event, DownloadProgress):
                known = event.job_id in self._progress
                self._progress[event.job_id] = event
                if known:
                    return  # its place in the line is taken: the latest will be delivered there
            self._events.append(event)
            if self._scheduled:
                return
            self._scheduled = True
        self._arrived.emit()

    def _deliver(self) -> None:
        """GUI thread: everything that arrived, in order."""
        with self._lock:
            events, self._events = self._events, deque()
            progress, self._progress = self._progress, {}
            self._scheduled = False
        for event in events:
            if isinstance(event, DownloadProgress):
                event = progress.get(event.job_id, event)
            self._emit(event)

    def _emit(self, event: JobEvent) -> None:
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
