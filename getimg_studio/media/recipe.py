"""The recipe of a clip: what was asked, of which model, with which frames, what it cost; as JSON.

One JSON document is used everywhere a recipe is kept (MP4 and Matroska metadata, GIF comment, WebP XMP,
PNG iTXt, the sidecar file), so one reader serves them all:

    {"format": "getimg-studio-recipe", "schema": 1, "recipes": [{...one per clip, in order...}]}

A joined storyboard carries one recipe per shot. Unknown keys are ignored when reading, so a newer app can
add fields without breaking an older reader; a missing required field is a `MediaError` naming it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from getimg_studio import __version__
from getimg_studio.api.types import FrameRef, GenerationRequest, Role
from getimg_studio.fsutil import sha256_file

from .errors import MediaError, bad_option

RECIPE_FORMAT = "getimg-studio-recipe"
RECIPE_KEY = RECIPE_FORMAT  # PNG iTXt keyword and XMP property name
RECIPE_SCHEMA = 1

Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True)
class RecipeFrame:
    role: str  # "first_frame", "last_frame", "reference_image"
    sha256: str  # of the image bytes as sent; "" for an https image we never had
    name: str = ""  # the file's name when it was chosen, for people


@dataclass(frozen=True, slots=True)
class Recipe:
    model: str
    prompt: str
    aspect_ratio: str | None = None
    resolution: str | None = None
    duration: float | None = None
    sound: bool = False
    frames: tuple[RecipeFrame, ...] = ()
    extra: tuple[tuple[str, Scalar], ...] = ()  # parameters beyond these, as sent (sorted by name)
    remote_id: str | None = None
    cost: Decimal | None = None
    currency: str = "USD"
    source_sha256: str | None = None  # the file as getimg served it (that file is never modified)
    app_version: str = __version__
    schema: int = RECIPE_SCHEMA
    created_at: str | None = None  # ISO 8601, UTC
    notes: tuple[str, ...] = field(default=())  # what was done to this copy: "trimmed 1.0-3.0 s", ...

    def to_request(self, frames: Mapping[str, Path] | None = None) -> GenerationRequest:
        """The request to make this again. `frames` maps a frame's SHA-256 to a local copy; frames not in it
        are left out (the caller says so to the creator)."""
        found = frames or {}
        refs = tuple(FrameRef(Role(f.role), path=found[f.sha256]) for f in self.frames
                     if f.sha256 in found and f.role in Role._value2member_map_)
        return GenerationRequest(model=self.model, prompt=self.prompt, aspect_ratio=self.aspect_ratio,
                                 resolution=self.resolution, duration=self.duration, sound=self.sound, frames=refs)


def recipe_for(request: GenerationRequest, *, remote_id: str | None = None, cost: Decimal | None = None,
               currency: str = "USD", source_sha256: str | None = None, created_at: str | None = None) -> Recipe:
    """A request's recipe, hashing its local frame files (blocking: call in an executor)."""
    frames = []
    for ref in request.frames:
        if ref.path is not None:
            frames.append(RecipeFrame(ref.role.value, sha256_file(ref.path), ref.path.name))
        else:
            frames.append(RecipeFrame(ref.role.value, "", (ref.url or "").rsplit("/", 1)[-1].split("?")[0]))
    return Recipe(model=request.model, prompt=request.prompt, aspect_ratio=request.aspect_ratio,
                  resolution=request.resolution, duration=request.duration, sound=request.sound,
                  frames=tuple(frames), remote_id=remote_id, cost=cost, currency=currency,
                  source_sha256=source_sha256, created_at=created_at)


def find_frames(recipe: Recipe, frames_dir: Path) -> dict[str, Path]:
    """The recipe's frames that the history still holds (its copies are named by their SHA-256)."""
    found: dict[str, Path] = {}
    for frame in recipe.frames:
        if frame.sha256 and frame.sha256 not in found:
            for candidate in sorted(frames_dir.glob(f"{frame.sha256}.*")):
                found[frame.sha256] = candidate
                break
    return found


def recipe_to_dict(recipe: Recipe) -> dict[str, Any]:
    return {
        "schema": recipe.schema,
        "app_version": recipe.app_version,
        "model": recipe.model,
        "prompt": recipe.prompt,
        "aspect_ratio": recipe.aspect_ratio,
        "resolution": recipe.resolution,
        "duration": recipe.duration,
        "sound": recipe.sound,
        "frames": [{"role": f.role, "sha256": f.sha256, "name": f.name} for f in recipe.frames],
        "extra": dict(recipe.extra),
        "remote_id": recipe.remote_id,
        "cost": str(recipe.cost) if recipe.cost is not None else None,
        "currency": recipe.currency,
        "source_sha256": recipe.source_sha256,
        "created_at": recipe.created_at,
        "notes": list(recipe.notes),
    }


def recipes_to_json(recipes: Sequence[Recipe]) -> str:
    """The document as compact JSON (non-ASCII kept as is: metadata fields are UTF-8)."""
    return json.dumps(document(recipes), ensure_ascii=False, separators=(",", ":"))


def document(recipes: Sequence[Recipe]) -> dict[str, Any]:
    if not recipes:
        raise bad_option("recipe", "There is no recipe to write.")
    return {"format": RECIPE_FORMAT, "schema": RECIPE_SCHEMA, "recipes": [recipe_to_dict(r) for r in recipes]}


def looks_like_recipe(text: str) -> bool:
    """Cheap check before parsing a metadata value that may be anyone's comment."""
    return RECIPE_FORMAT in text[:200]


def recipes_from_json(text: str, where: str) -> tuple[Recipe, ...]:
    """Parse a document; `where` names the file for the message when it is damaged."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _damaged(where, "it is not JSON") from exc
    return recipes_from_document(data, where)


def recipes_from_document(data: object, where: str) -> tuple[Recipe, ...]:
    if not isinstance(data, dict) or data.get("format") != RECIPE_FORMAT:
        raise _damaged(where, "it is not a getimg Studio recipe")
    items = data.get("recipes")
    if not isinstance(items, list) or not items:
        raise _damaged(where, "it lists no clip")
    return tuple(_recipe(item, where) for item in items)


def _damaged(where: str, why: str) -> MediaError:
    return bad_option("recipe", f"The recipe in “{where}” cannot be read: {why}.")


def _text(item: dict[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise _damaged(where, f"the field “{key}” is not text")
    return value


def _required(item: dict[str, Any], key: str, where: str) -> str:
    value = _text(item, key, where)
    if value is None:
        raise _damaged(where, f"the field “{key}” is missing")
    return value


def _recipe(item: object, where: str) -> Recipe:
    if not isinstance(item, dict):
        raise _damaged(where, "a clip's entry is not an object")
    model = _required(item, "model", where)
    prompt = _required(item, "prompt", where)
    duration = item.get("duration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int | float)):
        raise _damaged(where, "the field “duration” is not a number")
    cost_text = _text(item, "cost", where)
    try:
        cost = Decimal(cost_text) if cost_text is not None else None
    except InvalidOperation as exc:
        raise _damaged(where, "the field “cost” is not an amount") from exc
    frames = []
    for raw in item.get("frames") or ():
        if not isinstance(raw, dict):
            raise _damaged(where, "a frame's entry is not an object")
        role = _required(raw, "role", where)
        frames.append(RecipeFrame(role, _text(raw, "sha256", where) or "", _text(raw, "name", where) or ""))
    extra = item.get("extra") or {}
    if not isinstance(extra, dict):
        raise _damaged(where, "the field “extra” is not an object")
    schema = item.get("schema", RECIPE_SCHEMA)
    return Recipe(
        model=model, prompt=prompt, aspect_ratio=_text(item, "aspect_ratio", where),
        resolution=_text(item, "resolution", where),
        duration=float(duration) if duration is not None else None, sound=bool(item.get("sound", False)),
        frames=tuple(frames),
        extra=tuple(sorted((str(k), v) for k, v in extra.items() if isinstance(v, str | int | float | bool))),
        remote_id=_text(item, "remote_id", where), cost=cost, currency=_text(item, "currency", where) or "USD",
        source_sha256=_text(item, "source_sha256", where), app_version=_text(item, "app_version", where) or "",
        schema=int(schema) if isinstance(schema, int) else RECIPE_SCHEMA,
        created_at=_text(item, "created_at", where),
        notes=tuple(str(n) for n in item.get("notes") or () if isinstance(n, str)),
    )
