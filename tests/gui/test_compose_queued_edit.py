"""Queue > Open in form: the form changes a queued job in place, and Save changes writes it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import GenerationRequest, ModelInfo
from getimg_studio.jobs.model import Job, JobState

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_open_in_form_saves_the_change_into_the_queued_job(make_compose: Callable[..., Any],
                                                           video_models: list[ModelInfo],
                                                           run: Callable[..., Any]) -> None:
    saved: list[tuple[int, GenerationRequest]] = []
    refuse = False

    async def edit(job_id: int, request: GenerationRequest) -> Job:
        if refuse:
            raise GetimgError(ErrorKind.NOT_FOUND, "Only a job that is not sent yet can be changed.")
        saved.append((job_id, request))
        return Job(job_id, JobState.QUEUED, request, T0, T0)

    compose = make_compose(video_models, edit=edit)
    model = video_models[0]
    queued = Job(7, JobState.QUEUED, GenerationRequest(model.id, "a kite over hills"), T0, T0)
    compose.open_queued(queued)
    v = compose.view
    assert v.prompt.toPlainText() == "a kite over hills"
    assert v.generate_button.text() == "Save changes"
    assert not v.variations.isEnabled()
    assert "Changing queued job 7" in v.form_message.text()
    v.prompt.setPlainText("a red kite over green hills")

    async def save() -> None:
        assert compose.submit() is not None
        await compose.wait_submitted()

    run(save())
    assert [(i, r.prompt) for i, r in saved] == [(7, "a red kite over green hills")]
    assert v.form_message.text() == "Queued job 7 changed; it keeps its place in line."
    assert v.generate_button.text() == "Generate"
    assert v.variations.isEnabled()
    assert compose.editing is None

    # Sent meanwhile: the form says why and stays on it; the link leaves the job as it was.
    refuse = True
    compose.open_queued(queued)
    run(save())
    assert v.form_message.text().startswith("Only a job that is not sent yet can be changed.")
    assert compose.editing == 7
    v.form_message.linkActivated.emit("stop-edit")
    assert compose.editing is None
    assert v.generate_button.text() == "Generate"
