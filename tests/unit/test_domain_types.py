from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from getimg_studio.api.types import CostEstimate, FrameRef, GenerationRequest, Role, format_money
from getimg_studio.jobs.model import JobState
from getimg_studio.paths import resolve_paths


def test_request_round_trips_through_json() -> None:
    request = GenerationRequest(
        model="m", prompt="a cat", aspect_ratio="16:9", resolution="720p", duration=5.0, sound=True,
        frames=(FrameRef(Role.FIRST_FRAME, path=Path("/tmp/a.png")), FrameRef(Role.LAST_FRAME, url="https://x/y.png")),
    )
    assert GenerationRequest.from_json(request.to_json()) == request


def test_frame_is_a_file_or_a_url_not_both() -> None:
    with pytest.raises(ValueError):
        FrameRef(Role.FIRST_FRAME, path=Path("a"), url="https://b")
    with pytest.raises(ValueError):
        FrameRef(Role.FIRST_FRAME)


def test_money_and_estimates() -> None:
    assert format_money(Decimal("0.25")) == "$0.25"
    assert format_money(Decimal("1.5")) == "$1.50"
    assert format_money(Decimal("0.125")) == "$0.125"
    estimate = CostEstimate(Decimal("0.25"), unit_price=Decimal("0.05"), quantity=Decimal(5))
    assert estimate.times(3).amount == Decimal("0.75")
    assert CostEstimate(None).times(3).text() == "no listed price"


def test_terminal_states() -> None:
    assert {s for s in JobState if s.active} == {JobState.QUEUED, JobState.PAUSED, JobState.SUBMITTING,
                                                 JobState.PENDING, JobState.WAITING, JobState.DOWNLOADING}


def test_data_dir_puts_everything_under_one_root(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path).ensure()
    for folder in (paths.data, paths.cache, paths.config, paths.logs, paths.output):
        assert folder.is_relative_to(tmp_path)
    assert paths.database.parent.exists()
