"""How long one `plan_run` takes on a large storyboard: the runner plans again after every job event, on the
loop's thread, so it must stay far below a frame (16 ms).

Run: `.venv/bin/python bench/bench_storyboard_plan.py [--shots 60] [--takes 4] [--rounds 200]`. The storyboard
alternates independent and chained shots, each with a keyframe on every third shot; the run state is taken
half way (every second shot made, with two rounds of takes) so staleness, picks and sends are all computed.
The median and the worst of the rounds are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from getimg_studio.jobs.storyboard.model import Defaults, FrameSource, Keyframe, Shot, Storyboard  # noqa: E402
from getimg_studio.jobs.storyboard.plan import plan_run  # noqa: E402
from getimg_studio.jobs.storyboard.slots import (  # noqa: E402
    Part,
    RunState,
    claim,
    mark_ready,
    mark_sent,
    new_round,
    prepare_run,
    record_last_frame,
)

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def storyboard(shots: int, takes: int) -> Storyboard:
    made = []
    for i in range(shots):
        if i % 2:
            first = FrameSource.chained()
        elif i % 3 == 0:
            first = FrameSource.from_keyframe(Keyframe(f"keyframe {i}"))
        else:
            first = FrameSource()
        made.append(Shot(id=f"s{i}", prompt=f"shot {i}", takes=takes, first_frame=first))
    return Storyboard(id=1, defaults=Defaults(model="seedance-v1-5-pro", image_model="sim-image-lite"),
                      shots=tuple(made))


def half_made(sb: Storyboard) -> RunState:
    state = prepare_run(sb, RunState())
    for i, shot in enumerate(sb.shots):
        state, _ = new_round(state, shot)  # an older round to look past
        if i % 2:
            continue
        plan = {s.key: s for s in plan_run(sb, state).send}
        for key in [k for k in plan if k.shot_id == shot.id and k.part is Part.VIDEO]:
            state = claim(state, key, plan[key].inputs)
            state = mark_ready(mark_sent(state, key), key, Path(f"/v/{key.take}.mp4"), at=T0 + timedelta(seconds=i))
            state = record_last_frame(state, key, Path(f"/f/{key.take}.png"))
    return state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shots", type=int, default=60)
    parser.add_argument("--takes", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    sb = storyboard(args.shots, args.takes)
    state = half_made(sb)
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        plan = plan_run(sb, state)
        times.append(time.perf_counter() - start)
    print(f"plan_run: {args.shots} shots, {len(state.slots)} slots, {len(plan.send)} to send: "
          f"median {statistics.median(times) * 1000:.2f} ms, worst {max(times) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
