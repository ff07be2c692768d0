"""Pure arithmetic of the media layer: fitting pictures, frame clocks, retiming, progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest

from getimg_studio.media.control import Control
from getimg_studio.media.decode import Retimer
from getimg_studio.media.errors import Cancelled
from getimg_studio.media.geometry import (
    Fit,
    crossfade_problem,
    fit_box,
    frame_count,
    layout,
    most_common,
    most_common_rate,
    output_times,
    sample_at,
    scaled_to_height,
)
from getimg_studio.media.gif import sample_indices


def test_letterbox_fits_inside_and_centres_on_even_offsets() -> None:
    box = fit_box(240, 240, 320, 180, Fit.LETTERBOX)
    assert (box.scaled_w, box.scaled_h) == (180, 180)
    assert (box.x, box.y) == (70, 0)
    wide = fit_box(1920, 800, 1280, 720, Fit.LETTERBOX)
    assert wide.scaled_w == 1280
    assert wide.scaled_h <= 720
    assert wide.y % 2 == 0
    assert wide.y > 0


def test_crop_covers_the_frame_and_cuts_the_middle() -> None:
    box = fit_box(240, 240, 320, 180, Fit.CROP)
    assert (box.scaled_w, box.scaled_h) == (320, 320)
    assert (box.x, box.y) == (0, 70)


def test_same_shape_is_a_plain_scale() -> None:
    box = fit_box(1920, 1080, 1280, 720, Fit.LETTERBOX)
    assert (box.scaled_w, box.scaled_h, box.x, box.y) == (1280, 720, 0, 0)
    assert box.identity


def test_height_presets_keep_the_shape_and_never_enlarge() -> None:
    assert scaled_to_height(1280, 720, 360) == (640, 360)
    assert scaled_to_height(1280, 720, 1080) == (1280, 720)
    assert scaled_to_height(720, 1280, 480) == (270, 480)
    assert scaled_to_height(1280, 720, None) == (1280, 720)
    assert scaled_to_height(853, 480, 360) == (640, 360)  # odd sizes become even


def test_most_common_breaks_ties_towards_the_larger() -> None:
    assert most_common([(320, 180), (640, 360), (320, 180)]) == (320, 180)
    assert most_common([(320, 180), (640, 360)]) == (640, 360)
    assert most_common_rate([Fraction(24), Fraction(30)]) == Fraction(30)
    assert most_common_rate([Fraction(24), Fraction(30), Fraction(24)]) == Fraction(24)


def test_layout_overlaps_clips_by_the_crossfade() -> None:
    grid = layout([48, 48, 48], 12)
    assert grid.firsts == (0, 36, 72)
    assert grid.total == 120  # 3 x 48 - 2 x 12
    assert layout([48, 24], 0).total == 72


def test_crossfade_problem_names_the_short_clip() -> None:
    assert crossfade_problem([48, 48, 48], 12) is None
    assert crossfade_problem([48, 20, 48], 12) == 1  # a middle clip needs room for two crossfades
    assert crossfade_problem([10, 48], 12) == 0
    assert crossfade_problem([48], 48) is None  # a single clip has no crossfade


def test_frame_and_sample_clocks() -> None:
    assert frame_count(2.0, Fraction(24)) == 48
    assert frame_count(5.0, Fraction(30000, 1001)) == 150
    assert frame_count(0.0, Fraction(24)) == 1
    assert sample_at(24, Fraction(24), 48000) == 48000
    assert sample_at(1, Fraction(24), 44100) == 1838


def test_output_times_cover_a_span_exactly() -> None:
    times = output_times(Fraction(1), Fraction(3), Fraction(24))
    assert len(times) == 48
    assert times[0] == 1
    assert times[-1] == Fraction(1) + Fraction(47, 24)
    assert len(output_times(Fraction(0), Fraction(2), Fraction(15))) == 30
    # a bound a hair over a frame edge (float noise) adds no frame; a real partial frame does
    assert len(output_times(Fraction(0), Fraction(2000001, 1000000), Fraction(24))) == 48
    assert len(output_times(Fraction(0), Fraction(2010, 1000), Fraction(24))) == 49


def _frames(times: list[Fraction]) -> Iterator[tuple[Fraction, Any]]:
    for t in times:
        yield t, f"frame@{t}"


def test_retimer_picks_the_frame_on_screen() -> None:
    source = [Fraction(i, 24) for i in range(48)]
    retimer = Retimer(_frames(source))
    picked = [retimer.at(Fraction(j, 15)) for j in range(30)]
    assert picked[0] == "frame@0"
    assert picked[1] == f"frame@{Fraction(1, 24)}"  # 1/15 s: frame 1 (1/24) is on screen, frame 2 (1/12) not yet
    assert picked[15] == f"frame@{Fraction(24, 24)}"  # 1.0 s exactly is frame 24
    assert len(set(picked)) == 30


def test_retimer_repeats_at_the_ends() -> None:
    retimer = Retimer(_frames([Fraction(1, 10), Fraction(2, 10)]))
    assert retimer.at(Fraction(0)) == "frame@1/10"  # before the first frame: the first
    assert retimer.at(Fraction(5)) == "frame@1/5"  # past the last: the last
    assert Retimer(_frames([])).at(Fraction(0)) is None


def test_retimer_doubles_frames_for_a_higher_rate() -> None:
    retimer = Retimer(_frames([Fraction(i, 12) for i in range(12)]))
    picked = [retimer.at(Fraction(j, 24)) for j in range(24)]
    assert picked[0] == picked[1]
    assert picked[2] == picked[3]
    assert picked[0] != picked[2]


def test_sample_indices_spread_over_the_clip() -> None:
    assert sample_indices(5) == [0, 1, 2, 3, 4]
    picks = sample_indices(120)
    assert len(picks) == 16
    assert picks[0] == 0
    assert picks[-1] == 119


def test_progress_rises_is_thinned_and_ends_at_one() -> None:
    seen: list[float] = []
    control = Control(seen.append)
    for i in range(1001):
        control.report(i / 1000)
    control.done()
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert seen.count(1.0) == 1
    assert 100 <= len(seen) <= 201  # one call per half percent, not per frame


def test_progress_parts_map_onto_the_whole() -> None:
    seen: list[float] = []
    control = Control(seen.append)
    first, second = control.part(0.0, 0.25), control.part(0.25, 1.0)
    first.report(1.0)
    second.report(0.5)
    assert seen[-1] == pytest.approx(0.625)
    second.done()  # only the whole says done
    assert 1.0 not in seen
    control.done()
    assert seen[-1] == 1.0


def test_cancel_by_event_or_callable() -> None:
    event = threading.Event()
    control = Control(None, event)
    control.check()
    event.set()
    with pytest.raises(Cancelled):
        control.report(0.1)
    with pytest.raises(Cancelled):
        Control(None, lambda: True).part(0.5, 1.0).check()
