"""``getimg-studio-sim``: run the simulator until SIGINT/SIGTERM.

The first line on stdout is ``listening on http://HOST:PORT`` (flushed at once); logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .config import SimulatorConfig
from .server import SimulatorServer

_PARENT_POLL_SECONDS = 1.0


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a decimal amount: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="getimg-studio-sim", description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--listen-fd", type=int, default=None,
                   help="serve on this inherited, listening socket instead of --host/--port (POSIX): whoever "
                        "started us knows the address at once, and requests sent while we boot wait for us")
    p.add_argument("--pending-seconds", type=float, default=SimulatorConfig.pending_seconds,
                   help="minimum time a generation stays pending")
    p.add_argument("--image-seconds", type=float, default=SimulatorConfig.image_seconds,
                   help="minimum time POST /v2/images/generations takes to answer")
    p.add_argument("--fail-rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--state-dir", type=Path, default=None,
                   help="keep generations, files and balance here across restarts (default: a temp dir)")
    p.add_argument("--balance", type=_decimal, default=None,
                   help="set the balance in USD (default: 50.00, or the persisted balance with --state-dir)")
    p.add_argument("--render-workers", type=int, default=1)
    p.add_argument("--render-cache", type=Path, default=None,
                   help="reuse renders of identical requests from this folder (benchmarks, tests)")
    p.add_argument("--exit-with-parent", action="store_true",
                   help="exit when the process that started us goes away (used by the app's demo mode)")
    p.add_argument("--nice", type=int, default=0,
                   help="lower our CPU priority by this much (POSIX): demo mode runs us behind the window")
    p.add_argument("--log-level", default="WARNING")
    return p


async def _watch_parent(stop: asyncio.Event, parent: int) -> None:
    while not stop.is_set():
        await asyncio.sleep(_PARENT_POLL_SECONDS)
        if os.getppid() != parent:  # re-parented: whoever started us died
            stop.set()


async def _run(args: argparse.Namespace) -> int:
    # Who started us, read before we say we are listening: read later, a parent killed right after it saw that
    # line has already handed us to init, and we would watch init for ever (seen under load in CI).
    parent = os.getppid()
    config = SimulatorConfig(pending_seconds=args.pending_seconds, fail_rate=args.fail_rate, seed=args.seed,
                             state_dir=args.state_dir, render_workers=args.render_workers,
                             render_cache=args.render_cache, image_seconds=args.image_seconds)
    server = SimulatorServer(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # Windows: no loop signal handlers
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        if args.listen_fd is not None:
            base = await server.start(sock=socket.socket(fileno=args.listen_fd))
        else:
            base = await server.start(args.host, args.port)
        if args.balance is not None:
            server.configure(balance=args.balance)
        sys.stdout.write(f"listening on {base}\n")
        sys.stdout.flush()
        watcher = asyncio.create_task(_watch_parent(stop, parent)) if args.exit_with_parent else None
        await stop.wait()
        if watcher is not None:
            watcher.cancel()
    finally:
        await server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.nice and hasattr(os, "nice"):  # before any render worker starts: they inherit it
        os.nice(args.nice)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with asyncio.Runner() as runner:
        return runner.run(_run(args))
