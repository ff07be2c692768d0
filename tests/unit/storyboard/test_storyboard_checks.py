from __future__ import annotations

from pathlib import Path

from getimg_studio.api.types import FrameRef, ModelInfo, Role
from getimg_studio.api.validation import MAX_PROMPT
from getimg_studio.jobs.storyboard.checks import Severity, ShotProblem, blocking, check_storyboard, problem_path
from getimg_studio.jobs.storyboard.fileformat import load_storyboard_file
from getimg_studio.jobs.storyboard.model import FrameSource, Keyframe, Storyboard
from tests.unit.storyboard.builders import EXAMPLE, board, chained, plain

Models = dict[str, ModelInfo]


def everything_exists(_: Path) -> bool:
    return True


def problems(sb: Storyboard, models: Models, exists=everything_exists) -> list[tuple[str | None, str]]:
    return [(p.shot_id, p.field) for p in check_storyboard(sb, models, exists=exists)]


def test_the_shipped_example_is_clean_against_the_simulators_models(models: Models) -> None:
    sb = load_storyboard_file(EXAMPLE)
    assert check_storyboard(sb, models) == []  # real files: gull.png sits beside it
    assert len(sb.shots) >= 3
    assert any(s.chained for s in sb.shots)
    assert any(s.first_frame.keyframe or s.last_frame.keyframe for s in sb.shots)


def test_a_good_chain_has_no_problems(models: Models) -> None:
    assert problems(board(plain("a"), chained("b"), chained("c")), models) == []


def test_no_shots(models: Models) -> None:
    assert check_storyboard(board(), models) == [ShotProblem(None, "shots", "Add a shot: this storyboard has none.")]


def test_chained_shot_whose_model_takes_no_first_frame(models: Models) -> None:
    sb = board(plain("a"), chained("b", model="seedance-v1-pro"))
    found = check_storyboard(sb, models, exists=everything_exists)
    assert [(p.shot_id, p.field) for p in found] == [("b", "first_frame.source")]
    assert "Seedance 1.0 Pro takes no first frame" in found[0].message
    assert problem_path(sb, found[0]) == "shots[1].first_frame.source"


def test_the_first_shot_cannot_be_chained(models: Models) -> None:
    found = check_storyboard(board(chained("a")), models)
    assert [(p.shot_id, p.field) for p in found] == [("a", "first_frame.source")]
    assert "no shot before it" in found[0].message


def test_last_frame_without_first(models: Models) -> None:
    sb = board(plain("a", last_frame=FrameSource.file(Path("/end.png"))))
    found = check_storyboard(sb, models, exists=everything_exists)
    assert [(p.shot_id, p.field) for p in found] == [("a", "last_frame")]
    assert "needs a first frame" in found[0].message


def test_references_combined_with_frames(models: Models) -> None:
    ref = FrameRef(Role.REFERENCE_IMAGE, path=Path("/r.png"))
    sb = board(plain("a"), chained("b", model="seedance-v1-pro", references=(ref,)))
    fields = problems(sb, models)
    assert ("b", "references") in fields
    assert ("b", "first_frame.source") in fields


def test_unknown_model_empty_prompt_and_options_the_model_lacks(models: Models) -> None:
    sb = board(
        plain("a", model="no-such-model"),
        plain("b", prompt="   "),
        plain("c", duration=7.0, resolution="4K", aspect_ratio="5:4"),
        plain("d", model="sim-fixed-lite", sound=True),
        model="seedance-v1-5-pro",
    )
    got = problems(sb, models)
    assert ("a", "model") in got
    assert ("b", "prompt") in got
    assert {("c", "duration"), ("c", "resolution"), ("c", "aspect_ratio")} <= set(got)
    assert ("d", "sound") in got
    assert sum(1 for shot, field in got if (shot, field) == ("b", "prompt")) == 1  # said once


def test_no_model_anywhere(models: Models) -> None:
    found = check_storyboard(board(plain("a"), model=None), models)
    assert [(p.shot_id, p.field) for p in found] == [("a", "model")]
    assert "default model" in found[0].message


def test_a_style_does_not_make_an_empty_prompt_acceptable(models: Models) -> None:
    assert problems(board(plain("a", prompt=""), style="noir"), models) == [("a", "prompt")]


def test_a_prompt_that_is_too_long_with_the_style(models: Models) -> None:
    sb = board(plain("a", prompt="x" * (MAX_PROMPT - 2)), style="watercolour")
    assert problems(sb, models) == [("a", "prompt")]


def test_missing_files_point_at_their_field(models: Models) -> None:
    here = {Path("/ok.png")}
    sb = board(
        plain("a", first_frame=FrameSource.file(Path("/gone.png"))),
        plain("b", model="seedance-v1-pro", references=(FrameRef(Role.REFERENCE_IMAGE, path=Path("/gone.png")),
                                                        FrameRef(Role.REFERENCE_IMAGE, url="https://x/r.png"))),
        plain("c", first_frame=FrameSource.from_keyframe(Keyframe("x", image=Path("/gone.png")))),
        plain("d", first_frame=FrameSource.from_keyframe(Keyframe("x", references=(Path("/gone.png"),)))),
        plain("e", first_frame=FrameSource.file(Path("/ok.png"))),
    )
    found = check_storyboard(sb, models, exists=lambda p: p in here)
    assert [(p.shot_id, p.field) for p in found] == [
        ("a", "first_frame.path"), ("b", "references"), ("c", "first_frame.image"), ("d", "first_frame.references"),
    ]
    assert all("/gone.png" in p.message for p in found)


def test_keyframe_settings(models: Models) -> None:
    def kf(**fields: object) -> FrameSource:
        return FrameSource.from_keyframe(Keyframe(**{"prompt": "a harbour", **fields}))

    sb = board(
        plain("a", first_frame=kf(prompt=" ")),
        plain("b", first_frame=kf(model="seedance-v1-pro")),
        plain("c", first_frame=kf(model="nope")),
        plain("d", first_frame=kf(resolution="4K")),
        plain("e", aspect_ratio="4:3", first_frame=kf()),
        plain("f", first_frame=kf(references=tuple(Path(f"/r{i}.png") for i in range(5)))),
        plain("g", last_frame=kf(), first_frame=kf()),
        aspect_ratio=None,
    )
    got = problems(sb, models)
    assert got[:6] == [
        ("a", "first_frame.prompt"), ("b", "first_frame.model"), ("c", "first_frame.model"),
        ("d", "first_frame.resolution"), ("e", "first_frame.model"), ("f", "first_frame.references"),
    ]
    # g is clean; e's 4:3 also differs from the first shot's 16:9
    assert got[6:] == [("e", "aspect_ratio")]
    no_image_model = board(plain("a", first_frame=kf()), image_model=None)
    assert problems(no_image_model, models) == [("a", "first_frame.model")]


def test_a_keyframe_for_a_role_the_model_lacks(models: Models) -> None:
    sb = board(plain("a", model="sim-fixed-lite", first_frame=FrameSource.from_keyframe(Keyframe("x"))))
    assert problems(sb, models) == [("a", "first_frame")]


def test_mixed_aspect_ratios_warn_on_the_shots_that_differ(models: Models) -> None:
    sb = board(plain("a"), plain("b", aspect_ratio="9:16"), plain("c", aspect_ratio="16:9"),
               plain("d", model="seedance-v1-pro", aspect_ratio="1:1"))
    found = check_storyboard(sb, models)
    assert [(p.shot_id, p.field, p.severity) for p in found] == [
        ("b", "aspect_ratio", Severity.WARNING), ("d", "aspect_ratio", Severity.WARNING),
    ]
    assert "letterbox or crop" in found[0].message
    assert "16:9" in found[0].message
    assert blocking(found) == []


def test_problems_are_in_shot_order_and_paths_name_the_position(models: Models) -> None:
    sb = board(plain("x"), plain("y", prompt=""), chained("z", model="seedance-v1-pro"))
    found = blocking(check_storyboard(sb, models))
    assert [problem_path(sb, p) for p in found] == ["shots[1].prompt", "shots[2].first_frame.source"]
    assert problem_path(sb, ShotProblem(None, "shots", "")) == "shots"
