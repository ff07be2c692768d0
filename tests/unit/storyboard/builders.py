"""Builders shared by the storyboard tests: the demo simulator's models, storyboards, finished slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from getimg_studio.api.catalogue import parse_models
from getimg_studio.api.types import ModelInfo
from getimg_studio.jobs.storyboard.model import Defaults, FrameSource, Keyframe, Shot, Storyboard
from getimg_studio.jobs.storyboard.slots import RunState, SlotKey, claim, mark_ready, mark_sent, record_last_frame
from getimg_studio.simulator import catalog

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "lighthouse" / "storyboard.json"
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def simulator_models() -> dict[str, ModelInfo]:
    """The demo simulator's catalogue, parsed the way the app parses /v2/models."""
    return {m.id: m for m in parse_models([spec.to_json() for spec in catalog.MODELS])}


def board(*shots: Shot, style: str = "", **defaults: object) -> Storyboard:
    """A storyboard on the simulator's Seedance 1.5 (first and last frames, sound) unless told otherwise."""
    base = {"model": "seedance-v1-5-pro", "image_model": "sim-image-lite"}
    base.update(defaults)
    return Storyboard(id=1, name="Test", style=style, defaults=Defaults(**base),
                      shots=shots)


def plain(shot_id: str, **fields: object) -> Shot:
    """A shot with a prompt of its own ("shot <id>") unless `prompt` is given."""
    return Shot(**{"id": shot_id, "prompt": f"shot {shot_id}", **fields})


def chained(shot_id: str, **fields: object) -> Shot:
    return plain(shot_id, first_frame=FrameSource.chained(), **fields)


def keyframed(shot_id: str, prompt: str = "a keyframe", **fields: object) -> Shot:
    return plain(shot_id, first_frame=FrameSource.from_keyframe(Keyframe(prompt)), **fields)


def video(key: SlotKey) -> Path:
    return Path(f"/videos/{key.shot_id}-{key.part.value}-{key.take}.mp4")


def frame(key: SlotKey) -> Path:
    return Path(f"/frames/{key.shot_id}-{key.take}-last.png")


def finish(state: RunState, key: SlotKey, *, inputs: tuple[SlotKey, ...] = (), minutes: int = 0,
           extract: bool = True) -> RunState:
    """Claim, send and complete a slot (its last frame extracted), as the runner would."""
    state = claim(state, key, inputs)
    state = mark_sent(state, key)
    state = mark_ready(state, key, video(key), at=T0 + timedelta(minutes=minutes))
    if extract and key.part.value == "video":
        state = record_last_frame(state, key, frame(key))
    return state
