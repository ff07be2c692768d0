"""A storyboard run against the simulator: the chain, the cap, a failure mid-chain, a restart, a regeneration.

Shots are 5 s at 480p (the simulator renders them in well under a second each, cached per session); the
simulator's cap is 2 generations at a time, so independent shots go together and the rest wait.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from PIL import Image

from getimg_studio.api.types import Role
from getimg_studio.jobs.model import JobState
from getimg_studio.jobs.storyboard.model import Defaults, FrameSource, Shot, Storyboard
from getimg_studio.jobs.storyboard.plan import ShotStatus
from getimg_studio.jobs.storyboard.slots import Part, SlotState
from getimg_studio.jobs.storyboard_runner import StoryboardRefused
from getimg_studio.media.frames import first_frame, last_frame
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from tests.integration.conftest import EngineOpener, Until

pytestmark = pytest.mark.timeout(120)

MODEL = "seedance-v1-5-pro"


def scenario(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test body on a fresh loop (the fixtures are the wrapped function's)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def chain_board(*prompts: str, chained: tuple[bool, ...], takes: tuple[int, ...] | None = None) -> Storyboard:
    shots = tuple(
        Shot(f"s{i}", prompt, takes=(takes or (1,) * len(prompts))[i],
             first_frame=FrameSource.chained() if chained[i] else FrameSource())
        for i, prompt in enumerate(prompts))
    return Storyboard(None, "Harbour", "", Defaults(model=MODEL, resolution="480p", aspect_ratio="16:9"), shots)


def pixels(image: object) -> np.ndarray:
    return np.asarray(image).astype(np.int16)


@scenario
async def test_a_four_shot_chain_runs_to_the_end_within_the_cap(
        open_engine: EngineOpener, sim: RunningSimulator, sim_counts: Callable[[str], int]) -> None:
    sim.configure(max_pending=2)
    board = chain_board("Dawn over the harbour", "Boats leave", "Open sea", "A gull on a post",
                        chained=(False, True, True, False), takes=(1, 1, 1, 2))
    async with open_engine() as engine:
        stored = await engine.add_storyboard(board)
        assert stored.id is not None
        seen: list[tuple[int, int]] = []
        cost = engine.storyboards.cost_to_finish(stored.id)
        assert cost.count == 5
        assert cost.total == Decimal("0.03") * 5 * 5  # 480p without sound, 5 s each

        def check(priced: object) -> None:
            seen.append((engine.storyboards.cost_to_finish(stored.id).count, sim_counts("creations")))

        result = await engine.run_storyboard(stored.id, check)
        assert seen == [(5, 0)]  # the budget hook saw the whole run before anything was sent
        assert result.complete
        assert [v.status for v in result.plan.shots] == [ShotStatus.READY] * 4
        assert sim_counts("creations") == 5
        assert sorted(sim.stats()["creations_by_prompt"].values()) == [1, 1, 1, 2]
        # Each chained shot was made from the exact last frame of the take before it.
        for before, shot in zip(result.plan.shots, result.plan.shots[1:], strict=False):
            job = engine.store.get(shot.chosen.job_id) if shot.chosen and shot.chosen.job_id else None
            assert job is not None
            frames = job.request.frames_with(Role.FIRST_FRAME)
            if not result.storyboard.shot(shot.shot_id).chained:
                assert not frames
                continue
            assert before.chosen is not None
            assert before.chosen.file is not None
            assert frames[0].path is not None
            sent = pixels(Image.open(frames[0].path).convert("RGB"))
            assert np.array_equal(sent, pixels(last_frame(before.chosen.file)))
            # and the clip the simulator made starts on it (lossy: close, not equal)
            assert shot.chosen.file is not None
            assert np.abs(pixels(first_frame(shot.chosen.file)) - sent).mean() < 6
        assert not engine.store.storyboard_is_running(stored.id)
        # Running it again sends nothing more.
        again = await engine.run_storyboard(stored.id)
        assert again.complete
        assert sim_counts("creations") == 5


@scenario
async def test_a_failed_take_stops_the_chain_and_nothing_after_it_is_sent(
        open_engine: EngineOpener, sim: RunningSimulator, sim_counts: Callable[[str], int]) -> None:
    board = chain_board("Dawn", "Boats leave [fail]", "Open sea", "A gull", chained=(False, True, True, False))
    async with open_engine() as engine:
        stored = await engine.add_storyboard(board)
        assert stored.id is not None
        result = await engine.run_storyboard(stored.id)
        statuses = {v.shot_id: v.status for v in result.plan.shots}
        assert statuses == {"s0": ShotStatus.READY, "s1": ShotStatus.FAILED, "s2": ShotStatus.BLOCKED,
                            "s3": ShotStatus.READY}
        [stop] = result.plan.stops
        assert (stop.shot_id, stop.blocked) == ("s1", ("s2",))
        assert stop.reason
        billed = sum((s.cost or Decimal(0)) for s in result.state)
        assert stop.spent == billed > 0
        assert sim_counts("create") == 3  # s0, s1 and s3; s2 never reached the wire
        assert [s.state for s in result.state if s.key.shot_id == "s2"] == [SlotState.NOT_STARTED]


@scenario
async def test_a_run_stopped_mid_way_carries_on_after_a_restart_sending_nothing_twice(
        open_engine: EngineOpener, sim: RunningSimulator, sim_counts: Callable[[str], int], until: Until) -> None:
    sim.configure(pending_seconds=1.5)
    board = chain_board("Dawn", "Boats leave", "Open sea", chained=(False, True, True))
    async with open_engine() as engine:
        stored = await engine.add_storyboard(board)
        assert stored.id is not None
        run = asyncio.ensure_future(engine.run_storyboard(stored.id))
        token = f"storyboard:{stored.id}:s0:video:0"

        def accepted() -> bool:  # stopped mid-POST the take would be "uncertain": never resent, so failed
            job = engine.store.by_origin(token)
            return job is not None and job.state is JobState.PENDING

        await until(accepted, what="the first shot accepted")
        run.cancel()  # the engine closes with the run in the middle: as a quit would leave it
    sim.configure(pending_seconds=0.3)
    async with open_engine() as engine:
        assert engine.store.storyboard_is_running(stored.id)
        assert await engine.resume_storyboards() == [stored.id]
        result = await engine.storyboards.wait(stored.id)
        assert result is not None
        assert result.complete
    assert sim_counts("creations") == 3
    assert sorted(sim.stats()["creations_by_prompt"].values()) == [1, 1, 1]


@scenario
async def test_regenerating_a_shot_marks_the_chain_after_it_stale_with_its_cost(
        open_engine: EngineOpener, sim_counts: Callable[[str], int]) -> None:
    board = chain_board("Dawn", "Boats leave", "Open sea", chained=(False, True, False))
    async with open_engine() as engine:
        stored = await engine.add_storyboard(board)
        assert stored.id is not None
        await engine.run_storyboard(stored.id)
        regen = await engine.storyboards.regenerate(stored.id, "s0")
        assert list(regen.stale) == ["s1"]
        stale_cost = engine.storyboards.price(stored.id, regen.stale_slots)
        assert (stale_cost.count, stale_cost.total) == (1, Decimal("0.15"))
        offer = engine.storyboards.cost_to_finish(stored.id)
        assert offer.count == 1  # only the new take of s0 is queued; s1 is offered, not sent
        result = await engine.run_storyboard(stored.id)
        statuses = {v.shot_id: v.status for v in result.plan.shots}
        assert statuses["s1"] is ShotStatus.STALE
        assert sim_counts("creations") == 4
        [new_key] = regen.new_slots
        assert new_key.part is Part.VIDEO
        assert result.state[new_key].state is SlotState.READY
        # Taking the offer remakes both; s1 is then made from the new take's last frame.
        await engine.storyboards.regenerate(stored.id, "s0", with_stale=True)
        result = await engine.run_storyboard(stored.id)
        assert result.complete
        assert result.plan.view("s1").status is ShotStatus.READY
        assert sim_counts("creations") == 6


@scenario
async def test_a_shot_the_model_cannot_chain_is_refused_before_anything_is_written(
        open_engine: EngineOpener, sim_counts: Callable[[str], int], paths: Paths) -> None:
    board = Storyboard(None, "Lite", "", Defaults(model="sim-fixed-lite"),
                       (Shot("a", "One"), Shot("b", "Two", first_frame=FrameSource.chained()), Shot("c", "")))
    async with open_engine() as engine:
        stored = await engine.add_storyboard(board)
        assert stored.id is not None
        with pytest.raises(StoryboardRefused) as refused:
            await engine.run_storyboard(stored.id)
        paths_named = str(refused.value)
        assert "shots[1]" in paths_named
        assert "shots[2].prompt" in paths_named
        assert {p.shot_id for p in refused.value.problems} >= {"b", "c"}
        assert engine.store.run_state(stored.id).slots == {}
        assert sim_counts("create") == 0
    assert not (paths.frames / "storyboards").exists()


@scenario
async def test_a_keyframe_from_a_prompt_is_made_first_and_the_shot_starts_on_it(
        open_engine: EngineOpener, sim: RunningSimulator, sim_counts: Callable[[str], int]) -> None:
    from getimg_studio.jobs.model import JobKind
    from getimg_studio.jobs.storyboard.model import Keyframe

    board = Storyboard(None, "Keyed", "", Defaults(model=MODEL, resolution="480p", aspect_ratio="16:9",
                                                   image_model="sim-image-lite"),
                       (Shot("k", "The lighthouse at dusk",
                             first_frame=FrameSource.from_keyframe(Keyframe("A white lighthouse at dusk"))),
                        Shot("c", "The beam sweeps the sea", first_frame=FrameSource.chained())))
    async with open_engine() as engine:
        stored = await engine.add_storyboard(board)
        assert stored.id is not None
        cost = engine.storyboards.cost_to_finish(stored.id)
        assert (cost.count, cost.unpriced) == (3, 0)  # two takes and the keyframe's image, all priced
        assert cost.total == Decimal("0.15") * 2 + Decimal("0.002")
        result = await engine.run_storyboard(stored.id)
        assert result.complete
        [keyframe] = [s for s in result.state if s.key.part is Part.FIRST_FRAME]
        assert keyframe.state is SlotState.READY
        assert keyframe.file is not None
        image_job = engine.store.get(keyframe.job_id or 0)
        assert image_job is not None
        assert image_job.kind is JobKind.IMAGE
        take = result.plan.view("k").chosen
        assert take is not None
        assert take.job_id is not None
        video_job = engine.store.get(take.job_id)
        assert video_job is not None
        [first] = video_job.request.frames_with(Role.FIRST_FRAME)
        assert first.path is not None
        assert np.array_equal(pixels(Image.open(first.path).convert("RGB")),
                              pixels(Image.open(keyframe.file).convert("RGB")))
        assert sim_counts("creations") == 3  # the image and two videos, each once


@scenario
async def test_a_storyboard_run_over_budget_sends_nothing_and_says_by_how_much(
        open_engine: EngineOpener, sim_counts: Callable[[str], int]) -> None:
    from getimg_studio.jobs.budget import Budget
    from getimg_studio.jobs.spend_guard import BudgetExceeded

    board = chain_board("Dawn over the harbour", "Boats leave", "Open sea", chained=(False, True, False))
    async with open_engine() as engine:
        stored = await engine.add_storyboard(board)
        assert stored.id is not None
        assert engine.storyboards.cost_to_finish(stored.id).total == Decimal("0.45")  # 3 x 5 s x $0.03
        engine.set_budget(Budget(monthly=Decimal("0.40")))
        with pytest.raises(BudgetExceeded, match=r"\$0.45") as refused:
            await engine.run_storyboard(stored.id)  # no check passed in: the engine applies the budget itself
        assert refused.value.verdict is not None
        assert not refused.value.verdict.allowed
        assert engine.store.ids() == []  # not a take queued
        assert not engine.store.storyboard_is_running(stored.id)
        engine.set_budget(Budget(monthly=Decimal("0.45")))
        assert (await engine.run_storyboard(stored.id)).complete  # exactly the budget: it runs
    assert sim_counts("create") == 3
