"""Progress and cancel for long media work: the caller passes plain values, the work checks them per frame.

`progress` receives a fraction in [0, 1] that never goes back and ends at exactly 1.0 when the work succeeds;
calls are thinned to one per half percent so a UI thread is not flooded. `cancel` is a `threading.Event` or a
callable returning True to stop; the work raises `Cancelled` at its next frame or packet and removes its
partial output.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .errors import Cancelled

ProgressFn = Callable[[float], None]
CancelToken = threading.Event | Callable[[], bool]

_STEP = 0.005


class Control:
    """Progress reporting and cancel checks for one piece of work, optionally mapped to a sub-range."""

    def __init__(self, progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> None:
        self._progress = progress
        if cancel is None:
            self._cancelled: Callable[[], bool] = lambda: False
        elif isinstance(cancel, threading.Event):
            self._cancelled = cancel.is_set
        else:
            self._cancelled = cancel
        self._last = -1.0
        self._lo = 0.0
        self._span = 1.0
        self._root = self

    def check(self) -> None:
        """Raise `Cancelled` when the caller asked to stop."""
        if self._root._cancelled():
            raise Cancelled()

    def report(self, fraction: float) -> None:
        """Record progress within this control's range (and check for a cancel)."""
        self.check()
        root = self._root
        if root._progress is None:
            return
        value = self._lo + self._span * min(1.0, max(0.0, fraction))
        if value >= 1.0:
            return  # 1.0 is said once, by done(), when the output is really in place
        if value - root._last >= _STEP:
            root._last = value
            root._progress(value)

    def done(self) -> None:
        """The work is complete and its output in place."""
        root = self._root
        if root is self and root._progress is not None and root._last < 1.0:
            root._last = 1.0
            root._progress(1.0)

    def part(self, start: float, end: float) -> Control:
        """A control whose 0..1 maps onto [start, end] of this one (for work in stages)."""
        sub = Control.__new__(Control)
        sub._root = self._root
        sub._lo = self._lo + self._span * start
        sub._span = self._span * (end - start)
        sub._last = 0.0
        sub._progress = None
        sub._cancelled = self._root._cancelled
        return sub
