"""`getimg-studio jobs list / show / resume`: the history, read without the network, and finishing it.

`jobs resume --wait` drains the queue and follows every unfinished job to its end; without `--wait` it
checks each one once (one status request, and the download of whatever is already finished) and says what
is still running or queued.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from getimg_studio.jobs.facade import EngineFacade
    from getimg_studio.paths import Paths


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    jobs = subparsers.add_parser("jobs", help="the history of generations")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    jlist = jobs_sub.add_parser("list", help="list jobs, newest first")
    jlist.add_argument("--json", action="store_true")
    jshow = jobs_sub.add_parser("show", help="one job in detail")
    jshow.add_argument("id", type=int)
    jshow.add_argument("--json", action="store_true")
    jresume = jobs_sub.add_parser("resume", help="finish every unfinished job")
    jresume.add_argument("--wait", action="store_true")


def run(args: argparse.Namespace, paths: Paths) -> int:
    if args.jobs_command in ("list", "show"):
        return _history_command(args, paths)
    return asyncio.run(_run_resume(args, paths))


def _history_command(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.jobs.store import JobStore

    store = JobStore(paths.database)
    try:
        return _print_history(args, store)
    finally:
        store.close()


def _print_history(args: argparse.Namespace, store: Any) -> int:
    from getimg_studio.cli.common import PROG, UsageError, job_to_json, print_json, print_table
    from getimg_studio.jobs.model import JobFilter

    if args.jobs_command == "list":
        jobs = store.page(JobFilter.ALL, "", 0, 1_000_000)
        if args.json:
            print_json([job_to_json(j) for j in jobs])
        else:
            print_table(jobs, sys.stdout)
        return 0
    job = store.get(args.id)
    if job is None:
        raise UsageError(f"there is no job {args.id} in the history (see `{PROG} jobs list`)")
    if args.json:
        print_json(job_to_json(job))
    else:
        for key, value in job_to_json(job).items():
            if value not in (None, "", []):
                print(f"{key:>14}: {value}")
    return 0


async def _run_resume(args: argparse.Namespace, paths: Paths) -> int:
    from getimg_studio.cli.common import open_services

    async with open_services(args, paths) as services:
        return await _resume(services.engine, wait=args.wait)


async def _resume(engine: EngineFacade, *, wait: bool) -> int:
    from getimg_studio.cli.common import PROG, print_table, wait_for_jobs, why
    from getimg_studio.jobs.model import UNSENT_STATES, JobState

    before = [j.id for j in engine.unfinished()]  # recovery may finish some (a lost POST becomes uncertain)
    await engine.start(track=wait)
    if wait:  # draining is the creator's explicit go: the queue and jobs waiting on them carry on
        await engine.resume_queue()
        await engine.resume([j.id for j in engine.unfinished() if j.state is JobState.WAITING])
    ids = before
    if not ids:
        print("Nothing to resume: every job has finished.", file=sys.stderr)
        return 0
    print(f"Resuming {len(ids)} job(s).", file=sys.stderr)
    if wait:
        return await wait_for_jobs(engine, ids, as_json=False)
    sent = [j.id for j in engine.store.get_many(ids) if j.state.active and j.state not in UNSENT_STATES]
    jobs = await engine.check_once(sent)
    print_table(engine.store.get_many(ids), sys.stderr)
    for job in jobs:
        if job.state is JobState.READY:
            for path in job.files:
                print(path)
    still = sum(1 for j in jobs if j.state.active)
    if still:
        print(f"{still} job(s) still generating: `{PROG} jobs resume --wait` waits for them.", file=sys.stderr)
    queued = sum(1 for j in engine.store.get_many(ids) if j.state in UNSENT_STATES)
    if queued:
        print(f"{queued} job(s) queued: `{PROG} jobs resume --wait` sends them.", file=sys.stderr)
    lost = [j for j in engine.store.get_many(ids) if j.state is JobState.UNCERTAIN]
    for job in lost:
        print(f"job {job.id}: {why(job, await engine.queue_status())}", file=sys.stderr)
    ok = (JobState.READY, JobState.PENDING, JobState.DOWNLOADING)
    return 0 if not lost and all(j.state in ok for j in jobs) else 1
