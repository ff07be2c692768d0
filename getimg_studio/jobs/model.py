"""Jobs as the history stores them, and the events the engine sends to its observers.

A job is one generation the creator asked for (a submit with N variations makes N jobs). Its state
follows DESIGN.md's lifecycle; every transition is written to the store before the next step starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from getimg_studio.api.types import CostEstimate, GenerationRequest


class JobState(StrEnum):
    SUBMITTING = "submitting"  # row written, POST under way; no remote id yet
    PENDING = "pending"  # accepted (202), remote id known, polling
    DOWNLOADING = "downloading"  # completed on the server, file being saved
    READY = "ready"  # file saved and verified
    FAILED = "failed"  # the server said the generation failed (code + message)
    EXPIRED = "expired"  # deletes_at passed before the file was saved
    REJECTED = "rejected"  # refused before acceptance (4xx): nothing created, nothing billed
    UNCERTAIN = "uncertain"  # may have reached the server, no id came back: never resubmitted silently
    STOPPED = "stopped"  # the creator stopped tracking it; the server may still bill it

    @property
    def terminal(self) -> bool:
        return self in _TERMINAL

    @property
    def active(self) -> bool:
        return not self.terminal

    @property
    def label(self) -> str:
        return _LABELS[self]


_TERMINAL = frozenset(
    {JobState.READY, JobState.FAILED, JobState.EXPIRED, JobState.REJECTED, JobState.UNCERTAIN, JobState.STOPPED}
)
_LABELS = {
    JobState.SUBMITTING: "Submitting",
    JobState.PENDING: "Generating",
    JobState.DOWNLOADING: "Downloading",
    JobState.READY: "Ready",
    JobState.FAILED: "Failed",
    JobState.EXPIRED: "Expired",
    JobState.REJECTED: "Rejected",
    JobState.UNCERTAIN: "Uncertain",
    JobState.STOPPED: "Stopped",
}


@dataclass(frozen=True, slots=True)
class Job:
    id: int  # local id (SQLite rowid)
    state: JobState
    request: GenerationRequest
    created_at: datetime  # when the creator pressed Generate (UTC)
    updated_at: datetime
    remote_id: str | None = None
    submitted_at: datetime | None = None  # 202 received
    completed_at: datetime | None = None  # server said completed
    finished_at: datetime | None = None  # reached a terminal state
    error_code: str | None = None
    error_message: str | None = None
    estimate: CostEstimate | None = None  # shown before submitting
    cost: Decimal | None = None  # usage.total_cost billed by the server
    currency: str = "USD"
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    has_sound: bool | None = None
    deletes_at: datetime | None = None
    file_path: Path | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    favourite: bool = False
    overdue: bool = False  # still pending past the poll timeout; still tracked
    batch_id: str | None = None  # jobs submitted together share it
    backend: str | None = None  # "demo" or the API base URL it was sent to; None: not recorded (old rows)

    @property
    def awaiting_download(self) -> bool:
        """Completed on the server but not saved: auto-download is off (the engine keeps such jobs
        `pending` with `completed_at` set rather than adding a state); Redownload saves it."""
        return self.state is JobState.PENDING and self.completed_at is not None


class JobFilter(StrEnum):
    """The queue panel's views."""

    ACTIVE = "active"
    ALL = "all"
    FAVOURITES = "favourites"
    FAILED = "failed"  # failed, expired, rejected and uncertain


@dataclass(frozen=True, slots=True)
class JobAdded:
    job: Job


@dataclass(frozen=True, slots=True)
class JobChanged:
    job: Job
    previous: JobState


@dataclass(frozen=True, slots=True)
class JobsRemoved:
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DownloadProgress:
    job_id: int
    received: int
    total: int | None


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    amount: Decimal | None  # None: unknown (offline or no key)
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class CatalogueChanged:
    """The model list was refreshed from the server (or loaded from the cache)."""


JobEvent = JobAdded | JobChanged | JobsRemoved | DownloadProgress | BalanceChanged | CatalogueChanged
