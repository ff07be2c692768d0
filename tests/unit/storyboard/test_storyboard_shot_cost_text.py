"""What a shot's form says it costs: its takes and its keyframe images (the simulator's listed prices), and
a keyframe the Storyboard page starts from the shot."""

from __future__ import annotations

from getimg_studio.jobs.storyboard.model import FrameSource, Keyframe
from getimg_studio.ui.storyboard.cards import shot_cost_text
from getimg_studio.ui.storyboard.keyframes import new_keyframe
from tests.unit.storyboard.builders import board, keyframed, plain, simulator_models


def test_a_shot_with_two_keyframes_counts_both_images() -> None:
    shot = keyframed("a", takes=2, resolution="480p",
                     last_frame=FrameSource.from_keyframe(Keyframe("the end", model="sim-image-lite")))
    text = shot_cost_text(board(shot), shot, simulator_models())
    assert text == ("This shot: 2 takes $0.30 + first-frame keyframe $0.002 + last-frame keyframe $0.002 = "
                    "$0.304")


def test_a_plain_shot_is_its_takes_and_an_unlisted_image_model_has_no_price() -> None:
    models = simulator_models()
    assert shot_cost_text(board(plain("a", resolution="480p")), plain("a", resolution="480p"), models) == (
        "This shot: 1 take $0.15")
    shot = keyframed("a", resolution="480p")
    text = shot_cost_text(board(shot, image_model="no-such-model"), shot, models)
    assert text == "This shot: 1 take $0.15 + first-frame keyframe no price = $0.15 plus 1 unpriced"


def test_a_new_keyframe_starts_from_the_shot_on_the_storyboards_image_model() -> None:
    images = [m for m in simulator_models().values() if m.type == "image"]
    shot = plain("a", prompt="Boats at dawn")
    assert new_keyframe(board(shot), shot, images) == Keyframe("Boats at dawn", model=None)
    assert new_keyframe(board(shot, image_model=None), shot, images).model == images[0].id
