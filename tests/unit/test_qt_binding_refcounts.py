"""PySide6 6.12.0 dropped a reference to None on every void Qt call and to True on every emit; on Python
3.11 the app then aborted after a few thousand calls. pyproject pins below it; this catches a binding
release that brings the bug back before a creator's session does."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_qt_calls_and_emits_keep_singleton_refcounts(qapp: object) -> None:
    timer, emitter = QTimer(), _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        timer.setInterval(5)
        emitter.fired.emit(1)
    assert abs(sys.getrefcount(None) - none_before) < 100
    assert abs(sys.getrefcount(True) - true_before) < 100
