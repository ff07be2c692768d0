"""The local queue's sender: queued jobs go to getimg one at a time, in order, while the account has room.

Money rules: a row is marked `submitting` (committed) right before its POST, so after a kill only a request
that may have left is `uncertain`. A refusal that surely created nothing (`answers.after_send`) puts the
job back at the head of the queue to go later; one that may have created something is never resent.
Pacing (the in-flight cap, the per-minute limit, backoff) is `pacing.Pacer`'s; what the creator paused or
what getimg refused for every job (the key, the quota, a proxy) stops the whole queue until resumed.

Images go through the same queue, rules and answers; only their POST differs: its answer is the image, which
can take minutes, so it runs as a task of its own while the queue goes on (see the block at the end).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import Created
from getimg_studio.jobs import answers, images
from getimg_studio.jobs.answers import SendVerdict
from getimg_studio.jobs.lifecycle import Lifecycle
from getimg_studio.jobs.model import (
    UNSENT_STATES,
    Job,
    JobKind,
    JobState,
    QueueChanged,
    QueueStatus,
    request_frames,
)
from getimg_studio.jobs.pacing import Pacer
from getimg_studio.jobs.rows import JobChange
from getimg_studio.jobs.store import JobStore

if TYPE_CHECKING:
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.frames import PreparedFrame
    from getimg_studio.api.image_types import ImageResult
    from getimg_studio.jobs.model import JobEvent, JobRequest

log = logging.getLogger(__name__)

PAUSED_KEY = "queue_paused"
NOT_SENT = "Not sent: nothing was created or billed."
Prepare = Callable[["JobRequest"], Awaitable[list["PreparedFrame"]]]
Spawn = Callable[[Coroutine[Any, Any, None], str], object]  # runs a coroutine as a kept, named task


class Dispatcher:
    def __init__(
        self,
        store: JobStore,
        lifecycle: Lifecycle,
        client: Callable[[], GetimgClient],
        prepare: Prepare,
        *,
        backend: str | None,
        pacer: Pacer,
        accepted: Callable[[Job], None],
        emit: Callable[[JobEvent], None],
        clock: Callable[[], datetime],
        now: Callable[[], float] = time.monotonic,
        spawn: Spawn,
        image_made: Callable[[Job], None],
    ) -> None:
        self._store = store
        self._life = lifecycle
        self._client = client
        self._prepare = prepare
        self._backend = backend
        self.pacer = pacer
        self._accepted = accepted
        self._emit = emit
        self._clock = clock
        self._now = now
        self._woken = asyncio.Event()
        self._frames: OrderedDict[str, list[PreparedFrame]] = OrderedDict()
        self.sending: int | None = None  # the job whose POST is on the wire
        self.held: str | None = None  # getimg refused sending for every job (key, quota, a proxy)
        self.held_code: str | None = None
        self.held_error: GetimgError | None = None  # getimg's own answer, for a form to show at its field
        self.refusals: OrderedDict[int, GetimgError] = OrderedDict()  # job id -> why it was rejected
        self.paused = store.meta(PAUSED_KEY) == "1"
        self.reason = ""
        self.blocked = False  # the last look found no room (a slot, the per-minute window, a backoff)
        self._published: QueueStatus | None = None
        self.sent = 0  # creations sent by this engine (benchmarks)
        self._spawn = spawn
        self._image_made = image_made  # an image's answer came: it is made and billed
        self.posting: set[int] = set()  # image jobs whose POST is on the wire (several may be)

    # Control -------------------------------------------------------------------------------------

    def wake(self) -> None:
        self._woken.set()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._store.set_meta(PAUSED_KEY, "1" if paused else None)
        self.publish()
        self.wake()

    def reorder(self, job_ids: Sequence[int], before: int | None) -> None:
        order = self._store.queued_ids(self._backend)
        moving = [i for i in job_ids if i in order]
        rest = [i for i in order if i not in moving]
        at = rest.index(before) if before in rest else len(rest)
        self._store.reorder([*rest[:at], *moving, *rest[at:]])
        self.publish()
        self.wake()

    def remove_unsent(self, job_ids: Sequence[int] | None) -> list[int]:
        jobs = self._store.queued(self._backend) if job_ids is None else self._store.get_many(job_ids)
        removed = self._life.remove([j.id for j in jobs if j.state in UNSENT_STATES])
        self.publish()
        return [j.id for j in removed]

    def release(self, code: str | None = None) -> None:
        """Lift a hold (any, or only one with this code: saving a key lifts a key refusal)."""
        if self.held is not None and (code is None or code == self.held_code):
            self.held = self.held_code = self.held_error = None
            self.publish()
            self.wake()

    @property
    def moving(self) -> bool:
        """Queued jobs will be sent without the creator doing anything."""
        return not self.paused and self.held is None

    def status(self) -> QueueStatus:
        return QueueStatus(order=tuple(self._store.queued_ids(self._backend)), reason=self.reason,
                           in_flight=self._store.in_flight(self._backend), cap=self.pacer.cap, paused=self.paused,
                           held=self.held)

    def publish(self) -> None:
        status = self.status()
        if status != self._published:
            self._published = status
            self._emit(QueueChanged(status))

    # The loop ------------------------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            self._woken.clear()
            wait = await self._step()
            self.publish()
            if wait == 0:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), wait)

    async def _step(self) -> float | None:
        """Send the next job if there is room: 0 to go on at once, else seconds to wait (None: for a change)."""
        job = self._store.next_queued(self._backend)
        if job is None:
            self.reason = ""
            return None
        if self.paused:
            self.reason = "the queue is paused"
            return None
        if self.held is not None:
            self.reason = self.held
            return None
        room = self.pacer.room(self._now(), self._store.in_flight(self._backend), job.kind)
        self.blocked = not room.ok
        if not room.ok:
            self.reason = room.reason
            return room.wait
        self.reason = QueueStatus.SENDING
        await self._send(job)
        return 0

    async def _send(self, job: Job) -> None:
        try:
            frames = await self.frames_for(job.request)
        except GetimgError as exc:  # a frame file went missing since it was queued
            self._remember_refusal(job.id, exc)
            self._reject(job, exc.message, exc.code or exc.kind.value)
            return
        job = self._life.move(job.id, JobState.SUBMITTING, JobChange(error_code=None, error_message=None))
        request = job.request
        if isinstance(request, ImageRequest):
            self._post_image(job, request, frames)
            return
        self.sending = job.id
        self.sent += 1
        try:
            created = await self._client().create_generation(request, frames)
        except GetimgError as exc:
            self._refused(job, exc)
            return
        except BaseException:
            # Interrupted mid-request (quit, Ctrl+C), a bug, or an unexpected library error: it may have gone out.
            self._after_post(job, JobState.UNCERTAIN, JobChange(error_code="uncertain",
                                                                 error_message=answers.UNCERTAIN))
            raise
        finally:
            self.sending = None
        self._created(job, created)

    def _created(self, job: Job, created: Created) -> None:
        in_flight = self._store.in_flight(self._backend)  # this job still counts: it is `submitting`
        reset_in = None
        if created.rate_limit.reset_at is not None:
            reset_in = created.rate_limit.reset_at - time.time()
        self.pacer.accepted(self._now(), in_flight, created.rate_limit.remaining, reset_in, job.kind)
        now = self._clock()
        new = self._after_post(job, JobState.PENDING, JobChange(remote_id=created.id, submitted_at=now,
                                                                tracking_since=now))
        if new is not None and new.state is JobState.PENDING:
            self._accepted(new)

    def _refused(self, job: Job, err: GetimgError) -> None:
        outcome = answers.after_send(err)
        verdict = outcome.verdict
        now = self._now()
        if verdict is SendVerdict.UNCERTAIN:
            log.warning("creation of job %d is uncertain (%s)", job.id, err.kind.value)
            self._after_post(job, JobState.UNCERTAIN, JobChange(error_code="uncertain",
                                                                 error_message=answers.UNCERTAIN))
            return
        if verdict is SendVerdict.REJECT:
            self._remember_refusal(job.id, err)
            self._reject(job, outcome.message, outcome.code or "rejected")
            return
        if verdict is SendVerdict.CAP:
            self.pacer.refused_cap(now, self._store.in_flight(self._backend) - 1)  # not counting this one
        elif verdict is SendVerdict.LATER:
            if err.kind is ErrorKind.RATE_LIMIT and outcome.retry_after is not None:
                self.pacer.refused_window(now, outcome.retry_after, job.kind)
            else:
                self.pacer.refused_later(now, outcome.retry_after, _busy_reason(err))
        else:  # HOLD
            log.info("the queue is held: %s", outcome.code)
            self.held, self.held_code, self.held_error = outcome.message, outcome.code, err
        log.info("job %d goes back to the queue (%s)", job.id, outcome.code)
        self._back_to_queue(job)

    def _remember_refusal(self, job_id: int, err: GetimgError) -> None:
        self.refusals[job_id] = err
        while len(self.refusals) > 64:
            self.refusals.popitem(last=False)

    def _back_to_queue(self, job: Job) -> None:
        current = self._store.get(job.id)
        if current is None:
            return
        if current.state is not JobState.SUBMITTING:  # stopped meanwhile: it stays stopped, and says why
            self._life.note(job.id, JobChange(error_code="not_sent", error_message=NOT_SENT))
            return
        order = self._store.queued_ids(self._backend)
        self._life.move(job.id, JobState.QUEUED)
        self._store.reorder([job.id, *order])  # at the head again: the queue's order is the creator's

    def _after_post(self, job: Job, target: JobState, change: JobChange) -> Job | None:
        """Write the POST's outcome, unless the creator stopped or removed the row meanwhile."""
        current = self._store.get(job.id)
        if current is None:
            log.warning("job %d was removed while it was being submitted (remote id %s)", job.id, change.remote_id)
            return None
        if current.state is not JobState.SUBMITTING:  # stopped: keep the id so the dashboard can be matched
            if target is JobState.PENDING:
                return self._life.note(job.id, JobChange(remote_id=change.remote_id,
                                                         submitted_at=change.submitted_at))
            return current
        return self._life.move(job.id, target, change)

    def _reject(self, job: Job, message: str, code: str) -> None:
        """This request is refused as it is: so is every queued copy of it (same request, same answer)."""
        current = self._store.get(job.id)
        if current is not None and current.state in (JobState.SUBMITTING, JobState.QUEUED):
            self._life.move(job.id, JobState.REJECTED, JobChange(error_code=code, error_message=message))
        if job.batch_id is None:
            return
        for other in self._store.queued(self._backend):
            if other.id != job.id and other.batch_id == job.batch_id and other.request == job.request:
                self._life.move(other.id, JobState.REJECTED, JobChange(error_code=code, error_message=message))

    async def frames_for(self, request: JobRequest) -> list[PreparedFrame]:
        """The request's frames (an image's references) made ready for the API, kept while its batch is being
        sent."""
        if not request_frames(request):
            return []
        key = json.dumps(request.to_json(), sort_keys=True)
        frames = self._frames.get(key)
        if frames is None:
            frames = await self._prepare(request)
            self._frames[key] = frames
            while len(self._frames) > 4:  # data URLs are large: keep only the batches being sent
                self._frames.popitem(last=False)
        return frames

    def forget_frames(self, requests: Sequence[JobRequest]) -> None:
        for request in requests:
            self._frames.pop(json.dumps(request.to_json(), sort_keys=True), None)

    # Images (issue 12) ---------------------------------------------------------------------------------
    # The answer to an image's POST is the image, made while the request waits (seconds to minutes). The POST
    # runs as a task of its own so the queue goes on sending behind it; until its answer the image counts
    # against the in-flight cap (it is `submitting`). Its outcome is mapped as a video creation's is: a sure
    # refusal back to the queue, a rejection, a hold, or (timed out, reset, a server error) uncertain.

    def _post_image(self, job: Job, request: ImageRequest, frames: list[PreparedFrame]) -> None:
        self.posting.add(job.id)
        self.sent += 1
        self._spawn(self._image_post(job, request, frames), f"image:{job.id}")

    async def _image_post(self, job: Job, request: ImageRequest, frames: list[PreparedFrame]) -> None:
        try:
            result = await images.image_client(self._client()).generate_image(request, frames)
        except GetimgError as exc:
            self._refused(job, exc)
            return
        except BaseException:  # quit or cancelled mid-request: it may have been made
            self._after_post(job, JobState.UNCERTAIN, JobChange(error_code="uncertain",
                                                                 error_message=answers.UNCERTAIN))
            raise
        finally:
            self.posting.discard(job.id)
            self.wake()
        self._image_answered(job, result)

    def _image_answered(self, job: Job, result: ImageResult) -> None:
        reset_in = result.rate_limit.reset_at - time.time() if result.rate_limit.reset_at is not None else None
        self.pacer.accepted(self._now(), self._store.in_flight(self._backend), result.rate_limit.remaining,
                            reset_in, JobKind.IMAGE)
        change, outputs = images.made(result, self._clock())
        current = self._store.get(job.id)
        if current is None:
            log.warning("image job %d was removed while it was being made (remote id %s)", job.id, result.id)
            return
        if current.state is JobState.SUBMITTING:
            made = self._life.move(job.id, JobState.DOWNLOADING, change, items=outputs)
        else:  # stopped meanwhile: the image exists and is billed; "download again" can still save it
            made = self._life.note(job.id, change, items=outputs)
        self._image_made(made)


def _busy_reason(err: GetimgError) -> str:
    if err.kind is ErrorKind.OFFLINE:
        return "cannot reach getimg"
    return f"getimg is busy (HTTP {err.status})" if err.status else "getimg is busy"
