"""Engine events from the engine's own thread arrive as Qt signals on the GUI thread, in order, progress coalesced."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import DownloadProgress, Job, JobChanged, JobEvent, JobState
from getimg_studio.ui.bridge import EngineBridge

T0 = datetime(2026, 11, 1, tzinfo=UTC)
JOB = Job(id=7, state=JobState.DOWNLOADING, request=GenerationRequest("sim-fixed-lite", "a tram at night"),
          created_at=T0, updated_at=T0)


def test_events_from_another_thread_reach_the_gui_thread_in_order(qapp: Any, qtbot: Any) -> None:
    observers: list[Callable[[JobEvent], None]] = []
    bridge = EngineBridge(lambda o: (observers.append(o), lambda: None)[1])
    received: list[tuple[str, Any, int]] = []
    bridge.downloadProgress.connect(lambda job_id, got, total: received.append(("progress", got,
                                                                                 threading.get_ident())))
    bridge.jobChanged.connect(lambda job, previous: received.append(("changed", job.state, threading.get_ident())))

    def engine_thread() -> None:
        for n in range(1, 101):
            observers[0](DownloadProgress(JOB.id, n * 1000, 100_000))
        observers[0](JobChanged(JOB.__class__(**{**_fields(JOB), "state": JobState.READY}), JobState.DOWNLOADING))

    worker = threading.Thread(target=engine_thread)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: any(kind == "changed" for kind, _, _ in received), timeout=5000)
    gui = threading.get_ident()
    assert {thread for _, _, thread in received} == {gui}
    progress = [value for kind, value, _ in received if kind == "progress"]
    assert progress[-1] == 100_000  # the latest always arrives
    assert len(progress) < 100  # coalesced: one per turn of the GUI loop, not one per chunk
    assert received[-1][:2] == ("changed", JobState.READY)  # order kept
    bridge.detach()


def _fields(job: Job) -> dict[str, Any]:
    return {name: getattr(job, name) for name in job.__dataclass_fields__}
