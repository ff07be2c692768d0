"""When the queue may send its next job: the account's limits as learnt from getimg's answers. Plain logic.

getimg has one cap on generations in flight per workspace and a per-minute limit on creations; neither is
published, so both are learnt:
- a 429 `rate_limit` without `Retry-After` is the in-flight cap: it is as large as what this app had in
  flight when it came (at least 1). The next job goes when one of ours finishes. The account may hold more
  than we saw (other apps used some slots), so after a quiet while at the cap one more send probes it;
- a 429 with `Retry-After` (seconds, an HTTP date or `retry-after-ms`) is the per-minute limit, and so is an
  accepted creation whose `X-RateLimit-Remaining` is 0: nothing is sent before the window resets. Images and
  videos have a per-minute limit each (the vendor's rate-limit guide), so each kind has its own window; the
  in-flight cap is one for both (an image counts while it is being made);
- 503 and "cannot connect" back off exponentially (nothing was created either).
The creator's "most in flight at once" setting (0: learn it) is a ceiling on top. Times are the loop's
monotonic seconds; randomness is injected so tests are exact.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from getimg_studio.jobs.model import JobKind
from getimg_studio.jobs.schedule import error_backoff

PROBE_AFTER = 120.0  # seconds at a learnt cap before one more send tries whether it grew
MAX_WINDOW_WAIT = 60.0  # a per-minute window never asks for more than this


@dataclass(frozen=True, slots=True)
class Room:
    ok: bool
    reason: str = ""  # why not, in the creator's words
    wait: float | None = None  # seconds until it may change by itself; None: when a job changes


class Pacer:
    def __init__(self, max_in_flight: int = 0, rand: Callable[[], float] = random.random, *,
                 backoff: float = 2.0) -> None:
        self.max_in_flight = max(0, max_in_flight)
        self._backoff = backoff  # seconds after the first "busy" refusal; doubles with each one in a row
        self.learnt_cap: int | None = None
        self._rand = rand
        self._window_until: dict[JobKind, float] = {}
        self._backoff_until = 0.0
        self._backoff_reason = ""
        self._failures = 0
        self._at_cap_since: float | None = None

    @property
    def cap(self) -> int | None:
        caps = [c for c in (self.learnt_cap, self.max_in_flight or None) if c is not None]
        return min(caps) if caps else None

    def room(self, now: float, in_flight: int, kind: JobKind = JobKind.VIDEO) -> Room:
        if now < self._backoff_until:
            return Room(False, f"{self._backoff_reason}: next try in {_seconds(self._backoff_until - now)}",
                        self._backoff_until - now)
        window_until = self._window_until.get(kind, 0.0)
        if now < window_until:
            limit = "per-minute limit" if kind is JobKind.VIDEO else "per-minute limit for images"
            return Room(False, f"getimg's {limit} is reached: next in {_seconds(window_until - now)}",
                        window_until - now)
        cap = self.cap
        if cap is None or in_flight < cap:
            self._at_cap_since = None
            return Room(True)
        if self._probe_due(now, in_flight):
            return Room(True)
        if self._at_cap_since is None:
            self._at_cap_since = now
        wait = PROBE_AFTER - (now - self._at_cap_since) if self._probing_allowed(in_flight) else None
        return Room(False, f"waiting for a free slot: {in_flight} of {cap} in use", wait)

    def _probing_allowed(self, in_flight: int) -> bool:
        # Never above the creator's own ceiling; only a learnt cap is probed.
        return self.learnt_cap is not None and in_flight >= self.learnt_cap and (
            not self.max_in_flight or in_flight < self.max_in_flight)

    def _probe_due(self, now: float, in_flight: int) -> bool:
        return (self._probing_allowed(in_flight) and self._at_cap_since is not None
                and now - self._at_cap_since >= PROBE_AFTER)

    def accepted(self, now: float, in_flight: int, remaining: int | None, reset_in: float | None,
                 kind: JobKind = JobKind.VIDEO) -> None:
        """A creation was accepted; `in_flight` counts it. The rate-limit headers, when sent, pace the next of
        its kind."""
        self._failures = 0
        self._backoff_until = 0.0
        if self.learnt_cap is not None and in_flight > self.learnt_cap:
            self.learnt_cap = in_flight  # a probe (or a freed slot elsewhere) showed more room
            self._at_cap_since = None
        if remaining is not None and remaining <= 0:
            self._window_until[kind] = now + min(max(reset_in or 1.0, 0.0), MAX_WINDOW_WAIT)

    def refused_cap(self, now: float, in_flight: int) -> None:
        """429 for the in-flight cap, while `in_flight` of ours were in flight."""
        self.learnt_cap = max(1, in_flight)
        self._at_cap_since = now
        if in_flight == 0:  # every slot is taken by something else: come back later
            self.refused_later(now, None, "getimg says the account has no free slot (other apps may use it)")

    def refused_window(self, now: float, retry_after: float, kind: JobKind = JobKind.VIDEO) -> None:
        self._window_until[kind] = now + min(max(retry_after, 0.0), MAX_WINDOW_WAIT)

    def refused_later(self, now: float, retry_after: float | None, reason: str) -> None:
        """Nothing was created (503, cannot connect): back off, growing with each refusal in a row."""
        self._failures += 1
        delay = error_backoff(self._failures, self._rand, base=self._backoff, retry_after=retry_after)
        self._backoff_until = now + delay
        self._backoff_reason = reason

    def set_max_in_flight(self, value: int) -> None:
        self.max_in_flight = max(0, value)


def _seconds(value: float) -> str:
    value = max(value, 0.0)
    return f"{value:.0f} s" if value >= 1 else "a moment"
