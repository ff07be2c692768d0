"""Shared fixtures. The test configuration, not the person running it, sets the headless platform."""

from __future__ import annotations

import os

# Before any Qt import: every test runs headless, and qasync binds to PySide6. The offscreen screen is a
# 1280x720 laptop's (Qt's default is 800x800): the window must fit the smallest screen it is made for.
os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(os.path.dirname(__file__), "data",
                                                                       "offscreen-1280x720.json")
# QtMultimedia's categories only report what a headless machine lacks (VA-API, PipeWire, a hardware
# decoder), some from its decoder threads. pytest-qt's message handler is Python: a message from such a
# thread needs the GIL while the GUI thread, holding it, may be waiting in player.stop() for that very
# thread, which hung a CI rehearsal. Switched off at the source, they never reach Python.
os.environ["QT_LOGGING_RULES"] = "qt.multimedia.*=false"
os.environ.setdefault("QT_API", "pyside6")
# Never the real getimg key or host, whatever the developer's shell holds.
os.environ.pop("GETIMG_API_KEY", None)
os.environ.pop("GETIMG_AI_BASE_URL", None)

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from getimg_studio.paths import Paths, resolve_paths

if TYPE_CHECKING:
    from getimg_studio.simulator.harness import RunningSimulator


class MemoryKeyring(KeyringBackend):
    """A keyring for tests: headless machines have none, and a test must never touch a real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.values.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    """The app's folders, all under a fresh temporary root."""
    return resolve_paths(tmp_path / "studio").ensure()


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Renders shared by every test's simulator: the same clip is rendered once per session."""
    return tmp_path_factory.mktemp("sim-renders")


@pytest.fixture
def sim(render_cache: Path) -> Iterator[RunningSimulator]:
    """A getimg-compatible server on an ephemeral loopback port, fast enough for tests."""
    from getimg_studio.simulator.harness import SimulatorConfig, start_simulator

    with start_simulator(SimulatorConfig(pending_seconds=0.5, seed=1, render_cache=render_cache)) as server:
        yield server


@pytest.fixture
def sim_factory(render_cache: Path) -> Iterator[Any]:
    """Start simulators with custom settings; all are closed after the test."""
    from getimg_studio.simulator.harness import SimulatorConfig, start_simulator

    started: list[RunningSimulator] = []

    def factory(**kwargs: Any) -> RunningSimulator:
        kwargs.setdefault("render_cache", render_cache)
        server = start_simulator(SimulatorConfig(**kwargs))
        started.append(server)
        return server

    yield factory
    for server in started:
        server.close()


@pytest.fixture
def ledger_entry() -> Any:
    """`ledger_entry(billed_at, total="0.25", model="seedance-v1-5-pro", ...)`: one billed generation."""
    from datetime import datetime
    from decimal import Decimal

    from getimg_studio.jobs.ledger import BilledUsage, LedgerEntry

    counter = iter(range(1, 1_000_000))

    def make(billed_at: datetime, total: str = "0.25", *, model: str = "seedance-v1-5-pro",
             name: str | None = None, kind: str = "video", estimate: str | None = "same", currency: str = "USD",
             unit: str = "video_second", quantity: str = "5", job_id: int | None = None, reported: bool = True,
             backend: str | None = "demo") -> LedgerEntry:
        amount = Decimal(total)
        jid = job_id if job_id is not None else next(counter)
        return LedgerEntry(
            job_id=jid, kind=kind,  # type: ignore[arg-type]
            model_id=model, model_name=name or model.replace("-", " ").title(), billed_at=billed_at,
            usage=BilledUsage(amount, unit, amount / Decimal(quantity), Decimal(quantity)), currency=currency,
            estimate=amount if estimate == "same" else (Decimal(estimate) if estimate is not None else None),
            remote_id=f"req-{jid}", backend=backend, reported=reported)

    return make
