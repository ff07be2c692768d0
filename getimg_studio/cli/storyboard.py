"""`getimg-studio storyboard run FILE | list | export ID OUT.mp4`: storyboards from the command line.

`run` reads a storyboard file (docs/STORYBOARD_FILE.md), stores it in the history (the same file again is
the same storyboard: a run cut off by a quit or kill carries on, nothing sent twice), prints every shot,
take and the total cost, and queues nothing without `--yes` or a "y" typed at the terminal. It follows the
run to its end. `export` joins the chosen takes into one MP4 and adds it to the history.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade
    from getimg_studio.jobs.storyboard.cost import StoryboardCost
    from getimg_studio.jobs.storyboard.model import Storyboard
    from getimg_studio.jobs.storyboard_runner import RunResult
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    board = subparsers.add_parser("storyboard", help="run, list and export storyboards (several shots as one video)")
    actions = board.add_subparsers(dest="action", required=True, metavar="ACTION")
    run = actions.add_parser("run", help="queue every shot of a storyboard file and follow the run to its end")
    run.add_argument("file", type=Path, help="a storyboard file (JSON)")
    run.add_argument("--yes", action="store_true", help="queue without asking (the cost is printed first)")
    run.add_argument("--export", type=Path, metavar="OUT.mp4", help="then join the chosen takes into OUT.mp4")
    actions.add_parser("list", help="every storyboard in the history")
    export = actions.add_parser("export", help="join a storyboard's chosen takes into one MP4")
    export.add_argument("id", type=int)
    export.add_argument("out", type=Path, metavar="OUT.mp4")
    add_export_options(export)
    add_export_options(run)


def add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reencode", action="store_true",
                        help="re-encode to one size and frame rate when the takes cannot be joined as they are")
    parser.add_argument("--crossfade", type=float, default=0.0, metavar="S", help="seconds of crossfade (re-encodes)")
    parser.add_argument("--no-audio", action="store_true", help="no sound track")
    parser.add_argument("--fit", choices=("letterbox", "crop"), default="letterbox",
                        help="how takes of another shape fill the picture")


def run(args: argparse.Namespace, paths: Paths) -> int:
    return asyncio.run(_run(args, paths))


async def _run(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.cli.common import open_services

    board = None
    if args.action == "run":  # a file that is not valid is refused before anything starts
        from getimg_studio.jobs.storyboard.fileformat import load_storyboard_file

        board = await asyncio.get_running_loop().run_in_executor(None, load_storyboard_file, args.file)
    async with open_services(args, paths) as services:
        if args.action == "list":
            return _list(services.engine)
        if args.action == "export":
            return await _export(services.engine, args.id, args.out, args)
        assert board is not None
        return await _run_file(services.engine, board, args)


def _list(engine: EngineFacade) -> int:
    rows = engine.store.storyboards()
    if not rows:
        print("No storyboards yet.", file=sys.stderr)
        return 0
    print(f"{'ID':>4}  {'SHOTS':>5}  {'STATE':<8}  {'SAVED':<16}  NAME")
    for row in rows:
        saved = row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{row.id:>4}  {row.shots:>5}  {'running' if row.running else '':<8}  {saved:<16}  {row.name}")
    return 0


def describe(storyboard: Storyboard, cost: StoryboardCost) -> list[str]:
    """Every shot (model, length, takes, price) and the total: what the creator agrees to."""
    from getimg_studio.api.types import format_money
    from getimg_studio.jobs.storyboard.checks import request_for_checking

    by_shot = {s.shot_id: s for s in cost.shots}
    lines = [f"Storyboard \u201c{storyboard.name}\u201d: {len(storyboard.shots)} shots."]
    for index, shot in enumerate(storyboard.shots, 1):
        request = request_for_checking(storyboard, shot)
        priced = by_shot.get(shot.id)
        takes = len(priced.takes) if priced else 0
        price = format_money(priced.total, cost.currency) if priced and not priced.unpriced else (
            "no listed price" if priced else "nothing to send")
        length = f"{request.duration:g} s" if request.duration else "model default length"
        chained = ", continues shot before" if shot.chained else ""
        lines.append(f"  {index}. {shot.prompt[:48]!r} ({request.model}, {length}{chained}): "
                     f"{takes} take{'s' if takes != 1 else ''}, {price}")
    lines.append(f"Total: {cost.count} generation{'s' if cost.count != 1 else ''}, {cost.text()}.")
    return lines


def confirmed(count: int, yes: bool) -> bool:
    from getimg_studio.cli.common import UsageError

    if yes or count == 0:
        return True
    if not sys.stdin.isatty():
        raise UsageError(f"{count} generation(s) would be queued: pass --yes to agree (no terminal to ask at)")
    answer = input("Queue them? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


async def _run_file(engine: EngineFacade, board: Storyboard, args: argparse.Namespace) -> int:
    from getimg_studio.cli.common import UsageError, load_models
    from getimg_studio.jobs.storyboard.checks import problem_path

    await load_models(engine)
    problems = await engine.storyboard_problems(board)
    if problems:
        raise UsageError("the storyboard cannot run:\n" + "\n".join(
            f"  {problem_path(board, p)}: {p.message}" for p in problems))
    stored = await engine.add_storyboard(board, args.file.resolve())
    assert stored.id is not None
    cost = await engine.storyboard_cost(stored.id)
    for line in describe(stored, cost):
        print(line, file=sys.stderr)
    if not confirmed(cost.count, args.yes):
        print("Nothing was queued.", file=sys.stderr)
        return 1
    await engine.start()
    result = await engine.run_storyboard(stored.id)
    status = report(result)
    if status == 0 and args.export is not None:
        return await _export(engine, stored.id, args.export, args)
    return status


def report(result: RunResult) -> int:
    """Each shot's end, and where a chain stopped: the reason, what was not sent and what it cost so far."""
    from getimg_studio.api.types import format_money

    for index, view in enumerate(result.plan.shots, 1):
        chosen = view.chosen
        where = f" {chosen.file}" if chosen is not None and chosen.file is not None else ""
        reason = f": {view.reason}" if view.reason else ""
        print(f"shot {index} ({view.shot_id}): {view.status.value}{reason}{where}", file=sys.stderr)
    for stop in result.plan.stops:
        blocked = f" Not sent: {', '.join(stop.blocked)}." if stop.blocked else ""
        print(f"The chain stops at shot {stop.shot_id}: {stop.reason}.{blocked} "
              f"Spent so far: {format_money(stop.spent)}.", file=sys.stderr)
    if result.plan.spent:
        print(f"This storyboard has cost {format_money(result.plan.spent)}.", file=sys.stderr)
    return 0 if result.complete else 1


async def _export(engine: EngineFacade, storyboard_id: int, out: Path, args: argparse.Namespace) -> int:
    from getimg_studio.cli.common import UsageError
    from getimg_studio.jobs.storyboard_export import export_options, plan_storyboard_export

    loop = asyncio.get_running_loop()
    options = export_options(reencode=args.reencode, crossfade=args.crossfade, audio=not args.no_audio,
                             fit=args.fit)
    files, plan = await loop.run_in_executor(None, plan_storyboard_export, engine.store, storyboard_id, options)
    if not plan.copies and not options.reencode:
        raise UsageError(f"{plan.summary} Pass --reencode to agree (it takes about as long as the video).")
    print(plan.summary, file=sys.stderr)
    job = await engine.export_storyboard(storyboard_id, files, out, options, progress=_progress_line)
    print(file=sys.stderr)
    print(job.file_path)
    return 0


def _progress_line(fraction: float) -> None:
    print(f"\rExporting: {fraction * 100:5.1f} %", end="", file=sys.stderr, flush=True)
