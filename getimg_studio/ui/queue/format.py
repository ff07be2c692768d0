"""The words a queue row shows: parameters, state with elapsed time and ETA, cost, time before deletion.

Plain functions of a job and the current time, so the delegate, the player and tests share them.
"""

from __future__ import annotations

from datetime import datetime

from getimg_studio.api.image_types import ImageRequest
from getimg_studio.api.types import format_money
from getimg_studio.jobs.model import Job, JobState


def duration_text(seconds: float) -> str:
    """0:07, 1:05, 1:02:03."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def remaining_text(seconds: float) -> str:
    """Coarse, for deadlines: 'under a minute', '12 min', '5 h', '2 days'."""
    if seconds < 60:
        return "under a minute"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def params_text(job: Job, model_name: str | None = None, take: tuple[int, int] | None = None) -> str:
    """ "Seedance 1.5 Pro · take 2 of 3 · 16:9 · 720p · 5 s · sound · first frame"."""
    request = job.request
    parts = [model_name or request.model]
    if take is not None and take[1] > 1:  # early in the line: it is what tells a request's takes apart
        parts.append(f"take {take[0]} of {take[1]}")
    if request.aspect_ratio:
        parts.append(request.aspect_ratio)
    if request.resolution:
        parts.append(request.resolution)
    image = job.image_request
    if image is not None:
        return " · ".join([*parts, *_image_params(job, image)])
    video = job.video_request
    assert video is not None
    duration = job.duration if job.duration else video.duration
    if duration:
        parts.append(f"{duration:g} s")
    if video.sound:
        parts.append("sound")
    if video.frames:
        roles = sorted({f.role.label.lower() for f in video.frames})
        parts.append(" + ".join(roles))
    return " · ".join(parts)


def _image_params(job: Job, image: ImageRequest) -> list[str]:
    """"image" first, so an image row reads as one at a glance; its size once made; its references."""
    parts = ["image"]
    if job.width and job.height:
        parts.append(f"{job.width}×{job.height}")
    if image.output_format:
        parts.append(image.output_format.upper())
    count = len(image.references)
    if count:
        parts.append(f"{count} reference{'s' if count > 1 else ''}")
    return parts


def billing_text(job: Job) -> str:
    """For a job that ended without a video: whether it cost anything, as far as anyone can know."""
    billed = f"billed {format_money(job.cost, job.currency)}" if job.cost is not None else ""
    if job.state is JobState.REJECTED:
        return "not billed"
    if job.state is JobState.FAILED:
        return billed or "no charge reported"
    if job.state is JobState.EXPIRED:
        return billed or "billed by getimg"
    if job.state is JobState.UNCERTAIN:
        return "may be billed: check your getimg dashboard"
    if job.state is JobState.STOPPED:
        return billed or "the server may still bill it"
    return ""


def cost_text(job: Job) -> str:
    if job.cost is not None:
        return format_money(job.cost, job.currency)
    if job.estimate is not None and job.estimate.known and job.state.active:
        return f"~{job.estimate.text()}"
    return ""


def _since(start: datetime | None, now: datetime) -> float:
    return (now - start).total_seconds() if start is not None else 0.0


def state_text(job: Job, now: datetime, eta: float | None = None,
               progress: tuple[int, int | None] | None = None) -> str:
    """The row's status line: what is happening and, for waits, for how long and until when."""
    state = job.state
    if state is JobState.SUBMITTING:
        return f"Submitting · {duration_text(_since(job.created_at, now))}"
    if state is JobState.PENDING:
        text = f"Generating · {duration_text(_since(job.submitted_at or job.created_at, now))}"
        if job.attention:  # still followed, but getimg answered something the creator should know
            text += f" · {job.attention}"
        elif eta is not None:
            text += f" · about {duration_text(eta)} left" if eta > 0 else " · any moment now"
        return text
    if state is JobState.DOWNLOADING:
        received, total = progress if progress is not None else (job.bytes_done, job.bytes_total)
        if total:
            return f"Downloading · {min(100, received * 100 // total)}%"
        return f"Downloading · {received / 1_048_576:.1f} MB"
    if state is JobState.READY:
        text = "Ready"
        if job.duration:
            text += f" · {duration_text(job.duration)}"
        return text
    if state is JobState.STOPPED:
        return f"Stopped tracking · {billing_text(job)}"
    if state is JobState.UNCERTAIN:
        return f"Uncertain · {billing_text(job)} · not resubmitted"
    message = job.error_message or job.error_code or ""
    parts = [state.label, billing_text(job), message]
    return " · ".join(p for p in parts if p)


def deletion_text(job: Job, now: datetime) -> str:
    """For a completed job whose file is not saved yet: how long the server still keeps it."""
    if job.deletes_at is None or job.file_path is not None:
        return ""
    if job.state not in (JobState.DOWNLOADING, JobState.READY, JobState.STOPPED):
        return ""
    left = (job.deletes_at - now).total_seconds()
    if left <= 0:
        return "deleted from the server"
    return f"on the server for {remaining_text(left)} more"
