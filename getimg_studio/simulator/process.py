"""Run the simulator as a child process (the app's demo mode, and tests that kill it).

``spawn_simulator()`` starts ``python -m getimg_studio.simulator --port 0 --exit-with-parent ...``, waits for the
``listening on`` line and returns a :class:`SimulatorProcess`. ``--exit-with-parent`` makes the child exit on
its own if we die without stopping it (it notices being re-parented), which also covers threads that spawn it:
unlike PR_SET_PDEATHSIG, it does not fire when the spawning *thread* exits.

``spawn_simulator(listen=listening_socket())`` (POSIX) hands the child a socket this process has already bound:
the base URL is known at once and the call returns without waiting for the child to boot (about half a second),
because requests sent meanwhile wait in the socket's backlog until it serves them. Demo mode starts this way, so
the window does not wait for the simulator; ``SimulatorProcess.wait_listening`` says whether it came up.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from types import TracebackType
from typing import IO

_PREFIX = "listening on "
# How much lower than ours the simulator's CPU priority is when it runs behind a window (demo mode): on
# two cores its renders and answers otherwise take the cores the window paints with (the window's loop ran
# late by twice as much at the median with 200 demo jobs polling, bench/bench_loop_stall.py).
BACKGROUND_NICENESS = 10
BACKLOG = 128  # requests the window sends while the simulator boots: a handful


class SimulatorStartError(RuntimeError):
    """The child exited or stayed silent instead of printing its address."""


class SimulatorProcess:
    def __init__(self, proc: subprocess.Popen[str], base_url: str, *, listening: bool = True) -> None:
        self._proc = proc
        self.base_url = base_url
        self._listening = listening

    def wait_listening(self, timeout: float = 20) -> None:
        """Block until the child said it listens (at once when it already has); SimulatorStartError otherwise."""
        if not self._listening:
            _listening_url(self._proc, timeout)
            self._listening = True

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        return self._proc.poll()

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then SIGKILL after ``timeout`` seconds. Returns the exit code. Idempotent."""
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        return self._proc.returncode

    def kill(self) -> None:
        """SIGKILL at once (crash tests). Reaps the child."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()

    def __enter__(self) -> SimulatorProcess:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _read_first_line(stream: IO[str], timeout: float) -> str | None:
    deadline = time.monotonic() + timeout
    buf = ""
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        while "\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return None
            chunk = os.read(stream.fileno(), 4096).decode("utf-8", "replace")
            if not chunk:
                return None
            buf += chunk
    return buf.split("\n", 1)[0]


def listening_socket(host: str = "127.0.0.1") -> socket.socket:
    """A socket on a free port of `host`, listening, for `spawn_simulator(listen=...)`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def spawn_simulator(args: Sequence[str] = (), *, python: str = sys.executable, timeout: float = 20,
                    stderr: int | IO[bytes] | None = None, env: dict[str, str] | None = None,
                    background: bool = False, listen: socket.socket | None = None) -> SimulatorProcess:
    """Start the simulator in a child process; returns once it is listening (with `listen`, at once).
    ``args`` go to the CLI.

    ``background``: at a lower CPU priority than ours (`BACKGROUND_NICENESS`), as demo mode runs it.
    ``listen``: the child serves on this socket, which is closed here (the child has its own copy); the call
    returns at once, and `wait_listening` tells whether the child came up.
    """
    # In a PyInstaller bundle sys.executable is the app, which has no -m: packaging/entry.py takes this flag.
    frozen = getattr(sys, "frozen", False) and python == sys.executable
    runner = [python, "--run-simulator"] if frozen else [python, "-m", "getimg_studio.simulator"]
    where = ["--listen-fd", str(listen.fileno())] if listen is not None else ["--port", "0"]
    cmd = [*runner, *where, "--exit-with-parent", *args]
    if background:
        cmd += ["--nice", str(BACKGROUND_NICENESS)]
    address = listen.getsockname()[:2] if listen is not None else None
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True,
                                env=env, pass_fds=(listen.fileno(),) if listen is not None else ())
    finally:
        if listen is not None:  # ours closed once the child has its copy: when it exits, waiting requests fail
            listen.close()
    if address is None:
        return SimulatorProcess(proc, _listening_url(proc, timeout))
    host, port = address
    return SimulatorProcess(proc, f"http://{host}:{port}", listening=False)


def _listening_url(proc: subprocess.Popen[str], timeout: float) -> str:
    """The base URL the child's first line gives; SimulatorStartError (the child killed) when it says none."""
    assert proc.stdout is not None
    line = _read_first_line(proc.stdout, timeout)
    if line is None or not line.startswith(_PREFIX):
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
        raise SimulatorStartError(f"simulator did not start (exit code {proc.returncode}, said {line!r})")
    return line[len(_PREFIX):].strip()
