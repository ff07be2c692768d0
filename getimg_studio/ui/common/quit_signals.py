"""SIGTERM and SIGINT (logout, `kill`, Ctrl+C in the terminal) close the app the same way its window does.

Python runs signal handlers only between bytecodes, and a Qt event loop idling in C never gets there, so
the signal is written to a socket (`signal.set_wakeup_fd`) that a QSocketNotifier watches: the handler
then runs on the GUI thread, inside the loop, and the usual ordered shutdown follows (jobs stay pending
in the history and resume at the next start).
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QSocketNotifier

log = logging.getLogger(__name__)

QUIT_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class QuitOnSignals:
    def __init__(self, on_signal: Callable[[int], None]) -> None:
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._previous = {sig: signal.signal(sig, self._note) for sig in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)

    @staticmethod
    def _note(signum: int, frame: FrameType | None) -> None:
        """A Python-level handler must exist for the wakeup byte to be written; the work happens in _drain."""

    def _drain(self) -> None:
        try:
            data = self._reader.recv(64)
        except BlockingIOError:
            return
        for signum in data:
            log.info("signal %d: closing", signum)
            self._on_signal(signum)

    def close(self) -> None:
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._reader.close()
        self._writer.close()
