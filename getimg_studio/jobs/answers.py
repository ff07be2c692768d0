"""Every answer getimg (or something in front of it) can give, mapped to what happens to the job. Plain logic.

Two questions, two functions:
- `after_poll`: a status request came back (a `RemoteStatus` or a `GetimgError`): keep polling (perhaps with
  a note for the creator), wait on the creator, fail, or save the files;
- `after_send`: a creation request was refused: send it later (nothing was created), hold the whole queue
  until the creator fixes something, reject this job, or call it uncertain (it may have been created).

The messages are the ones the creator reads; tests assert them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import RemoteState, RemoteStatus
from getimg_studio.jobs.model import WaitReason

KEY_WAIT = ("getimg refused the key while following this job: fix the key in Settings and it carries on. "
            "It is not lost: getimg may still finish (and bill) it.")
QUOTA_WAIT = ("getimg says the balance or quota is used up while following this job: top up at getimg.ai, then "
              "resume it. It is not lost: getimg may still finish (and bill) it.")
NOT_FOUND = "getimg does not know this generation any more (it may belong to another account or to demo mode)."
UNCERTAIN = ("The request may have reached getimg, but no answer came back. It was not sent again, so you are not "
             "billed twice. Check your getimg dashboard; use Retry to submit a new one.")
KEY_HOLD = "getimg refused the API key: fix it in Settings, and the queue goes on."
QUOTA_HOLD = "Your getimg balance or quota is used up: top up at getimg.ai, then resume the queue."


def unknown_status(status: str, message: str | None = None) -> str:
    if message:
        return f"getimg reports '{status}': {message}"
    return f"getimg reports '{status}', a status this app does not know: it keeps checking, less often."


def unusable_completion(problem: str) -> str:
    return f"getimg says the video is ready, but {problem}: it checks again, less often."


def time_limit(limit_minutes: float) -> str:
    return (f"Still not finished after {limit_minutes:.0f} min (the per-job time limit in Settings). getimg may "
            "still finish and bill it: resume it to keep checking, or stop tracking it.")


class PollVerdict(StrEnum):
    CONTINUE = "continue"  # pending: poll on schedule
    RETRY = "retry"  # back off and poll again (transient trouble or an answer we cannot use yet)
    WAIT = "wait"  # the creator has to act: stop polling
    FAIL = "fail"  # terminal, with the server's reason
    COMPLETED = "completed"  # save the files


@dataclass(frozen=True, slots=True)
class PollOutcome:
    verdict: PollVerdict
    message: str | None = None  # FAIL/WAIT: error_message; RETRY: the note shown on the row (None: none)
    code: str | None = None
    wait_reason: WaitReason | None = None
    retry_after: float | None = None


def after_poll(answer: RemoteStatus | GetimgError) -> PollOutcome:
    if isinstance(answer, GetimgError):
        return _poll_error(answer)
    state = answer.state
    if state is RemoteState.PENDING:
        return PollOutcome(PollVerdict.CONTINUE, retry_after=answer.retry_after)
    if state is RemoteState.FAILED:
        return PollOutcome(PollVerdict.FAIL, answer.error_message or "The generation failed.",
                           code=answer.error_code or "failed")
    if state is RemoteState.UNKNOWN:
        if answer.error_message is not None or answer.error_code is not None:
            return PollOutcome(PollVerdict.FAIL, unknown_status(answer.raw_status, answer.error_message
                                                                or answer.error_code),
                               code=answer.error_code or "status")
        return PollOutcome(PollVerdict.RETRY, unknown_status(answer.raw_status), code="unknown_status",
                           retry_after=answer.retry_after)
    if not answer.items:
        return PollOutcome(PollVerdict.RETRY, unusable_completion(answer.problem or "no file was listed"),
                           code="no_file", retry_after=answer.retry_after)
    return PollOutcome(PollVerdict.COMPLETED)


def _poll_error(err: GetimgError) -> PollOutcome:
    if err.kind is ErrorKind.AUTH:
        return PollOutcome(PollVerdict.WAIT, KEY_WAIT, code="key", wait_reason=WaitReason.KEY)
    if err.kind is ErrorKind.QUOTA:
        return PollOutcome(PollVerdict.WAIT, QUOTA_WAIT, code="quota", wait_reason=WaitReason.QUOTA)
    if err.kind is ErrorKind.NOT_FOUND:
        return PollOutcome(PollVerdict.FAIL, NOT_FOUND, code="not_found")
    if err.kind is ErrorKind.INTERMEDIARY:
        return PollOutcome(PollVerdict.RETRY, f"{err.message} It keeps checking.", code="intermediary",
                           retry_after=err.retry_after)
    # Offline, timeouts, 5xx, 429, unreadable bodies: passing trouble, retried with backoff and no note.
    return PollOutcome(PollVerdict.RETRY, None, retry_after=err.retry_after)


class SendVerdict(StrEnum):
    LATER = "later"  # nothing created: the job goes back to the queue and is sent again later
    CAP = "cap"  # nothing created: the account's cap on generations in flight is reached
    HOLD = "hold"  # nothing created: the queue stops until the creator fixes something
    REJECT = "reject"  # nothing created: this request is refused as it is
    UNCERTAIN = "uncertain"  # it may have been created: never sent again


@dataclass(frozen=True, slots=True)
class SendOutcome:
    verdict: SendVerdict
    message: str
    code: str | None = None
    retry_after: float | None = None


def after_send(err: GetimgError) -> SendOutcome:
    if not err.surely_not_created:
        return SendOutcome(SendVerdict.UNCERTAIN, UNCERTAIN, code="uncertain")
    kind = err.kind
    if kind is ErrorKind.RATE_LIMIT:
        # The per-minute limit says when to come back; the in-flight cap does not (it frees when a job ends).
        if err.retry_after is not None:
            return SendOutcome(SendVerdict.LATER, err.message, code="rate_limit", retry_after=err.retry_after)
        return SendOutcome(SendVerdict.CAP, err.message, code="rate_limit")
    if kind in (ErrorKind.UNAVAILABLE, ErrorKind.OFFLINE):
        return SendOutcome(SendVerdict.LATER, err.message, code=kind.value, retry_after=err.retry_after)
    if kind is ErrorKind.AUTH:
        return SendOutcome(SendVerdict.HOLD, KEY_HOLD, code="key")
    if kind is ErrorKind.QUOTA:
        return SendOutcome(SendVerdict.HOLD, QUOTA_HOLD, code="quota")
    if kind is ErrorKind.INTERMEDIARY:
        return SendOutcome(SendVerdict.HOLD, f"{err.message} The queue goes on when you resume it.",
                           code="intermediary")
    return SendOutcome(SendVerdict.REJECT, err.message, code=err.code or kind.value)
