from __future__ import annotations

from pathlib import Path

import pytest

from getimg_studio.api.types import FrameRef, GenerationRequest, Role
from getimg_studio.jobs.storyboard.model import FrameSource, Keyframe, Shot
from getimg_studio.jobs.storyboard.resolve import (
    UnresolvedFrame,
    compose_prompt,
    effective_request,
    keyframe_request,
    shot_aspect_ratio,
)
from tests.unit.storyboard.builders import board, chained, plain


def test_compose_prompt() -> None:
    assert compose_prompt(" a boat ", " watercolour ", True) == "a boat\n\nwatercolour"
    assert compose_prompt("a boat", "watercolour", False) == "a boat"
    assert compose_prompt("a boat", "  ", True) == "a boat"
    assert compose_prompt("", "watercolour", True) == "watercolour"


def test_defaults_fill_what_the_shot_leaves_open() -> None:
    sb = board(plain("a", duration=10.0), style="noir", aspect_ratio="9:16", resolution="1080p", sound=True)
    assert effective_request(sb, sb.shots[0]) == GenerationRequest(
        model="seedance-v1-5-pro", prompt="shot a\n\nnoir", aspect_ratio="9:16", resolution="1080p",
        duration=10.0, sound=True,
    )


def test_the_shot_overrides_the_defaults_and_none_stays_the_models_default() -> None:
    sb = board(plain("a", model="seedance-v1-pro", aspect_ratio="1:1", resolution="720p", sound=False,
                     include_style=False), style="noir", sound=True, aspect_ratio="9:16")
    req = effective_request(sb, sb.shots[0])
    assert (req.model, req.prompt, req.aspect_ratio, req.resolution, req.sound) == (
        "seedance-v1-pro", "shot a", "1:1", "720p", False)
    bare = board(plain("b"), model=None)
    req = effective_request(bare, bare.shots[0])
    assert req.model == ""
    assert req.aspect_ratio is None
    assert req.resolution is None
    assert req.duration is None


def test_frames_resolve_from_files_the_shot_before_and_keyframes() -> None:
    ref = FrameRef(Role.REFERENCE_IMAGE, url="https://example.com/r.png")
    shot = Shot(id="s", prompt="p", first_frame=FrameSource.chained(),
                last_frame=FrameSource.from_keyframe(Keyframe("end")), references=(ref,))
    sb = board(plain("a"), shot)
    req = effective_request(sb, shot, Path("/f/prev-last.png"), last_keyframe=Path("/k/end.png"))
    assert req.frames == (FrameRef(Role.FIRST_FRAME, path=Path("/f/prev-last.png")),
                          FrameRef(Role.LAST_FRAME, path=Path("/k/end.png")), ref)
    file_shot = plain("f", first_frame=FrameSource.file(Path("/in/dawn.png")))
    assert effective_request(sb, file_shot).frames == (FrameRef(Role.FIRST_FRAME, path=Path("/in/dawn.png")),)
    # A keyframe with its own image uses it, whatever was made during a run
    fixed = plain("k", first_frame=FrameSource.from_keyframe(Keyframe("x", image=Path("/k/own.png"))))
    assert effective_request(sb, fixed, first_keyframe=Path("/k/made.png")).frames[0].path == Path("/k/own.png")


def test_a_frame_not_made_yet_is_an_error_naming_the_shot_and_role() -> None:
    sb = board(plain("a"), chained("b"))
    with pytest.raises(UnresolvedFrame) as info:
        effective_request(sb, sb.shots[1], None)
    assert info.value.shot_id == "b"
    assert info.value.role is Role.FIRST_FRAME
    kf = plain("k", last_frame=FrameSource.from_keyframe(Keyframe("x")),
               first_frame=FrameSource.file(Path("/a.png")))
    with pytest.raises(UnresolvedFrame, match="last frame"):
        effective_request(sb, kf)


def test_keyframe_request_takes_the_shots_aspect_and_the_storyboards_image_model(models: dict) -> None:
    kf = Keyframe("a harbour", references=(Path("/r/1.png"),))
    shot = plain("a", first_frame=FrameSource.from_keyframe(kf))
    sb = board(shot, style="watercolour")
    req = keyframe_request(sb, shot, Role.FIRST_FRAME, models)
    assert req.model == "sim-image-lite"
    assert req.prompt == "a harbour\n\nwatercolour"
    assert req.aspect_ratio == "16:9"  # Seedance 1.5's default, since nothing is set
    assert req.references == (FrameRef(Role.REFERENCE_IMAGE, path=Path("/r/1.png")),)
    own = plain("b", aspect_ratio="9:16",
                first_frame=FrameSource.from_keyframe(Keyframe("x", model="other", include_style=False)))
    req = keyframe_request(sb, own, Role.FIRST_FRAME)
    assert (req.model, req.prompt, req.aspect_ratio) == ("other", "x", "9:16")
    with pytest.raises(ValueError, match="not a keyframe"):
        keyframe_request(sb, own, Role.LAST_FRAME)


def test_shot_aspect_ratio_without_a_known_model_is_unknown() -> None:
    sb = board(plain("a"), model="nope")
    assert shot_aspect_ratio(sb, sb.shots[0], {}) is None
