"""Poll pace, error backoff and the overall timeout, with randomness pinned."""

from __future__ import annotations

import pytest

from getimg_studio.jobs.schedule import error_backoff, is_overdue, poll_delay


def mid() -> float:
    return 0.5  # no jitter


@pytest.mark.parametrize(
    ("elapsed", "expected"), [(0, 5.0), (59, 5.0), (60, 10.0), (299, 10.0), (300, 20.0), (900, 30.0), (1e6, 30.0)]
)
def test_poll_pace_grows_for_long_waits(elapsed: float, expected: float) -> None:
    assert poll_delay(elapsed, mid) == expected


def test_jitter_stays_within_ten_percent_and_under_the_cap() -> None:
    assert poll_delay(0, lambda: 0.0) == pytest.approx(4.5)
    assert poll_delay(0, lambda: 1.0) == pytest.approx(5.5)
    assert poll_delay(10_000, lambda: 1.0) == 30.0


def test_retry_after_is_never_undercut() -> None:
    assert poll_delay(0, mid, retry_after=42.0) == 42.0
    assert poll_delay(0, mid, retry_after=1.0) == 5.0
    assert error_backoff(1, mid, retry_after=90.0) == 90.0


def test_custom_initial_and_cap() -> None:
    assert poll_delay(0, mid, initial=0.2, maximum=1.0) == pytest.approx(0.2)
    assert poll_delay(100, mid, initial=0.2, maximum=0.3) == pytest.approx(0.3)


def test_error_backoff_is_exponential_and_capped() -> None:
    top = [error_backoff(n, lambda: 1.0) for n in range(1, 9)]
    assert top[:5] == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert top[5:] == [60.0, 60.0, 60.0]
    assert error_backoff(10_000, lambda: 1.0) == 60.0
    assert error_backoff(3, lambda: 0.0) == 4.0  # jitter takes off at most half


def test_overdue_after_the_timeout() -> None:
    assert not is_overdue(1799, 1800)
    assert is_overdue(1800, 1800)
    assert not is_overdue(10**9, 0)  # 0: no timeout
