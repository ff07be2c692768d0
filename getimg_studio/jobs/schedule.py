"""When to poll next, how long to back off after an error, when a job is overdue. Plain functions.

The vendor asks for a poll every 5 s at first. Long waits poll less often (most videos take a minute or
two; a job still pending after five minutes gains nothing from a 5 s pace), and a little jitter keeps
hundreds of jobs submitted together from polling in lockstep. A server's `Retry-After` always wins:
we never poll sooner than it asks. Randomness is injected so tests are exact.
"""

from __future__ import annotations

from collections.abc import Callable

JITTER = 0.1  # +-10 % of the delay
# (seconds waited so far, multiple of the initial delay) steps; the cap applies on top.
_STEPS = ((60.0, 1.0), (300.0, 2.0), (900.0, 4.0))


def poll_delay(
    elapsed: float,
    rand: Callable[[], float],
    *,
    initial: float = 5.0,
    maximum: float = 30.0,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait before the next poll of a job pending for `elapsed` seconds.

    5 s for the first minute, 10 s until five minutes, 20 s until fifteen, then `maximum` (30 s), each
    +-10 %, never above `maximum` and never below the server's `retry_after`.
    """
    base = maximum
    for until, factor in _STEPS:
        if elapsed < until:
            base = initial * factor
            break
    delay = min(base * (1.0 + JITTER * (2.0 * rand() - 1.0)), maximum)
    if retry_after is not None and retry_after > delay:
        return retry_after
    return max(delay, 0.0)


def error_backoff(
    failures: int,
    rand: Callable[[], float],
    *,
    base: float = 2.0,
    cap: float = 60.0,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait after `failures` (>= 1) failed polls in a row: exponential, capped, jittered.

    The jitter takes off up to half the delay ("equal jitter"), so the wait still grows while clients
    that failed together spread out. A server's `retry_after` is a floor.
    """
    exponent = max(failures - 1, 0)
    raw = cap if exponent >= 32 else min(cap, base * (2.0**exponent))
    delay = raw * (0.5 + 0.5 * rand())
    if retry_after is not None and retry_after > delay:
        return retry_after
    return delay


def is_overdue(elapsed: float, timeout: float) -> bool:
    """Past the overall timeout: the job is flagged (and shown) as overdue, yet still tracked."""
    return timeout > 0 and elapsed >= timeout
