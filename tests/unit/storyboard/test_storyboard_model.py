from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from getimg_studio.api.types import FrameRef, Role
from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.model import (
    MAX_TAKES,
    Defaults,
    FrameKind,
    FrameSource,
    Keyframe,
    Shot,
    ShotNotFound,
    Storyboard,
)
from tests.unit.storyboard.builders import board, chained, plain


def ids(storyboard: Storyboard) -> list[str]:
    return [s.id for s in storyboard.shots]


def counter() -> edits.IdFactory:
    numbers = itertools.count(1)
    return lambda: f"n{next(numbers)}"


def test_frame_source_has_exactly_the_fields_of_its_kind() -> None:
    assert FrameSource.file(Path("/a.png")).kind is FrameKind.FILE
    assert FrameSource.chained().path is None
    with pytest.raises(ValueError, match="path"):
        FrameSource(FrameKind.FILE)
    with pytest.raises(ValueError, match="path"):
        FrameSource(FrameKind.CHAINED, path=Path("/a.png"))
    with pytest.raises(ValueError, match="keyframe"):
        FrameSource(FrameKind.NONE, keyframe=Keyframe("x"))


def test_shot_rules() -> None:
    with pytest.raises(ValueError, match="takes"):
        Shot(id="a", takes=0)
    with pytest.raises(ValueError, match="takes"):
        Shot(id="a", takes=MAX_TAKES + 1)
    with pytest.raises(ValueError, match="first frame"):
        Shot(id="a", last_frame=FrameSource.chained())
    with pytest.raises(ValueError, match="reference"):
        Shot(id="a", references=(FrameRef(Role.FIRST_FRAME, path=Path("/a.png")),))
    with pytest.raises(ValueError, match="duration"):
        Shot(id="a", duration=0)
    with pytest.raises(ValueError, match="id"):
        Shot(id="")


def test_shot_ids_are_unique_and_lookups_name_the_missing_one() -> None:
    with pytest.raises(ValueError, match="unique"):
        board(plain("a"), plain("a"))
    sb = board(plain("a"), chained("b"), plain("c"))
    assert sb.previous("b") == sb.shots[0]
    assert sb.previous("a") is None
    assert sb.next("b") == sb.shots[2]
    assert sb.next("c") is None
    with pytest.raises(ShotNotFound):
        sb.shot("zzz")


def test_add_appends_inserts_and_never_reuses_an_id() -> None:
    sb = board(plain("a"))
    sb2 = edits.add_shot(sb, new_id=counter())
    assert ids(sb2) == ["a", "n1"]
    assert ids(sb) == ["a"]
    sb3 = edits.add_shot(sb2, plain("a"), index=0, new_id=counter())
    # "a" and then the factory's "n1" are taken: the inserted copy gets the next free id
    assert ids(sb3) == ["n2", "a", "n1"]
    assert sb3.shots[0].prompt == "shot a"


def test_duplicate_places_the_copy_after_and_drops_the_pick() -> None:
    sb = board(plain("a", chosen_take=2, takes=3), plain("b"))
    dup = edits.duplicate_shot(sb, "a", new_id=counter())
    assert ids(dup) == ["a", "n1", "b"]
    assert dup.shots[1].prompt == "shot a"
    assert dup.shots[1].takes == 3
    assert dup.shots[1].chosen_take is None


@pytest.mark.parametrize(("index", "expected"), [(0, "cab"), (1, "acb"), (2, "abc"), (-5, "cab"), (99, "abc")])
def test_move_to_index_clamps(index: int, expected: str) -> None:
    sb = board(plain("a"), plain("b"), plain("c"))
    assert "".join(ids(edits.move_shot(sb, "c", index))) == expected


def test_move_up_and_down_stop_at_the_ends() -> None:
    sb = board(plain("a"), plain("b"), plain("c"))
    assert ids(edits.move_up(sb, "b")) == ["b", "a", "c"]
    assert ids(edits.move_up(sb, "a")) == ["a", "b", "c"]
    assert ids(edits.move_down(sb, "b")) == ["a", "c", "b"]
    assert ids(edits.move_down(sb, "c")) == ["a", "b", "c"]


def test_delete_update_choose() -> None:
    sb = board(plain("a"), plain("b"))
    assert ids(edits.delete_shot(sb, "a")) == ["b"]
    changed = edits.update_shot(sb, "b", prompt="new", takes=2)
    assert changed.shot("b").prompt == "new"
    assert changed.shot("b").takes == 2
    with pytest.raises(ValueError, match="id"):
        edits.update_shot(sb, "b", id="c")
    with pytest.raises(ValueError, match="takes"):
        edits.update_shot(sb, "b", takes=9)
    assert edits.choose_take(sb, "a", 3).shot("a").chosen_take == 3
    with pytest.raises(ShotNotFound):
        edits.delete_shot(sb, "zzz")


def test_rename_style_and_defaults() -> None:
    sb = board(plain("a"))
    assert edits.rename(sb, "  My   film ").name == "My film"
    with pytest.raises(ValueError, match="name"):
        edits.rename(sb, "   ")
    assert edits.set_style(sb, "  noir  ").style == "noir"
    changed = edits.set_defaults(sb, sound=True, aspect_ratio="9:16")
    assert changed.defaults.sound
    assert changed.defaults.aspect_ratio == "9:16"
    assert changed.defaults.model == sb.defaults.model
    assert edits.set_defaults(sb, Defaults()).defaults == Defaults()


def test_duplicate_storyboard_is_unsaved_with_new_shot_ids() -> None:
    sb = board(plain("a", chosen_take=1), chained("b"), style="noir")
    copy = edits.duplicate_storyboard(sb, new_id=counter())
    assert copy.id is None
    assert copy.name == "Test (copy)"
    assert copy.style == "noir"
    assert ids(copy) == ["n1", "n2"]
    assert [s.chosen_take for s in copy.shots] == [None, None]
    assert copy.shots[1].chained
    assert copy.defaults == sb.defaults
    assert edits.duplicate_storyboard(sb, "Other").name == "Other"
