"""Every answer getimg (or a proxy) can give, as the state and words the creator gets. Plain logic."""

from __future__ import annotations

import pytest

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import RemoteState, RemoteStatus
from getimg_studio.jobs import answers
from getimg_studio.jobs.answers import PollVerdict, SendVerdict, after_poll, after_send
from getimg_studio.jobs.model import WaitReason


def err(kind: ErrorKind, status: int | None = None, retry_after: float | None = None) -> GetimgError:
    return GetimgError(kind, f"{kind.value} message", status=status, retry_after=retry_after)


@pytest.mark.parametrize(("answer", "verdict", "reason", "words"), [
    (err(ErrorKind.AUTH, 401), PollVerdict.WAIT, WaitReason.KEY, "fix the key in Settings and it carries on"),
    (err(ErrorKind.AUTH, 403), PollVerdict.WAIT, WaitReason.KEY, "refused the key"),
    (err(ErrorKind.QUOTA, 402), PollVerdict.WAIT, WaitReason.QUOTA, "top up"),
    (err(ErrorKind.NOT_FOUND, 404), PollVerdict.FAIL, None, "does not know this generation"),
    (err(ErrorKind.INTERMEDIARY, 403), PollVerdict.RETRY, None, "It keeps checking"),
    (err(ErrorKind.SERVER, 502), PollVerdict.RETRY, None, None),
    (err(ErrorKind.OFFLINE), PollVerdict.RETRY, None, None),
    (RemoteStatus("g", RemoteState.PENDING), PollVerdict.CONTINUE, None, None),
    (RemoteStatus("g", RemoteState.FAILED, error_message="Boom"), PollVerdict.FAIL, None, "Boom"),
    (RemoteStatus("g", RemoteState.UNKNOWN, raw_status="cancelled", error_message="Cancelled by support"),
     PollVerdict.FAIL, None, "getimg reports 'cancelled': Cancelled by support"),
    (RemoteStatus("g", RemoteState.UNKNOWN, raw_status="expired"), PollVerdict.RETRY, None,
     "getimg reports 'expired'"),
    (RemoteStatus("g", RemoteState.COMPLETED, problem="no file was listed"), PollVerdict.RETRY, None,
     "ready, but no file was listed"),
])
def test_poll_answers(answer: RemoteStatus | GetimgError, verdict: PollVerdict, reason: WaitReason | None,
                      words: str | None) -> None:
    outcome = after_poll(answer)
    assert outcome.verdict is verdict
    assert outcome.wait_reason is reason
    if words is None:
        assert outcome.message is None
    else:
        assert outcome.message is not None
        assert words in outcome.message


@pytest.mark.parametrize(("error", "verdict"), [
    (err(ErrorKind.RATE_LIMIT, 429, retry_after=3), SendVerdict.LATER),  # per-minute limit
    (err(ErrorKind.RATE_LIMIT, 429), SendVerdict.CAP),  # in-flight cap
    (err(ErrorKind.UNAVAILABLE, 503), SendVerdict.LATER),
    (err(ErrorKind.OFFLINE), SendVerdict.LATER),
    (err(ErrorKind.AUTH, 401), SendVerdict.HOLD),
    (err(ErrorKind.QUOTA, 402), SendVerdict.HOLD),
    (err(ErrorKind.INTERMEDIARY, 403), SendVerdict.HOLD),
    (err(ErrorKind.INVALID, 400), SendVerdict.REJECT),
    (err(ErrorKind.CONTENT_POLICY, 422), SendVerdict.REJECT),
    (err(ErrorKind.UNCERTAIN), SendVerdict.UNCERTAIN),
    (err(ErrorKind.TIMEOUT), SendVerdict.UNCERTAIN),
    (err(ErrorKind.SERVER, 500), SendVerdict.UNCERTAIN),
])
def test_send_answers(error: GetimgError, verdict: SendVerdict) -> None:
    outcome = after_send(error)
    assert outcome.verdict is verdict
    if verdict is SendVerdict.UNCERTAIN:
        assert outcome.message == answers.UNCERTAIN
    else:
        assert error.surely_not_created  # only what surely created nothing is ever sent again
