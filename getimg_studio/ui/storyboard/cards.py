"""What a shot card and the run's summary say, in words (pure: the controller and tests share them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from getimg_studio.api.types import ModelInfo, format_money
from getimg_studio.jobs.storyboard.checks import ShotProblem, request_for_checking
from getimg_studio.jobs.storyboard.cost import StoryboardCost, full_run
from getimg_studio.jobs.storyboard.model import FrameKind, Shot, Storyboard
from getimg_studio.jobs.storyboard.plan import Plan, ShotStatus, ShotView
from getimg_studio.jobs.storyboard.slots import Part
from getimg_studio.jobs.storyboard_runner import priced

STATUS_TEXT = {
    ShotStatus.NOT_STARTED: "Not started",
    ShotStatus.WAITING: "Waiting for the shot before",
    ShotStatus.QUEUED: "Queued",
    ShotStatus.RUNNING: "Generating",
    ShotStatus.READY: "Ready",
    ShotStatus.STALE: "Stale: the shot before changed",
    ShotStatus.FAILED: "Failed",
    ShotStatus.BLOCKED: "Blocked",
}


def plural(count: int, one: str) -> str:
    return f"{count} {one}{'' if count == 1 else 's'}"


def card_text(storyboard: Storyboard, index: int, shot: Shot, view: ShotView | None,
              problems: Sequence[ShotProblem], model_name: str, default_duration: float | None = None) -> str:
    """Three lines: the prompt, model and length (and how it starts), then its state or its problem."""
    duration = request_for_checking(storyboard, shot).duration or default_duration
    length = f"{duration:g} s" if duration else "default length"
    starts = {FrameKind.CHAINED: " · continues shot before", FrameKind.FILE: " · starts on a picture",
              FrameKind.KEYFRAME: " · starts on a keyframe"}.get(shot.first_frame.kind, "")
    prompt = shot.prompt.strip().replace("\n", " ") or "(no prompt yet)"
    if len(prompt) > 90:
        prompt = prompt[:89] + "…"
    if problems:
        state = "⚠ " + problems[0].message
    elif view is not None:
        state = STATUS_TEXT[view.status]
        if view.reason:
            state += f": {view.reason}"
        if shot.takes > 1:
            state += f" · {plural(shot.takes, 'take')}"
    else:
        state = ""
    return f"{index + 1}. {prompt}\n{model_name} · {length}{starts}\n{state}"


def summary_text(storyboard: Storyboard, plan: Plan, cost: StoryboardCost) -> str:
    """'4 shots · 5 takes · Generate queues 5 generations, $0.75' (or what is left of a run)."""
    takes = sum(s.takes for s in storyboard.shots)
    head = f"{plural(len(storyboard.shots), 'shot')} · {plural(takes, 'take')}"
    if plan.complete and not cost.count:
        return f"{head} · every shot is ready"
    if not cost.count:
        return f"{head} · nothing left to generate"
    return f"{head} · Generate queues {plural(cost.count, 'generation')}, {cost.text()}"


def stops_text(storyboard: Storyboard, plan: Plan) -> str:
    """Where failures stop chains: the shot, why, what is not sent, and the cost so far."""
    from getimg_studio.api.types import format_money

    lines = []
    for stop in plan.stops:
        number = storyboard.index_of(stop.shot_id) + 1
        blocked = ", ".join(str(storyboard.index_of(b) + 1) for b in stop.blocked)
        after = (f" Shot {blocked} is not sent." if len(stop.blocked) == 1 else
                 f" Shots {blocked} are not sent." if blocked else "")
        lines.append(f"Shot {number} failed: {stop.reason}.{after} Spent so far: {format_money(stop.spent)}.")
    return "\n".join(lines)


_KEYFRAME_WORDS = {Part.FIRST_FRAME: "first-frame keyframe", Part.LAST_FRAME: "last-frame keyframe"}


def shot_cost_text(storyboard: Storyboard, shot: Shot, models: Mapping[str, ModelInfo]) -> str:
    """What one run of the shot costs, its keyframe images included: 'This shot: 2 takes $0.30 +
    first-frame keyframe $0.02 = $0.32'."""
    cost = priced(storyboard, models, [k for k in full_run(storyboard) if k.shot_id == shot.id])
    if not cost.shots:
        return ""
    [lines] = [s.lines for s in cost.shots]

    def price(amounts: Sequence[Decimal | None]) -> str:
        known = [a for a in amounts if a is not None]
        return format_money(sum(known, Decimal(0)), cost.currency) if len(known) == len(amounts) else "no price"

    takes = [line.estimate.amount for line in lines if line.key.part is Part.VIDEO]
    parts = [f"{plural(len(takes), 'take')} {price(takes)}"]
    parts.extend(f"{_KEYFRAME_WORDS[line.key.part]} {price([line.estimate.amount])}"
                 for line in lines if line.key.part is not Part.VIDEO)
    total = cost.text()
    return f"This shot: {' + '.join(parts)}" + (f" = {total}" if len(parts) > 1 else "")
