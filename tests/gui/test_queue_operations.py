"""The local queue in the window: rows say their place and why they wait, the queue's line counts and prices
what is not sent, and every queue operation works from the keyboard (simulator with a cap of 2, 6 jobs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gui_wait import until  # this folder is on sys.path for its tests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton
from queue_kit import open_panel, select, visible_box

from getimg_studio.api.types import GenerationRequest, format_money
from getimg_studio.jobs.model import JobFilter, JobState
from getimg_studio.paths import Paths
from getimg_studio.simulator.harness import RunningSimulator
from getimg_studio.ui.queue.panel import QueuePanel

LITE = "sim-fixed-lite"


def said(panel: QueuePanel, job_id: int) -> str:
    """What the row says (its accessible text: the words the delegate paints)."""
    return str(panel.model.data(panel.model.index_of(job_id), Qt.ItemDataRole.AccessibleTextRole))


def rows(panel: QueuePanel) -> list[int]:
    return [panel.model.job_at(r).id for r in range(panel.model.rowCount())]  # type: ignore[union-attr]


def button(panel: QueuePanel, action: Any) -> QToolButton:
    widget = panel.queue_bar.widgetForAction(action)
    assert isinstance(widget, QToolButton)
    return widget


def test_queue_shows_places_reasons_cost_and_takes_every_operation(run: Any, sim: RunningSimulator,
                                                                   paths: Paths) -> None:
    sim.configure(pending_seconds=60, max_pending=2)

    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            jobs = [(await engine.submit(GenerationRequest(LITE, f"shot {n} of a harbour at dawn")))[0]
                    for n in range(1, 7)]
            ids = [j.id for j in jobs]
            each = jobs[0].estimate
            assert each is not None
            assert each.amount is not None
            # Two go out; the third meets the cap (a 429), goes back to the head of the line and waits.
            await until(lambda: panel.model.queue.cap == 2 and panel.model.queue.in_flight == 2
                        and len(panel.model.queue.order) == 4, what="the cap to be learnt")
            money = format_money(each.amount * 4)
            await until(lambda: panel.queue_line.text().startswith(
                f"4 queued · 2 in flight of 2 · {money} queued (not yet billed)"), what="the queue's line")
            assert said(panel, ids[2]).endswith("Queued #1 · slots full (2 of 2 in use)")
            assert said(panel, ids[5]).endswith("Queued #4 · slots full (2 of 2 in use)")

            # The Queued view lists them in the order they go; Alt+Up moves one earlier and keeps it selected.
            panel.set_view(JobFilter.QUEUED)
            assert rows(panel) == ids[2:]
            select(panel, jobs[4])
            panel.view.setFocus()
            QTest.keyClick(panel.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
            await until(lambda: rows(panel) == [ids[2], ids[4], ids[3], ids[5]], what="the move up")
            assert [j.id for j in panel.selected_jobs()] == [ids[4]]
            assert said(panel, ids[4]).endswith("Queued #2 · slots full (2 of 2 in use)")
            QTest.keyClick(panel.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
            await until(lambda: rows(panel) == ids[2:], what="the move down")
            # A drag of the last row onto the first puts it first.
            data = panel.model.mimeData([panel.model.index_of(ids[5])])
            panel.model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, panel.model.index_of(ids[2]))
            await until(lambda: rows(panel) == [ids[5], ids[2], ids[3], ids[4]], what="the drop")
            assert list(engine.queue_status().order) == [ids[5], ids[2], ids[3], ids[4]]

            # Pause the whole queue from its bar: the line and the rows say how to go on.
            toggle = button(panel, panel.queued_.toggle_queue)
            assert toggle.text() == "Pause the queue"
            toggle.click()
            await until(lambda: panel.model.queue.paused, what="the pause")
            paused = "The queue is paused: Resume the queue (Ctrl+Shift+P) to send."
            await until(lambda: panel.queue_line.text().endswith(paused),
                        what="the paused line")  # the line follows at most twice a second
            assert toggle.text() == "Resume the queue"
            assert "the queue is paused" in said(panel, ids[3])

            # One job held back, then resumed.
            select(panel, jobs[3])
            QTest.keyClick(panel.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier
                           | Qt.KeyboardModifier.ShiftModifier)
            await until(lambda: engine.store.get(ids[3]).state is JobState.PAUSED, what="the job to pause")
            await until(lambda: "Paused by you · #3 · Resume (Ctrl+Shift+R)" in said(panel, ids[3]),
                        what="the paused row")
            assert button(panel, panel.queued_.resume).isEnabled()
            button(panel, panel.queued_.resume).click()
            await until(lambda: engine.store.get(ids[3]).state is JobState.QUEUED, what="the job to resume")

            # Delete on a queued row: the question says nothing is billed, and nothing is sent.
            select(panel, jobs[2])
            QTest.keyClick(panel.view, Qt.Key.Key_Delete)
            box = visible_box(panel)
            assert "never sent to getimg: nothing was created and nothing is billed" in box.informativeText()
            messages: list[str] = []
            panel.statusMessage.connect(messages.append)
            next(b for b in box.buttons() if b.text() == "Remove").click()
            await until(lambda: panel.model.row_of(ids[2]) is None, what="the removal")
            assert messages == ["Removed 1 queued job: never sent, nothing billed."]
            await until(lambda: panel.queue_line.text().startswith(
                f"3 queued · 2 in flight of 2 · {format_money(each.amount * 3)} queued (not yet billed)"),
                what="the line after the removal")
            assert sim.stats()["total_creations"] == 2

            toggle.click()
            await until(lambda: not panel.model.queue.paused, what="the queue to resume")
            assert toggle.text() == "Pause the queue"
            assert panel.model.queue.reason == "waiting for a free slot: 2 of 2 in use"

    run(scenario(), timeout=90)


def test_open_in_form_hands_over_a_queued_job_only(run: Any, sim: RunningSimulator, paths: Paths) -> None:
    sim.configure(pending_seconds=60, max_pending=1)

    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            first, second = await engine.submit(GenerationRequest(LITE, "two takes of a kite"), variations=2)
            await until(lambda: engine.store.get(first.id).state is JobState.PENDING
                        and engine.store.get(second.id).state is JobState.QUEUED, what="one sent, one queued")
            edits: list[Any] = []
            panel.editRequested.connect(edits.append)
            select(panel, engine.store.get(first.id))
            assert not panel.queued_.edit.isEnabled()
            select(panel, engine.store.get(second.id))
            assert panel.queued_.edit.isEnabled()
            panel.queued_.edit.trigger()
            assert [j.id for j in edits] == [second.id]
            await until(lambda: panel.queue_line.text().startswith("1 queued · 1 in flight of 1"),
                        what="the line")  # the line follows at most twice a second
            assert Decimal(0) < (second.estimate.amount or Decimal(0))

    run(scenario(), timeout=60)


def test_a_job_with_several_files_says_so_and_each_opens(run: Any, sim: RunningSimulator, paths: Paths,
                                                         urls: Any) -> None:
    sim.add_fault("retrieve", items=3)

    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            job = (await engine.submit(GenerationRequest(LITE, "three angles of a lighthouse")))[0]
            await engine.wait_idle([job.id], timeout=60)
            done = engine.store.get(job.id)
            assert done.state is JobState.READY
            assert len(done.files) == 3
            assert said(panel, job.id).endswith("Ready · 3 files")
            select(panel, done)
            menu = panel.build_context_menu()
            assert menu is not None
            files = next(a.menu() for a in menu.actions() if a.text() == "Open one of its 3 files")
            entries = files.actions()
            assert [e.text().split(" · ")[0] for e in entries] == ["File 1 of 3", "File 2 of 3", "File 3 of 3"]
            for entry in entries:
                entry.trigger()
            assert urls.paths == list(done.files)
            menu.close()

    run(scenario(), timeout=60)


def test_a_held_queue_and_a_job_waiting_on_the_creator_say_what_to_do_and_resume(
        run: Any, sim: RunningSimulator, paths: Paths) -> None:
    sim.configure(pending_seconds=0.5)

    async def scenario() -> None:
        async with open_panel(sim, paths) as (engine, panel):
            # A 402 on a poll: the job may be billed, so it waits on the creator instead of failing.
            sim.add_fault("retrieve", status=402, count=1)
            waiting = (await engine.submit(GenerationRequest(LITE, "a quota runs out")))[0]
            await until(lambda: engine.store.get(waiting.id).state is JobState.WAITING, what="the wait")
            assert said(panel, waiting.id).endswith(
                "Needs you · top up, then Resume (Ctrl+Shift+R): the quota is used up")
            select(panel, engine.store.get(waiting.id))
            resume = button(panel, panel.queued_.resume)
            assert resume.isEnabled()
            resume.click()
            await until(lambda: engine.store.get(waiting.id).state is not JobState.WAITING, what="the resume")
            await engine.wait_idle([waiting.id], timeout=60)
            assert engine.store.get(waiting.id).state is JobState.READY

            # A 401 on a send: nothing was created, the queue holds, and the row names the remedy.
            sim.add_fault("create", status=401, count=1)
            held = (await engine.submit(GenerationRequest(LITE, "a key is refused")))[0]
            await until(lambda: panel.model.queue.held is not None, what="the hold")
            assert engine.store.get(held.id).state is JobState.QUEUED
            assert said(panel, held.id).endswith("Queued #1 · getimg refused the key: fix it in Settings (Ctrl+,)")
            refused = "Getimg refused the key: fix it in Settings (Ctrl+,)."
            await until(lambda: panel.queue_line.text().endswith(refused),
                        what="the held line")  # the line follows at most twice a second
            assert button(panel, panel.queued_.toggle_queue).text() == "Resume the queue"
            select(panel, engine.store.get(held.id))
            assert resume.isEnabled()  # the row's own Resume sets the queue going again
            resume.click()
            await until(lambda: panel.model.queue.held is None, what="the hold to lift")
            await until(lambda: engine.store.get(held.id).state is not JobState.QUEUED, what="the send")
            await engine.wait_idle([held.id], timeout=60)
            assert engine.store.get(held.id).state is JobState.READY
            assert panel.model.queue.held is None
            assert sim.stats()["total_creations"] == 2

    run(scenario(), timeout=90)
