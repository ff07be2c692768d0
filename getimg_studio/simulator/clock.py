"""The simulator's clock: real time plus an offset the tests move forward (``POST /_sim/clock``).

Everything time-bound in the simulator reads it: pending time, deletion (`deletes_at`), signed-URL expiry,
the per-minute window. So a test of a video deleted after a day moves the clock by a day instead of
waiting. Renders still take real time: they are real work.
"""

from __future__ import annotations

import time


class SimClock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move forward (never back: the server's records must stay in order); returns the new time."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self.offset += seconds
        return self.now()
