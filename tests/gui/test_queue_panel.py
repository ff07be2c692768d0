"""The queue panel on a real engine and simulator: rows change state live, and every action does what it says.

Run on the qasync loop (`run`); waits inside coroutines use asyncio. Dialogs are non-modal, so a test
answers them by clicking their buttons, as a person would.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from queue_kit import open_panel, select, visible_box

from getimg_studio.api.types import GenerationRequest
from getimg_studio.jobs.model import Job, JobFilter, JobState
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.ui.queue.delegate import ROW_HEIGHT

LITE = "sim-fixed-lite"



def test_rows_appear_and_change_state_live(run: Any, sim: RunningSimulator, paths: Paths) -> None:
    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            QAbstractItemModelTester(panel.model, QAbstractItemModelTester.FailureReportingMode.Warning)
            seen: dict[int, list[JobState]] = {}

            def record(*_: Any) -> None:
                for row in range(panel.model.rowCount()):
                    job = panel.model.job_at(row)
                    assert job is not None
                    states = seen.setdefault(job.id, [])
                    if not states or states[-1] is not job.state:
                        states.append(job.state)

            panel.model.dataChanged.connect(record)
            panel.model.rowsInserted.connect(record)
            good = (await engine.submit(GenerationRequest(LITE, "a lighthouse in a storm")))[0]
            bad = (await engine.submit(GenerationRequest(LITE, "a broken clip [fail]")))[0]
            assert panel.model.rowCount() == 2
            assert panel.model.job_at(0).id == bad.id
            await engine.wait_idle(timeout=60)
            # Changes reach the view in batches (at most two a second): the last one shortly after.
            await until(lambda: seen[good.id][-1] is JobState.READY and seen[bad.id][-1] is JobState.FAILED,
                        what="the rows' final states")
            assert JobState.PENDING in seen[good.id]

            # The row's thumbnail is the clip's first frame, cached as a PNG on disk.
            panel.view.viewport().repaint()
            await until(lambda: panel.model.data(panel.model.index_of(good.id), Qt.ItemDataRole.DecorationRole)
                        is not None or (panel.view.viewport().repaint() and False), what="thumbnail")
            assert list(paths.thumbnails.glob("*.png"))

            panel.set_view(JobFilter.ACTIVE)
            assert panel.model.rowCount() == 0
            assert panel.empty.isVisible()
            panel.set_view(JobFilter.FAILED)
            assert [panel.model.job_at(r).id for r in range(panel.model.rowCount())] == [bad.id]
            assert "failed" in panel.model.data(panel.model.index(0, 0), Qt.ItemDataRole.ToolTipRole).lower()
            panel.set_view(JobFilter.ALL)
            panel.search.setText("LIGHTHOUSE")
            await until(lambda: panel.model.rowCount() == 1, what="search")
            assert panel.model.job_at(0).id == good.id

    run(scenario(), timeout=90)


def test_every_action_does_what_it_says(run: Any, sim: RunningSimulator, paths: Paths, urls: Any,
                                        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            request = GenerationRequest(LITE, "a red kite over hills", aspect_ratio="16:9")
            first, second = await engine.submit(request, variations=2)
            await engine.wait_idle(timeout=60)
            first = engine.store.get(first.id)
            second = engine.store.get(second.id)
            assert first.file_path is not None
            assert first.file_path.is_file()
            select(panel, first)
            a = panel.actions_

            played: list[Job] = []
            panel.playRequested.connect(played.append)
            panel.view.setFocus()
            QTest.keyClick(panel.view, Qt.Key.Key_Return)
            assert [j.id for j in played] == [first.id]

            a.copy_prompt.trigger()
            assert QGuiApplication.clipboard().text() == "a red kite over hills"
            a.copy_id.trigger()
            assert QGuiApplication.clipboard().text() == first.remote_id

            remixed: list[GenerationRequest] = []
            panel.remixRequested.connect(remixed.append)
            a.remix.trigger()
            assert remixed == [request]

            a.reveal.trigger()
            a.open_external.trigger()
            assert urls.paths == [first.file_path.parent, first.file_path]

            dest = tmp_path / "copy of kite.mp4"
            a.save_as.trigger()
            dialog = next(d for d in panel.findChildren(QFileDialog) if d.isVisible())
            dialog.selectFile(str(dest))
            dialog.accept()
            await until(dest.exists, what="the saved copy")
            from getimg_studio.media.tags import read_recipes  # the copy carries the recipe (issue 14)

            [recipe] = read_recipes(dest)
            assert recipe.to_request() == request
            assert recipe.source_sha256 == first.outputs[0].sha256

            select(panel, first, second)
            assert len(panel.selected_jobs()) == 2
            a.favourite.trigger()
            await until(lambda: all(engine.store.get(j.id).favourite for j in (first, second)), what="favourite")
            panel.set_view(JobFilter.FAVOURITES)
            assert panel.model.rowCount() == 2
            panel.set_view(JobFilter.ALL)

            select(panel, second)
            a.retry.trigger()
            await until(lambda: panel.model.rowCount() == 3, what="the retried job's row")
            retried = panel.model.job_at(0)
            assert retried.request == request
            assert retried.id > second.id
            await engine.wait_idle(timeout=60)

            # Remove one keeping its file, one deleting it: the question names both choices.
            select(panel, first)
            a.remove.trigger()
            box = visible_box(panel)
            keep = next(b for b in box.buttons() if b.text() == "Remove, keep files")
            keep.click()
            await until(lambda: panel.model.row_of(first.id) is None, what="removal")
            assert first.file_path.is_file()
            assert engine.store.get(first.id) is None
            select(panel, second)
            a.remove.trigger()
            box = visible_box(panel)
            next(b for b in box.buttons() if b.text() == "Remove and delete files").click()
            await until(lambda: panel.model.row_of(second.id) is None, what="removal")
            assert second.file_path is not None
            assert not second.file_path.exists()

    run(scenario(), timeout=100)


def test_stop_tracking_confirms_and_says_the_server_may_bill(run: Any, sim: RunningSimulator,
                                                             paths: Paths) -> None:
    sim.configure(pending_seconds=30)

    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            job = (await engine.submit(GenerationRequest(LITE, "a slow sunrise")))[0]
            await until(lambda: engine.store.get(job.id).state is JobState.PENDING, what="pending")
            panel.set_view(JobFilter.ACTIVE)
            select(panel, job)
            assert panel.actions_.stop.isEnabled()
            assert not panel.actions_.play.isEnabled()
            # A pending row shows its elapsed time, ticking.
            assert panel._visible_rows() == range(0, 1)
            panel.actions_.stop.trigger()
            box = visible_box(panel)
            assert "bill" in box.informativeText()
            box.button(QMessageBox.StandardButton.Cancel).click()
            await asyncio.sleep(0.1)
            assert engine.store.get(job.id).state is JobState.PENDING
            panel.actions_.stop.trigger()
            next(b for b in visible_box(panel).buttons() if b.text() == "Stop tracking").click()
            await until(lambda: panel.model.rowCount() == 0, what="the job to leave Active")
            assert engine.store.get(job.id).state is JobState.STOPPED

    run(scenario(), timeout=60)
    assert ROW_HEIGHT > 0


def test_retrying_several_jobs_asks_with_the_count_and_total_and_sends_nothing_when_cancelled(
        run: Any, sim: RunningSimulator, paths: Paths) -> None:
    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            jobs = await engine.submit(GenerationRequest(LITE, "three takes of a harbour"), variations=3)
            await engine.wait_idle(timeout=60)
            created = sim.stats()["total_creations"]
            assert created == 3
            select(panel, *jobs)
            panel.actions_.retry.trigger()
            box = visible_box(panel)
            assert box.text() == "Retry 3 videos?"
            assert "billed about $0.12 in total" in box.informativeText()  # 3 × 4 s × $0.01
            assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
            box.button(QMessageBox.StandardButton.Cancel).click()
            await asyncio.sleep(0.3)
            assert sim.stats()["total_creations"] == created  # nothing reached getimg
            assert panel.model.rowCount() == 3

            panel.actions_.retry.trigger()
            next(b for b in visible_box(panel).buttons() if b.text() == "Retry 3 videos").click()
            await until(lambda: sim.stats()["total_creations"] == created + 3, what="three new generations")
            await until(lambda: panel.model.rowCount() == 6, what="their rows")
            await engine.wait_idle(timeout=60)

            select(panel, jobs[0])  # one job: the threshold (1) is not passed, nothing is asked
            panel.actions_.retry.trigger()
            await until(lambda: sim.stats()["total_creations"] == created + 4, what="the single retry")
            assert not [b for b in panel.findChildren(QMessageBox) if b.isVisible()]
            await engine.wait_idle(timeout=60)

    run(scenario(), timeout=120)
