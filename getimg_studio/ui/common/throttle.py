"""`Throttle`: a burst of requests becomes a few calls a second, the first of them at once.

The engine can send a dozen events a second (a draining queue changes every queued row's place with
each job sent). Repainting or relaying out for each made the window's loop late by tens of milliseconds
each time; a person reads no more than a few changes a second anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """Calls `action` at once when the last call was at least `interval` seconds ago, else once when it
    is; requests meanwhile join that one call."""

    def __init__(self, action: Callable[[], None], interval: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._action = action
        self._interval = interval
        self._last = float("-inf")  # time.monotonic() of the last call
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._call)

    def request(self) -> None:
        if self._timer.isActive():
            return
        wait = self._last + self._interval - time.monotonic()
        if wait <= 0:
            self._call()
        else:
            self._timer.start(max(1, round(wait * 1000)))

    def stop(self) -> None:
        """Drop a pending call (the owner is closing)."""
        self._timer.stop()

    def _call(self) -> None:
        self._last = time.monotonic()
        self._action()
