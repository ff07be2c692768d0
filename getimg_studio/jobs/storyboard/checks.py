"""Everything about a storyboard that would go wrong, found before anything is sent.

Each shot's request is checked by `api.validation.validate` (the one place the API's rules live), with
stand-in paths for frames that only exist once earlier work is done (the shot before's last frame, a
keyframe not made yet). What only a storyboard can get wrong (a chain with nothing before it, a model that
cannot take the chained frame, missing files, mixed aspect ratios, keyframe settings) is checked here. Every
problem names the shot at fault and the field, as the storyboard file spells it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from getimg_studio.api.types import GenerationRequest, ModelInfo, Role
from getimg_studio.api.validation import Issue, validate

from .model import FrameKind, Keyframe, Shot, Storyboard
from .resolve import FRAME_ROLES, compose_prompt, effective_request, keyframe_model, shot_aspect_ratio

# Stand-ins for images made during the run: validation needs a path, never reads it.
_CHAINED_STANDIN = Path("<the last frame of the shot before>")
_KEYFRAME_STANDIN = Path("<keyframe to be made>")

# validation's field names -> the storyboard file's field names within a shot
_FIELDS = {"images": "references", "reference_image": "references"}


class Severity(StrEnum):
    ERROR = "error"  # the storyboard cannot run until it is fixed
    WARNING = "warning"  # it runs; the creator should know (e.g. the export will letterbox)


@dataclass(frozen=True, slots=True)
class ShotProblem:
    shot_id: str | None  # None: the storyboard as a whole (no shots)
    field: str  # within the shot, as the file spells it: "prompt", "first_frame", "first_frame.model"...
    message: str
    severity: Severity = Severity.ERROR


def blocking(problems: Iterable[ShotProblem]) -> list[ShotProblem]:
    return [p for p in problems if p.severity is Severity.ERROR]


def problem_path(storyboard: Storyboard, problem: ShotProblem) -> str:
    """Where the problem sits in the storyboard file: `shots[2].first_frame.source`."""
    if problem.shot_id is None:
        return problem.field
    return f"shots[{storyboard.index_of(problem.shot_id)}].{problem.field}"


def request_for_checking(storyboard: Storyboard, shot: Shot) -> GenerationRequest:
    """The shot's request with stand-ins for frames made during the run (for validation and pricing)."""
    standins = {role: _KEYFRAME_STANDIN if shot.frame(role).kind is FrameKind.KEYFRAME else None
                for role in FRAME_ROLES}
    return effective_request(storyboard, shot, _CHAINED_STANDIN,
                             first_keyframe=standins[Role.FIRST_FRAME], last_keyframe=standins[Role.LAST_FRAME])


def check_storyboard(storyboard: Storyboard, models: Mapping[str, ModelInfo], *,
                     exists: Callable[[Path], bool] = Path.is_file) -> list[ShotProblem]:
    """Every problem, in shot order; `models` holds video and image models by id; `exists` tells whether
    a local file is there (injected so tests need no files)."""
    if not storyboard.shots:
        return [ShotProblem(None, "shots", "Add a shot: this storyboard has none.")]
    problems: list[ShotProblem] = []
    for index, shot in enumerate(storyboard.shots):
        problems.extend(_check_shot(storyboard, index, shot, models, exists))
    problems.extend(_check_aspect_ratios(storyboard, models))
    return problems


def _check_shot(storyboard: Storyboard, index: int, shot: Shot, models: Mapping[str, ModelInfo],
                exists: Callable[[Path], bool]) -> list[ShotProblem]:
    problems: list[ShotProblem] = []

    def add(field: str, message: str) -> None:
        problems.append(ShotProblem(shot.id, field, message))

    if not shot.prompt.strip():
        add("prompt", "Write a prompt for this shot: it describes what happens in it.")
    request = request_for_checking(storyboard, shot)
    model = models.get(request.model) if request.model else None
    if not request.model:
        add("model", "Choose a model for this shot, or a default model for the storyboard.")
    if shot.chained and index == 0:
        add("first_frame.source", "The first shot has no shot before it to continue from: "
                                  "choose another first frame.")
    elif shot.chained and model is not None and model.type == "video" and not model.supports(Role.FIRST_FRAME):
        add("first_frame.source", f"This shot continues from the shot before, but {model.name} takes no first "
                                  f"frame: choose a model that does, or another first frame.")
    for issue in validate(request, model):
        if _covered(issue, shot, request, model):
            continue
        add(_FIELDS.get(issue.field, issue.field), issue.message)
    for role in FRAME_ROLES:
        problems.extend(_check_frame_files(storyboard, shot, role, models, exists))
    for ref in shot.references:
        if ref.path is not None and not exists(ref.path):
            add("references", f"The reference image {ref.path} is not there: choose it again or remove it.")
    return problems


def _covered(issue: Issue, shot: Shot, request: GenerationRequest, model: ModelInfo | None) -> bool:
    """Issues this module reports in a storyboard's own words (so none is said twice)."""
    if issue.field == "prompt" and not shot.prompt.strip():
        return True
    if issue.field == "model" and not request.model:
        return True
    return (issue.field == "first_frame" and shot.chained and model is not None
            and not model.supports(Role.FIRST_FRAME))


def _check_frame_files(storyboard: Storyboard, shot: Shot, role: Role, models: Mapping[str, ModelInfo],
                       exists: Callable[[Path], bool]) -> list[ShotProblem]:
    source = shot.frame(role)
    name, label = role.value, role.label.lower()
    if source.kind is FrameKind.FILE and source.path is not None and not exists(source.path):
        return [ShotProblem(shot.id, f"{name}.path", f"The {label} image {source.path} is not there: "
                                                     f"choose it again.")]
    if source.keyframe is not None:
        return [ShotProblem(shot.id, f"{name}.{field}", message)
                for field, message in _check_keyframe(storyboard, shot, source.keyframe, models, exists)]
    return []


def _check_keyframe(storyboard: Storyboard, shot: Shot, keyframe: Keyframe, models: Mapping[str, ModelInfo],
                    exists: Callable[[Path], bool]) -> list[tuple[str, str]]:
    if keyframe.image is not None:  # made or chosen already: nothing will be generated
        if exists(keyframe.image):
            return []
        return [("image", f"The keyframe image {keyframe.image} is not there: make the keyframe again.")]
    out: list[tuple[str, str]] = []
    if not keyframe.prompt.strip():
        out.append(("prompt", "Write a prompt for this keyframe: it describes the picture to make."))
    else:
        # The prompt rules (length) live in validation; the model check there is for videos, so only
        # its prompt issues apply to an image.
        prompt = compose_prompt(keyframe.prompt, storyboard.style, keyframe.include_style)
        out.extend(("prompt", i.message) for i in validate(GenerationRequest("", prompt), None)
                   if i.field == "prompt")
    model_id = keyframe_model(storyboard, keyframe)
    model = models.get(model_id) if model_id else None
    if not model_id:
        out.append(("model", "Choose an image model for this keyframe, or one for the whole storyboard."))
    elif model is None or model.type != "image":
        what = "not an image model" if model is not None else "not a known model"
        out.append(("model", f"“{model_id}” is {what}: choose one from the image models."))
    else:
        out.extend(_check_keyframe_options(shot_aspect_ratio(storyboard, shot, models), keyframe, model))
    out.extend(("references", f"The reference image {p} is not there: choose it again or remove it.")
               for p in keyframe.references if not exists(p))
    return out


def _check_keyframe_options(aspect: str | None, keyframe: Keyframe,
                            image_model: ModelInfo) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    name = image_model.name
    if keyframe.resolution is not None and keyframe.resolution not in image_model.resolutions:
        out.append(("resolution", f"Resolution must be one of {', '.join(image_model.resolutions)} for {name}."))
    if aspect is not None and image_model.aspect_ratios and aspect not in image_model.aspect_ratios:
        out.append(("model", f"{name} makes no {aspect} images, and this shot is {aspect}: choose another image "
                             f"model or aspect ratio."))
    limit = image_model.max_count(Role.REFERENCE_IMAGE)
    if len(keyframe.references) > limit:
        out.append(("references", f"{name} takes at most {limit} reference images; this keyframe has "
                                  f"{len(keyframe.references)}."))
    return out


def _check_aspect_ratios(storyboard: Storyboard, models: Mapping[str, ModelInfo]) -> list[ShotProblem]:
    first = storyboard.shots[0]
    expected = shot_aspect_ratio(storyboard, first, models)
    if expected is None:
        return []
    problems = []
    for shot in storyboard.shots[1:]:
        aspect = shot_aspect_ratio(storyboard, shot, models)
        if aspect is not None and aspect != expected:
            problems.append(ShotProblem(
                shot.id, "aspect_ratio",
                f"This shot is {aspect} while the first shot is {expected}: the export will letterbox or crop "
                f"it (you choose which when exporting).",
                Severity.WARNING,
            ))
    return problems
