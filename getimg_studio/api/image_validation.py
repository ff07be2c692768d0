"""An image request checked before anything is sent, each issue naming the field at fault.

The rules shared with videos come from `validation` (the prompt, aspect ratio and resolution against the
model, https-only addresses) and `frames` (formats the API takes, conversion, the 10 MiB image and 25 MiB body
limits), so a rule lives in one place. What only images have is checked here: an image model, the output
format, and the model's `reference_image` count. The docs give images no prompt limit of their own: the
video limit (4,096 characters) is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import GetimgError
from .image_types import OUTPUT_FORMATS, ImageRequest
from .types import FrameRef, GenerationRequest, ModelInfo, Role
from .validation import Issue, _check_frame_source, _check_options, check_prompt

if TYPE_CHECKING:
    from .frames import PreparedFrame

REFERENCES_FIELD = Role.REFERENCE_IMAGE.value
_FORMAT_NAMES = {"jpeg": "JPEG", "png": "PNG", "webp": "WebP"}


def _check_references(request: ImageRequest, model: ModelInfo) -> list[Issue]:
    issues: list[Issue] = []
    limit = model.max_count(Role.REFERENCE_IMAGE)
    count = len(request.references)
    if count and limit == 0:
        issues.append(Issue(REFERENCES_FIELD, f"{model.name} takes no reference images: remove them or choose "
                                              f"another image model."))
    elif count > limit:
        noun = "reference image" if limit == 1 else "reference images"
        issues.append(Issue(REFERENCES_FIELD, f"{model.name} accepts at most {limit} {noun}; this request has "
                                              f"{count} (remove {count - limit})."))
    if any(ref.role is not Role.REFERENCE_IMAGE for ref in request.references):
        issues.append(Issue(REFERENCES_FIELD, "An image takes reference images only (no first or last frame)."))
    for ref in request.references:
        issues.extend(_check_frame_source(ref))
    return issues


def validate_image(request: ImageRequest, model: ModelInfo | None) -> list[Issue]:
    """Every problem with `request` for `model` (None: the model is unknown); empty when it can be sent.

    Fields: prompt, model, aspect_ratio, resolution, output_format, reference_image.
    """
    issues = check_prompt(request.prompt, "image")
    if model is None or model.type != "image":
        what = "not an image model" if model is not None else "not a known image model"
        issues.append(Issue("model", f"“{request.model}” is {what}: choose one from the image model list."))
        return issues
    options = GenerationRequest(model=request.model, prompt=request.prompt, aspect_ratio=request.aspect_ratio,
                                resolution=request.resolution)
    issues.extend(_check_options(options, model))
    if request.output_format is not None and request.output_format not in OUTPUT_FORMATS:
        names = ", ".join(_FORMAT_NAMES[f] for f in OUTPUT_FORMATS)
        issues.append(Issue("output_format", f"“{request.output_format}” is not an image format getimg makes: "
                                             f"choose {names}."))
    issues.extend(_check_references(request, model))
    return issues


def reference_error(number: int, exc: GetimgError) -> GetimgError:
    """A frame rule's refusal said of the reference it is about (the form points at the references)."""
    return GetimgError(exc.kind, f"Reference image {number}: {exc.message}", param=REFERENCES_FIELD)


def prepare_references(references: Sequence[FrameRef]) -> list[PreparedFrame]:
    """The references as the API takes them (blocking: Pillow and file reads; call it in an executor).

    Each is converted, turned upright and downscaled by `frames.prepare_frame` where needed; one that cannot be
    used raises GetimgError(FRAME) saying which reference it is; so do references too large together.
    """
    from .frames import check_body_size, prepare_frame  # Pillow: not before the first paint

    prepared: list[PreparedFrame] = []
    for number, ref in enumerate(references, 1):
        try:
            prepared.append(prepare_frame(ref))
        except GetimgError as exc:
            raise reference_error(number, exc) from None
    try:
        check_body_size(prepared)
    except GetimgError as exc:
        raise GetimgError(exc.kind, exc.message, param=REFERENCES_FIELD) from None
    return prepared
