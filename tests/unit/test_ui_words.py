"""The words the window uses for money and counts: plain functions, tested without a screen."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from getimg_studio.api.types import CostEstimate, GenerationRequest
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.ui.common.confirm import generations_question, plural, total_cost
from getimg_studio.ui.queue.format import billing_text, params_text, state_text

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def _job(state: JobState, **fields: object) -> Job:
    return Job(id=1, state=state, request=GenerationRequest("seedance-v1-pro", "a fox"), created_at=T0,
               updated_at=T0, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("state", "cost", "expected"), [
    (JobState.REJECTED, None, "not billed"),
    (JobState.FAILED, None, "no charge reported"),
    (JobState.FAILED, Decimal("0.25"), "billed $0.25"),
    (JobState.EXPIRED, Decimal("0.5"), "billed $0.50"),
    (JobState.EXPIRED, None, "billed by getimg"),
    (JobState.UNCERTAIN, None, "may be billed: check your getimg dashboard"),
    (JobState.STOPPED, None, "the server may still bill it"),
    (JobState.READY, Decimal("0.25"), ""),
])
def test_every_ended_job_says_whether_it_cost_anything(state: JobState, cost: Decimal | None,
                                                       expected: str) -> None:
    job = _job(state, cost=cost, error_message="the server's reason")
    assert billing_text(job) == expected
    if expected:
        assert expected in state_text(job, T0)


def test_rows_name_the_model_and_tell_variations_apart() -> None:
    job = _job(JobState.READY, duration=5.0)
    assert params_text(job, "Seedance 1.0 Pro").startswith("Seedance 1.0 Pro · 5 s")
    assert params_text(job, "Seedance 1.0 Pro", (2, 3)).startswith("Seedance 1.0 Pro · take 2 of 3 · ")
    assert "take" not in params_text(job, "Seedance 1.0 Pro", (1, 1))


def test_the_several_generations_question_says_how_many_and_how_much() -> None:
    total = total_cost([CostEstimate(Decimal("0.25"))] * 3)
    assert total.amount == Decimal("0.75")
    title, detail = generations_question(3, total, "Retry")
    assert title == "Retry 3 videos?"
    assert detail == "This creates 3 generations on getimg, billed about $0.75 in total."
    unknown = total_cost([CostEstimate(Decimal("0.25")), CostEstimate(None)])
    assert unknown.amount is None
    assert "not known in advance" in generations_question(2, unknown, "Make")[1]
    assert (plural(1, "video"), plural(2, "video")) == ("1 video", "2 videos")
