"""Validation of ``POST /v2/images/generations`` bodies, with the video endpoint's rules and error shapes.

``model`` and ``prompt`` are checked exactly as for videos (:func:`.validation.model_and_prompt`), then
``aspect_ratio`` and ``resolution`` against the image model, ``output_format`` (``jpeg``, the default, ``png``,
``webp``) and ``images``: reference images as ``[{url}]``, at most the model's ``supported_references``
count for ``reference_image``, each url an inline PNG/JPEG/WebP data URL or a public https URL, as for
videos. The SDK's image type has no ``role``; one given anyway must be ``reference_image`` (the docs are
silent: refusing other roles keeps a client from believing a first-frame role means anything here).
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import ModelSpec
from .errors import invalid
from .validation import ImageInput, _choice, _string, image_input, model_and_prompt

OUTPUT_FORMATS = ("jpeg", "png", "webp")  # the first is the API's default
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
REFERENCE_ROLE = "reference_image"


@dataclass(frozen=True)
class ImageCreateRequest:
    model: ModelSpec
    prompt: str
    aspect_ratio: str
    resolution: str
    output_format: str
    references: tuple[ImageInput, ...]


def _output_format(body: dict[str, object]) -> str:
    value = _string(body, "output_format")
    if value is None:
        return OUTPUT_FORMATS[0]
    if value not in OUTPUT_FORMATS:
        raise invalid("output_format", f"'output_format' must be one of {', '.join(OUTPUT_FORMATS)}.")
    return value


def _references(body: dict[str, object], model: ModelSpec, max_image_bytes: int) -> tuple[ImageInput, ...]:
    raw = body.get("images")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise invalid("images", "'images' must be an array of {url} objects.")
    limit = model.reference_limits.get(REFERENCE_ROLE, 0)
    if raw and limit <= 0:
        raise invalid("images", f"Model {model.id} does not accept reference images.")
    if len(raw) > limit:
        raise invalid("images", f"Model {model.id} accepts at most {limit} reference image(s).")
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise invalid("images", f"images[{i}] must be an object with a url.")
        role = item.get("role")
        if role is not None and role != REFERENCE_ROLE:
            raise invalid("images", f"images[{i}].role must be '{REFERENCE_ROLE}' (or left out) for an image.")
    return tuple(image_input(item, i, REFERENCE_ROLE, max_image_bytes) for i, item in enumerate(raw))


def validate_image_create(body: object, max_image_bytes: int) -> ImageCreateRequest:
    """The request, or an :class:`ApiError` 400 whose ``param`` names the field at fault."""
    fields, model, prompt = model_and_prompt(body, "image")
    aspect_ratio = _choice(fields, "aspect_ratio", model.aspect_ratios, model)
    resolution = _choice(fields, "resolution", model.resolutions, model)
    output_format = _output_format(fields)
    references = _references(fields, model, max_image_bytes)
    return ImageCreateRequest(model, prompt, aspect_ratio, resolution, output_format, references)
