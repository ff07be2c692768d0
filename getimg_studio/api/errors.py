"""The one error type every expected failure becomes, with a message a person can act on.

Bugs are not `GetimgError`s: they go to the excepthook and the crash dialog.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    AUTH = "auth"  # 401: key missing or wrong
    QUOTA = "quota"  # 402: balance or quota exhausted
    RATE_LIMIT = "rate_limit"  # 429: wait `retry_after` seconds
    CONTENT_POLICY = "content_policy"  # 422
    INVALID = "invalid"  # 400 or local validation; `param` names the field
    NOT_FOUND = "not_found"  # 404
    SERVER = "server"  # >= 500 or a malformed answer
    UNAVAILABLE = "unavailable"  # 503 on a creation: the server refused it before acceptance (nothing created)
    OFFLINE = "offline"  # the request surely did not reach the server (refused, DNS)
    TIMEOUT = "timeout"  # no answer in time; the request may have reached the server
    UNCERTAIN = "uncertain"  # a creation that may have reached the server with no id back
    FRAME = "frame"  # an input image that cannot be used
    EXPIRED = "expired"  # a signed URL past its expiry (403) or a video past deletes_at (404)
    DOWNLOAD = "download"  # a download that broke or delivered a bad file
    DISK = "disk"  # the output folder cannot be written (full, read-only, gone)
    # A 4xx that is not getimg's JSON envelope (an HTML or text page): a proxy, firewall or captive portal
    # answered instead of getimg and did not pass the request on. Never blamed on the key.
    INTERMEDIARY = "intermediary"
    BUDGET = "budget"  # refused by the creator's own spending budget, before anything was queued or sent
    UNKNOWN = "unknown"


class GetimgError(Exception):
    """An expected failure. `message` is written for the creator, not for a developer."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.code = code
        self.param = param
        self.status = status
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return (
            f"GetimgError({self.kind.value!r}, {self.message!r}, code={self.code!r}, "
            f"param={self.param!r}, status={self.status!r})"
        )

    @property
    def surely_not_created(self) -> bool:
        """True when a creation request with this error certainly made no generation (and no bill)."""
        return self.kind in {
            ErrorKind.AUTH,
            ErrorKind.QUOTA,
            ErrorKind.RATE_LIMIT,
            ErrorKind.CONTENT_POLICY,
            ErrorKind.INVALID,
            ErrorKind.NOT_FOUND,
            ErrorKind.OFFLINE,
            ErrorKind.FRAME,
            ErrorKind.UNAVAILABLE,
            ErrorKind.INTERMEDIARY,
            ErrorKind.BUDGET,
        }
