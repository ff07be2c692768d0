"""Image jobs: what the answer of `POST /v2/images/generations` writes to the history. Plain logic.

An image job goes through the same queue, lifecycle and saver as a video (see `dispatch.py`'s image block);
what differs is that the POST's answer is the finished generation: its id, its files (signed URLs, valid
until `deletes_at`) and its bill (`usage.total_cost`) all come at once, so the job goes from `submitting`
straight to `downloading`, and is saved at once whatever the auto-download setting (getimg offers no second
address for an image: there is nothing to poll).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.jobs.rows import KEEP, JobChange, NewOutput

if TYPE_CHECKING:
    from getimg_studio.api.client import GetimgClient
    from getimg_studio.api.image_client import ImageClient
    from getimg_studio.api.image_types import ImageResult

NO_IMAGES = "This connection to getimg cannot make images (its client has no image support)."


def image_client(client: GetimgClient) -> ImageClient:
    """The engine's client as an image client (the app's always is; a bare `GetimgClient` is refused)."""
    from getimg_studio.api.image_client import ImageClient

    if not isinstance(client, ImageClient):
        raise GetimgError(ErrorKind.INVALID, NO_IMAGES, param="model")
    return client


def made(result: ImageResult, now: datetime) -> tuple[JobChange, list[NewOutput]]:
    """The job's fields and outputs once getimg answered with the image."""
    change = JobChange(remote_id=result.id, submitted_at=now, completed_at=now, tracking_since=now,
                       error_code=None, error_message=None, attention=None,
                       cost=result.usage.total_cost if result.usage is not None else KEEP)
    outputs = [NewOutput(index=n, url=item.url, mime_type=item.mime_type, deletes_at=item.deletes_at,
                         width=item.width, height=item.height) for n, item in enumerate(result.items)]
    return change, outputs
