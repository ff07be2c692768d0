"""Pure edits of a storyboard: each returns a new `Storyboard` and leaves its argument as it was.

The view and the command line call these and save the result; an undo stack is a list of old values.
Timestamps are the history's business (it stamps `updated_at` when it saves), so edits leave them alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .model import DEFAULT_NAME, Defaults, Shot, Storyboard, new_shot_id

IdFactory = Callable[[], str]


def _with_shots(storyboard: Storyboard, shots: list[Shot]) -> Storyboard:
    return dataclasses.replace(storyboard, shots=tuple(shots))


def _fresh_id(storyboard: Storyboard, new_id: IdFactory) -> str:
    taken = {s.id for s in storyboard.shots}
    for _ in range(1000):
        candidate = new_id()
        if candidate not in taken:
            return candidate
    raise RuntimeError("the id factory keeps returning ids already in use")


def add_shot(storyboard: Storyboard, shot: Shot | None = None, *, index: int | None = None,
             new_id: IdFactory = new_shot_id) -> Storyboard:
    """Insert `shot` (a blank one by default) at `index` (the end by default); a clashing id is replaced."""
    if shot is None:
        shot = Shot(id=_fresh_id(storyboard, new_id))
    elif any(s.id == shot.id for s in storyboard.shots):
        shot = dataclasses.replace(shot, id=_fresh_id(storyboard, new_id))
    shots = list(storyboard.shots)
    shots.insert(len(shots) if index is None else _clamp(index, len(shots)), shot)
    return _with_shots(storyboard, shots)


def duplicate_shot(storyboard: Storyboard, shot_id: str, *, new_id: IdFactory = new_shot_id) -> Storyboard:
    """A copy of the shot right after it, with a new id and no chosen take (its takes stay with the original)."""
    i = storyboard.index_of(shot_id)
    copy = dataclasses.replace(storyboard.shots[i], id=_fresh_id(storyboard, new_id), chosen_take=None)
    return add_shot(storyboard, copy, index=i + 1, new_id=new_id)


def delete_shot(storyboard: Storyboard, shot_id: str) -> Storyboard:
    i = storyboard.index_of(shot_id)
    shots = list(storyboard.shots)
    del shots[i]
    return _with_shots(storyboard, shots)


def _clamp(index: int, length: int) -> int:
    return max(0, min(index, length))


def move_shot(storyboard: Storyboard, shot_id: str, index: int) -> Storyboard:
    """Move the shot so it ends at position `index` (clamped to the list), the others keeping their order."""
    i = storyboard.index_of(shot_id)
    shots = list(storyboard.shots)
    shot = shots.pop(i)
    shots.insert(_clamp(index, len(shots)), shot)
    return _with_shots(storyboard, shots)


def move_up(storyboard: Storyboard, shot_id: str) -> Storyboard:
    return move_shot(storyboard, shot_id, storyboard.index_of(shot_id) - 1)


def move_down(storyboard: Storyboard, shot_id: str) -> Storyboard:
    return move_shot(storyboard, shot_id, storyboard.index_of(shot_id) + 1)


def replace_shot(storyboard: Storyboard, shot: Shot) -> Storyboard:
    """Put `shot` in the place of the shot with the same id."""
    i = storyboard.index_of(shot.id)
    shots = list(storyboard.shots)
    shots[i] = shot
    return _with_shots(storyboard, shots)


def update_shot(storyboard: Storyboard, shot_id: str, **changes: Any) -> Storyboard:
    """Change some fields of one shot (`update_shot(sb, "a", prompt="...", takes=2)`); its id stays."""
    if "id" in changes:
        raise ValueError("a shot keeps its id: its takes are filed under it")
    return replace_shot(storyboard, dataclasses.replace(storyboard.shot(shot_id), **changes))


def choose_take(storyboard: Storyboard, shot_id: str, take: int | None) -> Storyboard:
    """The creator's pick for a shot (None: back to the first ready take)."""
    return update_shot(storyboard, shot_id, chosen_take=take)


def rename(storyboard: Storyboard, name: str) -> Storyboard:
    name = " ".join(name.split())
    if not name:
        raise ValueError("A storyboard needs a name.")
    return dataclasses.replace(storyboard, name=name)


def set_style(storyboard: Storyboard, style: str) -> Storyboard:
    return dataclasses.replace(storyboard, style=style.strip())


def set_defaults(storyboard: Storyboard, defaults: Defaults | None = None, **changes: Any) -> Storyboard:
    """Replace the defaults, or change some of them (`set_defaults(sb, model="...", sound=True)`)."""
    base = defaults if defaults is not None else storyboard.defaults
    return dataclasses.replace(storyboard, defaults=dataclasses.replace(base, **changes))


def duplicate_storyboard(storyboard: Storyboard, name: str | None = None, *,
                         new_id: IdFactory = new_shot_id) -> Storyboard:
    """A new, unsaved storyboard with the same shots under new ids; the takes stay with the original."""
    copy = Storyboard(id=None, name=name or _copy_name(storyboard.name), style=storyboard.style,
                      defaults=storyboard.defaults)
    for shot in storyboard.shots:
        copy = add_shot(copy, dataclasses.replace(shot, id=_fresh_id(copy, new_id), chosen_take=None),
                        new_id=new_id)
    return copy


def _copy_name(name: str) -> str:
    return f"{name or DEFAULT_NAME} (copy)"
