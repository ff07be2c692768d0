"""Jobs as the history stores them, their state groups, and the events the engine sends to its observers.

A job is one generation the creator asked for (a submit with N variations makes N jobs). Its state follows
the lifecycle table of `lifecycle.py`; every transition is written to the store before the next step starts.
The state groups below are the only definition of "active", "failed", "may be billed"...: the store's
filters, the queue model and the notifications all use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import CostEstimate, FrameRef, GenerationRequest

# What a job asks for: a video (`POST /v2/videos/generations`) or an image (`POST /v2/images/generations`).
# Both have `model`, `prompt`, `aspect_ratio` and `resolution`; anything else is read after narrowing
# (`isinstance`, or `Job.video_request` / `Job.image_request`). The history tells them apart by the JSON's
# `"kind"` (`rows.request_from_json`).
JobRequest = GenerationRequest | ImageRequest


class JobKind(StrEnum):
    VIDEO = "video"
    IMAGE = "image"


class JobProvenance(StrEnum):
    """Where a history row came from. The one rule for imported files: they are `ready` from the start (so
    every list, filter and player treats them as finished clips), never sent, never billed by this app
    (`cost` stays None: what getimg billed is in their recipe), and called by `Job.label`."""

    GENERATED = "generated"  # made through this app's queue
    IMPORTED = "imported"  # a file added to the history: dropped in, `getimg-studio import`, an export
def kind_of(request: JobRequest) -> JobKind:
    """The kind of job a request makes (the one rule; the `kind` column is written from it)."""
    return JobKind.IMAGE if isinstance(request, ImageRequest) else JobKind.VIDEO


def request_frames(request: JobRequest) -> tuple[FrameRef, ...]:
    """The images a request sends: a video's frames, an image's references."""
    return request.references if isinstance(request, ImageRequest) else request.frames


class JobState(StrEnum):
    QUEUED = "queued"  # on disk, not sent, not billed; sent in order while the account has room
    PAUSED = "paused"  # queued, held back by the creator
    SUBMITTING = "submitting"  # marked right before its POST: the request may be on the wire
    PENDING = "pending"  # accepted (202), remote id known, polling
    WAITING = "waiting"  # accepted (may be billed), waits on the creator (`wait_reason`); resumes on demand
    DOWNLOADING = "downloading"  # completed on the server, files being saved
    READY = "ready"  # every output saved and verified
    FAILED = "failed"  # the server said the generation failed (code + message), or saving gave up
    EXPIRED = "expired"  # deletes_at passed before the files were saved
    REJECTED = "rejected"  # refused before acceptance (4xx): nothing created, nothing billed
    UNCERTAIN = "uncertain"  # may have reached the server, no id came back: never resubmitted silently
    STOPPED = "stopped"  # the creator stopped tracking it; the server may still bill it

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def active(self) -> bool:
        return self in ACTIVE_STATES

    @property
    def label(self) -> str:
        return _LABELS[self]


TERMINAL_STATES = frozenset(
    {JobState.READY, JobState.FAILED, JobState.EXPIRED, JobState.REJECTED, JobState.UNCERTAIN, JobState.STOPPED}
)
ACTIVE_STATES = frozenset(set(JobState) - TERMINAL_STATES)
# Never sent: removing one costs nothing, and it is not on the server.
UNSENT_STATES = frozenset({JobState.QUEUED, JobState.PAUSED})
# What the "Failed" view and failure notifications cover.
FAILED_STATES = frozenset({JobState.FAILED, JobState.EXPIRED, JobState.REJECTED, JobState.UNCERTAIN})
# States a job reaches only once its request may have reached getimg: it may be billed.
BILLED_STATES = frozenset(set(JobState) - UNSENT_STATES - {JobState.REJECTED})
# Sent, and may have been billed with no bill ever seen here: counted at their estimate by a budget (issue 15).
MAYBE_BILLED_UNSEEN_STATES = frozenset({JobState.UNCERTAIN, JobState.STOPPED})
# Generations getimg counts against the account's cap on generations in flight.
IN_FLIGHT_STATES = frozenset({JobState.SUBMITTING, JobState.PENDING})

_LABELS = {
    JobState.QUEUED: "Queued",
    JobState.PAUSED: "Paused",
    JobState.SUBMITTING: "Sending",
    JobState.PENDING: "Generating",
    JobState.WAITING: "Needs you",
    JobState.DOWNLOADING: "Downloading",
    JobState.READY: "Ready",
    JobState.FAILED: "Failed",
    JobState.EXPIRED: "Expired",
    JobState.REJECTED: "Rejected",
    JobState.UNCERTAIN: "Uncertain",
    JobState.STOPPED: "Stopped",
}


class WaitReason(StrEnum):
    """Why a `waiting` job waits on the creator, and what resumes it."""

    KEY = "key"  # 401/403 while following it: resumes when a key is saved
    QUOTA = "quota"  # 402 while following it: resumes on demand (after a top-up)
    TIME_LIMIT = "time_limit"  # past the per-job time limit: resumes on demand


class UrlState(StrEnum):
    """What the history holds of an output's signed download URL (the URL itself is never in a `Job`)."""

    NONE = "none"  # no URL kept: a fresh one is asked for before downloading
    HELD = "held"  # a URL is kept, usable until the output's deletes_at (when known)
    GONE = "gone"  # getimg deleted the file (past deletes_at, or it said so)


@dataclass(frozen=True, slots=True)
class Output:
    """One item of a completed generation's `data`: its file and what getimg said about it."""

    index: int
    mime_type: str = "video/mp4"
    file_path: Path | None = None  # chosen when saving starts; the file exists once `saved`
    saved: bool = False
    bytes_done: int = 0
    bytes_total: int | None = None  # the file's size once known
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    has_sound: bool | None = None
    deletes_at: datetime | None = None  # None: getimg did not say (shown as unknown)
    url_state: UrlState = UrlState.NONE
    sha256: str | None = None  # of the file as saved; the history's proof that it is getimg's bytes unchanged


@dataclass(frozen=True, slots=True)
class Job:
    """A job as the history holds it. The per-file fields (width ... bytes_total) are its first output's."""

    id: int  # local id (SQLite rowid)
    state: JobState
    request: JobRequest  # an ImageRequest exactly when kind is IMAGE
    created_at: datetime  # when the creator pressed Generate (UTC)
    updated_at: datetime
    remote_id: str | None = None
    submitted_at: datetime | None = None  # 202 received
    completed_at: datetime | None = None  # server said completed
    finished_at: datetime | None = None  # reached a terminal state
    error_code: str | None = None
    error_message: str | None = None  # why it failed, or (waiting) what the creator can do
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
    batch_id: str | None = None  # jobs submitted together share it
    backend: str | None = None  # "demo" or the API base URL it was sent to; None: not recorded (old rows)
    kind: JobKind = JobKind.VIDEO
    outputs: tuple[Output, ...] = ()
    attention: str | None = None  # still followed, but something the creator should know (an odd answer)
    wait_reason: WaitReason | None = None  # set while `waiting`
    tracking_since: datetime | None = None  # start of the current per-job time limit
    origin: str | None = None  # what made it, when not the creator directly ("storyboard:<id>:<shot>:...")
    provenance: JobProvenance = JobProvenance.GENERATED
    title: str | None = None  # an imported row's name (its file's, or what added it); None for generated jobs

    @property
    def imported(self) -> bool:
        return self.provenance is JobProvenance.IMPORTED

    @property
    def has_request(self) -> bool:
        """False for a file imported without a recipe: there is nothing to remix or retry."""
        return bool(self.request.model)

    @property
    def label(self) -> str:
        """What a list calls the job: its prompt, or an imported file's title when it came without one."""
        prompt = " ".join(self.request.prompt.split())
        return prompt or self.title or (self.file_path.name if self.file_path else f"Job {self.id}")

    @property
    def search_text(self) -> str:
        return search_text(self.request.prompt, self.title)

    @property
    def awaiting_download(self) -> bool:
        """Completed on the server but not saved: auto-download is off (the engine keeps such jobs
        `pending` with `completed_at` set rather than adding a state); Redownload saves it."""
        return self.state is JobState.PENDING and self.completed_at is not None

    @property
    def overdue(self) -> bool:
        """Past the per-job time limit (it then waits for the creator to check again or stop it)."""
        return self.wait_reason is WaitReason.TIME_LIMIT

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(o.file_path for o in self.outputs if o.file_path is not None)

    @property
    def video_request(self) -> GenerationRequest | None:
        """The request of a video job; None for an image job."""
        return self.request if isinstance(self.request, GenerationRequest) else None

    @property
    def image_request(self) -> ImageRequest | None:
        """The request of an image job; None for a video job."""
        return self.request if isinstance(self.request, ImageRequest) else None


def search_text(prompt: str, title: str | None = None) -> str:
    """What the history's search matches (case-folded): the prompt, and an imported file's title. The store
    keeps exactly this in `prompt_folded`; the queue model checks new jobs against it."""
    return (prompt if not title else f"{prompt}\n{title}").casefold()


class JobFilter(StrEnum):
    """The queue panel's views."""

    ACTIVE = "active"  # every unfinished job, queued ones included
    ALL = "all"
    FAVOURITES = "favourites"
    FAILED = "failed"  # FAILED_STATES
    QUEUED = "queued"  # not sent yet (queued or paused)

    @property
    def states(self) -> frozenset[JobState] | None:
        """The states this view shows; None: any state."""
        return _VIEW_STATES.get(self)

    def admits(self, job: Job) -> bool:
        """The store's rule for this view, for a job already in hand (search aside)."""
        if self is JobFilter.FAVOURITES:
            return job.favourite
        states = self.states
        return states is None or job.state in states


_VIEW_STATES = {JobFilter.ACTIVE: ACTIVE_STATES, JobFilter.FAILED: FAILED_STATES, JobFilter.QUEUED: UNSENT_STATES}


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """The local queue as the creator sees it: its order and why the next job is not being sent."""

    SENDING: ClassVar[str] = "sending"  # `reason` while the next job is on its way: nothing waits

    order: tuple[int, ...] = ()  # queued and paused job ids, the next one to send first
    reason: str = ""  # e.g. "waiting for a free slot: 2 of 2 in use"; "" while nothing waits
    in_flight: int = 0  # this app's generations getimg is working on
    cap: int | None = None  # most in flight at once (learnt or set); None: not known yet
    paused: bool = False  # the creator paused the whole queue
    held: str | None = None  # getimg refused sending (key, quota, proxy): resumes when fixed

    def position(self, job_id: int) -> int | None:
        """1 for the next job to send."""
        try:
            return self.order.index(job_id) + 1
        except ValueError:
            return None


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
    index: int = 0  # which output


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    amount: Decimal | None  # None: unknown (offline or no key)
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class CatalogueChanged:
    """The model list was refreshed from the server (or loaded from the cache)."""


@dataclass(frozen=True, slots=True)
class QueueChanged:
    status: QueueStatus


JobEvent = JobAdded | JobChanged | JobsRemoved | DownloadProgress | BalanceChanged | CatalogueChanged | QueueChanged
