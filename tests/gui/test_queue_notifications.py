"""Desktop notifications: only for jobs that finish or fail while the window is not the active one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QWidget

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobState
from getimg_studio.ui.window.notifications import Notifier

T0 = datetime(2026, 11, 1, tzinfo=UTC)
JOB = Job(id=1, state=JobState.PENDING, request=GenerationRequest("sim-fixed-lite", "a quiet harbour"),
          created_at=T0, updated_at=T0)


def test_notifies_finished_and_failed_jobs_only_when_inactive_and_enabled(qapp: Any) -> None:
    window = QWidget()
    window.setWindowTitle("getimg Studio")
    enabled = [True]
    notifier = Notifier(window, lambda: enabled[0])
    assert not window.isActiveWindow()

    notifier.job_changed(replace(JOB, state=JobState.DOWNLOADING), JobState.PENDING)  # not finished yet
    notifier.job_changed(replace(JOB, state=JobState.READY), JobState.DOWNLOADING)
    failed = replace(JOB, id=2, state=JobState.FAILED, error_message="The model could not generate this video.")
    notifier.job_changed(failed, JobState.PENDING)
    notifier.job_changed(replace(JOB, state=JobState.READY, favourite=True), JobState.READY)  # no transition
    assert notifier.sent == [("Video ready", "a quiet harbour"),
                             ("Video failed", "The model could not generate this video.")]

    enabled[0] = False
    notifier.job_finished(replace(JOB, state=JobState.READY))
    assert len(notifier.sent) == 2
    notifier.close()
    window.deleteLater()
