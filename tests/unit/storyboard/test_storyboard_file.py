from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import FrameRef, Role
from getimg_studio.jobs.storyboard.codec import (
    FORMAT,
    VERSION,
    StoryboardFormatError,
    shot_from_json,
    shot_to_json,
    storyboard_from_json,
    storyboard_to_json,
)
from getimg_studio.jobs.storyboard.fileformat import dump_storyboard_file, load_storyboard_file
from getimg_studio.jobs.storyboard.model import Defaults, FrameKind, FrameSource, Keyframe, Shot, Storyboard
from tests.unit.storyboard.builders import EXAMPLE


def doc(*shots: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "name": "Film", **top, "shots": list(shots)}


def errors_of(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(StoryboardFormatError) as info:
        storyboard_from_json(data, Path("/base"))
    assert info.value.kind is ErrorKind.INVALID
    assert info.value.param == info.value.errors[0].path
    return [(e.path, e.message) for e in info.value.errors]


def paths_of(data: Any) -> list[str]:
    return [path for path, _ in errors_of(data)]


def full_storyboard(folder: Path) -> Storyboard:
    return Storyboard(
        id=None, name="The lighthouse", style="watercolour",
        defaults=Defaults(model="seedance-v1-5-pro", aspect_ratio="16:9", resolution="720p", sound=True,
                          image_model="sim-image-lite"),
        shots=(
            Shot(id="a", prompt="harbour", duration=5.0, takes=3,
                 first_frame=FrameSource.from_keyframe(Keyframe("a lighthouse", model="sim-image-lite",
                                                                resolution="1K", include_style=False,
                                                                references=(folder / "refs" / "look.png",)))),
            Shot(id="b", prompt="climb", include_style=False, duration=7.5, first_frame=FrameSource.chained(),
                 last_frame=FrameSource.file(Path("/elsewhere/end.png"))),
            Shot(id="c", prompt="gull", model="seedance-v1-pro", aspect_ratio="1:1", resolution="1080p", sound=False,
                 references=(FrameRef(Role.REFERENCE_IMAGE, path=folder / "gull.png"),
                             FrameRef(Role.REFERENCE_IMAGE, url="https://example.com/g.png"))),
            Shot(id="d", prompt="end",
                 first_frame=FrameSource.from_keyframe(Keyframe("x", image=folder / "made.png"))),
        ),
    )


def test_dump_and_load_round_trip_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    sb = full_storyboard(tmp_path)
    target = tmp_path / "story.json"
    dump_storyboard_file(sb, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["shots"][0]["first_frame"]["references"] == ["refs/look.png"]
    assert data["shots"][1]["last_frame"] == {"source": "file", "path": "/elsewhere/end.png"}
    assert data["shots"][2]["references"] == ["gull.png", "https://example.com/g.png"]
    assert data["shots"][1]["duration"] == 7.5
    assert data["shots"][0]["duration"] == 5
    assert load_storyboard_file(target) == sb
    # the folder can move: relative paths follow it
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "story.json").write_bytes(target.read_bytes())
    loaded = load_storyboard_file(moved / "story.json")
    assert loaded.shots[2].references[0].path == moved / "gull.png"
    assert loaded.shots[1].last_frame.path == Path("/elsewhere/end.png")


def test_a_minimal_file_takes_every_default() -> None:
    sb = storyboard_from_json(doc({"prompt": "a boat"}, {"prompt": "a cat", "first_frame": {"source": "chained"}}),
                              Path("/base"))
    assert sb.name == "Film"
    assert sb.style == ""
    assert sb.defaults == Defaults()
    assert [s.id for s in sb.shots] == ["shot-1", "shot-2"]
    assert sb.shots[0] == Shot(id="shot-1", prompt="a boat")
    assert sb.shots[1].first_frame.kind is FrameKind.CHAINED


def test_generated_ids_never_clash_with_given_ones() -> None:
    sb = storyboard_from_json(doc({"prompt": "x"}, {"id": "shot-1", "prompt": "y"}))
    assert [s.id for s in sb.shots] == ["shot-2", "shot-1"]


def test_the_example_loads_with_its_reference_beside_it() -> None:
    sb = load_storyboard_file(EXAMPLE)
    gull = sb.shot("gull")
    assert gull.references[0].path == EXAMPLE.parent / "gull.png"
    assert gull.references[0].path.is_file()
    assert storyboard_from_json(storyboard_to_json(sb, EXAMPLE.parent), EXAMPLE.parent) == sb


@pytest.mark.parametrize(("data", "expected"), [
    ([], ["$"]),
    ({"version": 1, "shots": []}, ["format"]),
    (doc(version=2), ["version"]),
    (doc(version="1"), ["version"]),
    (doc(name=3), ["name"]),
    (doc(colour="red"), ["colour"]),
    ({**doc(), "shots": {}}, ["shots"]),
    ({"format": FORMAT, "version": 1}, ["shots"]),
    (doc(defaults={"model": 5, "sound": "yes", "aspect": "16:9"}),
     ["defaults.aspect", "defaults.model", "defaults.sound"]),
    (doc({"prompt": "x", "takes": 5}), ["shots[0].takes"]),
    (doc({"prompt": "x", "takes": True}), ["shots[0].takes"]),
    (doc({"prompt": "x", "duration": -1}), ["shots[0].duration"]),
    (doc({"prompt": "x", "duration": "5"}), ["shots[0].duration"]),
    (doc({"prompt": "x", "sound": 1}), ["shots[0].sound"]),
    (doc({"prompt": "x", "model": ""}), ["shots[0].model"]),
    (doc({"prompt": 7}), ["shots[0].prompt"]),
    (doc({}), ["shots[0].prompt"]),
    (doc("a boat"), ["shots[0]"]),
    (doc({"prompt": "x", "promt": "y"}), ["shots[0].promt"]),
    (doc({"prompt": "x"}, {"prompt": "y", "first_frame": "chained"}), ["shots[1].first_frame"]),
    (doc({"prompt": "x"}, {"prompt": "y", "first_frame": {}}), ["shots[1].first_frame.source"]),
    (doc({"prompt": "x"}, {"prompt": "y", "first_frame": {"source": "previous"}}), ["shots[1].first_frame.source"]),
    (doc({"prompt": "x", "last_frame": {"source": "chained"}}), ["shots[0].last_frame.source"]),
    (doc({"prompt": "x", "first_frame": {"source": "file"}}), ["shots[0].first_frame.path"]),
    (doc({"prompt": "x", "first_frame": {"source": "file", "path": ""}}), ["shots[0].first_frame.path"]),
    (doc({"prompt": "x", "first_frame": {"source": "chained", "path": "a.png"}}), ["shots[0].first_frame.path"]),
    (doc({"prompt": "x", "first_frame": {"source": "keyframe"}}), ["shots[0].first_frame.prompt"]),
    (doc({"prompt": "x", "first_frame": {"source": "keyframe", "prompt": "k", "references": ["https://x/y.png"]}}),
     ["shots[0].first_frame.references[0]"]),
    (doc({"prompt": "x", "references": "a.png"}), ["shots[0].references"]),
    (doc({"prompt": "x", "references": ["a.png", 3]}), ["shots[0].references[1]"]),
    (doc({"id": "a", "prompt": "x"}, {"id": "a", "prompt": "y"}), ["shots[1].id"]),
    (doc({"id": "", "prompt": "x"}), ["shots[0].id"]),
])
def test_every_invalid_input_is_named_by_its_json_path(data: Any, expected: list[str]) -> None:
    assert sorted(paths_of(data)) == sorted(expected)


def test_every_mistake_is_reported_at_once_with_a_helpful_message() -> None:
    found = errors_of(doc({"prompt": "x", "takes": 9}, {"prompt": "y", "promt": "z",
                                                         "last_frame": {"source": "chained"}}))
    assert [p for p, _ in found] == ["shots[0].takes", "shots[1].promt", "shots[1].last_frame.source"]
    messages = dict(found)
    assert messages["shots[0].takes"] == "must be a whole number from 1 to 4, not 9"
    assert "did you mean “prompt”" in messages["shots[1].promt"]
    assert "only a first frame continues the shot before" in messages["shots[1].last_frame.source"]


def test_a_newer_version_says_to_update() -> None:
    (path, message), = errors_of(doc(version=VERSION + 1))
    assert path == "version"
    assert "newer getimg Studio" in message


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(GetimgError, match="no storyboard file") as info:
        load_storyboard_file(tmp_path / "nope.json")
    assert info.value.kind is ErrorKind.DISK
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "getimg-studio-storyboard",\n "version": 1,, }', encoding="utf-8")
    with pytest.raises(StoryboardFormatError, match=r"not valid JSON: .* line 2") as parsed:
        load_storyboard_file(bad)
    assert str(bad) in parsed.value.message
    bad.write_text(json.dumps(doc({"prompt": "x", "duration": 1})).replace("1}", "NaN}"), encoding="utf-8")
    with pytest.raises(StoryboardFormatError, match="NaN is not a number JSON allows"):
        load_storyboard_file(bad)
    bad.write_bytes(b"\xff\xfe{}")
    with pytest.raises(StoryboardFormatError, match="not UTF-8"):
        load_storyboard_file(bad)


def test_a_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc({"prompt": "x"})).encode())
    assert load_storyboard_file(path).shots[0].prompt == "x"


def test_dump_writes_atomically_and_says_why_it_cannot(tmp_path: Path) -> None:
    sb = full_storyboard(tmp_path)
    target = tmp_path / "story.json"
    target.write_text("old", encoding="utf-8")
    dump_storyboard_file(sb, target)
    assert target.read_text(encoding="utf-8").startswith("{\n  \"format\": \"getimg-studio-storyboard\"")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(GetimgError, match="cannot be written") as info:
        dump_storyboard_file(sb, tmp_path / "file" / "story.json")
    assert info.value.kind is ErrorKind.DISK


def test_a_shot_object_without_its_id_round_trips() -> None:
    shot = full_storyboard(Path("/f")).shots[2]
    data = shot_to_json(shot, with_id=False)
    assert "id" not in data
    assert shot_from_json(data, "c") == shot
    with pytest.raises(StoryboardFormatError, match="A stored shot is not a valid storyboard"):
        shot_from_json({"prompt": 1}, "x")
