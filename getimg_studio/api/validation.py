"""A request checked against its model's capabilities before anything is sent.

Every rule of the API that can be known locally is checked here, so a mistake costs the creator neither a
round trip nor money; each issue names the form field at fault and says what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .types import FrameRef, GenerationRequest, ModelInfo, Role

MAX_PROMPT = 4096
MAX_IMAGES = 8


@dataclass(frozen=True, slots=True)
class Issue:
    field: str  # prompt, model, aspect_ratio, resolution, duration, sound, images, first_frame, ...
    message: str


def format_seconds(value: float) -> str:
    return f"{value:g} s"


def _one_of(values: Iterable[str]) -> str:
    items = list(values)
    if len(items) == 1:
        return f"be {items[0]}"
    return "be one of " + ", ".join(items)


def check_prompt(prompt: str, what: str = "video") -> list[Issue]:
    """The prompt rules every request shares: not blank, at most MAX_PROMPT characters."""
    if not prompt.strip():
        return [Issue("prompt", f"Write a prompt: it describes the {what} to make.")]
    if len(prompt) > MAX_PROMPT:
        extra = len(prompt) - MAX_PROMPT
        return [
            Issue(
                "prompt",
                f"The prompt is {len(prompt):,} characters long; the limit is {MAX_PROMPT:,} "
                f"(remove {extra:,}).",
            )
        ]
    return []


def _check_options(request: GenerationRequest, model: ModelInfo) -> list[Issue]:
    issues: list[Issue] = []
    name = model.name
    if request.aspect_ratio is not None and request.aspect_ratio not in model.aspect_ratios:
        issues.append(
            Issue("aspect_ratio", f"Aspect ratio must {_one_of(model.aspect_ratios)} for {name}.")
            if model.aspect_ratios
            else Issue("aspect_ratio", f"{name} takes no aspect ratio: leave it at the default.")
        )
    if request.resolution is not None and request.resolution not in model.resolutions:
        issues.append(
            Issue("resolution", f"Resolution must {_one_of(model.resolutions)} for {name}.")
            if model.resolutions
            else Issue("resolution", f"{name} takes no resolution: leave it at the default.")
        )
    if request.duration is not None and not any(abs(request.duration - d) < 1e-9 for d in model.durations):
        allowed = [format_seconds(d) for d in model.durations]
        issues.append(
            Issue("duration", f"Duration must {_one_of(allowed)} for {name}.")
            if allowed
            else Issue("duration", f"{name} takes no duration: leave it at the default.")
        )
    if request.sound and not model.supports_sound:
        issues.append(Issue("sound", f"{name} does not make sound: turn sound off or choose another model."))
    return issues


def _check_frame_source(frame: FrameRef) -> list[Issue]:
    if frame.url is not None and not frame.url.lower().startswith("https://"):
        return [
            Issue(
                frame.role.value,
                f"{frame.role.label}: use a local image file or a public https:// address "
                f"(other addresses are not accepted).",
            )
        ]
    return []


def _check_frames(request: GenerationRequest, model: ModelInfo) -> list[Issue]:
    issues: list[Issue] = []
    if len(request.frames) > MAX_IMAGES:
        issues.append(Issue("images", f"At most {MAX_IMAGES} images per video; this request has "
                                      f"{len(request.frames)}."))
    for role in Role:
        count = len(request.frames_with(role))
        if count == 0:
            continue
        limit = model.max_count(role)
        if limit == 0:
            supported = [r.label.lower() for r, n in model.references if n > 0]
            hint = f" It accepts: {', '.join(supported)}." if supported else " It takes no images."
            issues.append(Issue(role.value, f"{model.name} does not accept a {role.label.lower()}.{hint}"))
        elif count > limit:
            noun = "image" if limit == 1 else "images"
            issues.append(
                Issue(role.value, f"{model.name} accepts at most {limit} {role.label.lower()} {noun}; "
                                  f"this request has {count}.")
            )
    has_first = bool(request.frames_with(Role.FIRST_FRAME))
    has_last = bool(request.frames_with(Role.LAST_FRAME))
    if has_last and not has_first:
        issues.append(Issue("last_frame", "A last frame needs a first frame: add one or remove the last frame."))
    if request.frames_with(Role.REFERENCE_IMAGE) and (has_first or has_last):
        issues.append(
            Issue("reference_image", "Reference images cannot be combined with a first or last frame: "
                                     "use one kind or the other.")
        )
    for frame in request.frames:
        issues.extend(_check_frame_source(frame))
    return issues


def validate(request: GenerationRequest, model: ModelInfo | None) -> list[Issue]:
    """Every problem with `request` for `model` (None: the model is unknown); empty when it can be sent."""
    issues = check_prompt(request.prompt)
    if model is None or model.type != "video":
        what = "not a video model" if model is not None else "not a known model"
        issues.append(Issue("model", f"“{request.model}” is {what}: choose one from the model list."))
        return issues
    issues.extend(_check_options(request, model))
    issues.extend(_check_frames(request, model))
    return issues
