"""The Storyboard page's decisions: which storyboard is open, what each edit changes, running, picking takes,
regenerating, playing and exporting. Engine work goes through `StoryboardPorts`; blocking media work runs in
an executor; every question that creates generations says how many and how much first."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QListWidgetItem

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import CostEstimate, ModelInfo, Role
from getimg_studio.jobs.model import Job
from getimg_studio.jobs.storyboard import edits
from getimg_studio.jobs.storyboard.checks import ShotProblem, blocking, check_storyboard
from getimg_studio.jobs.storyboard.cost import StoryboardCost
from getimg_studio.jobs.storyboard.model import FrameKind, FrameSource, Shot, Storyboard
from getimg_studio.jobs.storyboard.plan import Plan, ShotView, plan_run
from getimg_studio.jobs.storyboard.regenerate import regenerate
from getimg_studio.jobs.storyboard.slots import Part, RunState, Slot, SlotState, prepare_run
from getimg_studio.jobs.storyboard_runner import priced
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common.confirm import ask, generations_question
from getimg_studio.ui.compose.fields import ratio_text
from getimg_studio.ui.money.refusal import RAISE_BUDGET, budget_refusal_html
from getimg_studio.ui.queue.thumbnails import ThumbnailCache
from getimg_studio.ui.storyboard.cards import card_text, plural, shot_cost_text, stops_text, summary_text
from getimg_studio.ui.storyboard.keyframes import KeyframeEditor, new_keyframe
from getimg_studio.ui.storyboard.ports import StoryboardPorts
from getimg_studio.ui.storyboard.view import StoryboardView
from getimg_studio.ui.storyboard.view import fill as _fill

log = logging.getLogger(__name__)
DEFAULT = "Storyboard default"
_FRAME_KINDS = ((FrameKind.NONE, "Nothing"), (FrameKind.FILE, "A picture"),
                (FrameKind.KEYFRAME, "Keyframe"), (FrameKind.CHAINED, "Shot before"))
_ROLE_FIELDS = {Role.FIRST_FRAME: "first_frame", Role.LAST_FRAME: "last_frame"}


class StoryboardController(QObject):
    def __init__(self, view: StoryboardView, ports: StoryboardPorts, *,
                 on_job: Callable[[Callable[[Job], None]], None] | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.ports = ports
        self.board: Storyboard | None = None
        self.state = RunState()
        self.plan: Plan | None = None
        self.problems: list[ShotProblem] = []
        self.running = False
        # Why the last Generate sent nothing (markup: a budget refusal links to Settings); shown in the run's
        # status until the board changes or runs again, where the next summary used to wipe it at once.
        self._refusal: str | None = None
        self._tasks = TaskOwner("storyboard")
        self._saving: asyncio.Lock | None = None
        self._thumbs = ThumbnailCache(ports.thumbnails_dir, self)
        self._thumbs.thumbnailReady.connect(lambda _id: self.render_cards())
        self._prompt_timer = QTimer(self, singleShot=True, interval=400)
        self._prompt_timer.timeout.connect(self._prompt_edited)
        self.last_question: Any = None  # the open question box (tests answer it)
        self.last_export: Path | None = None
        f = view.form
        self.keyframes = {role: KeyframeEditor(panel, role, self._shown_shot, lambda: self.models,
                                               lambda r, source: self._update(**{_ROLE_FIELDS[r]: source}))
                          for role, panel in ((Role.FIRST_FRAME, f.first_keyframe),
                                              (Role.LAST_FRAME, f.last_keyframe))}
        self._connect()
        if on_job is not None:
            on_job(self._job_changed)

    # wiring -------------------------------------------------------------------------------------------

    def _connect(self) -> None:
        v, f = self.view, self.view.form
        v.picker.activated.connect(lambda _i: self._open_picked())
        v.new.clicked.connect(lambda: self._spawn(self.new_storyboard()))
        v.duplicate_board.clicked.connect(lambda: self._spawn(self.duplicate_storyboard()))
        v.name.editingFinished.connect(lambda: self._edit(lambda b: edits.rename(b, v.name.text())))
        v.style_text.editingFinished.connect(lambda: self._edit(lambda b: edits.set_style(b, v.style_text.text())))
        v.default_model.activated.connect(lambda _i: self._defaults(model=v.default_model.currentData()))
        v.default_aspect.activated.connect(lambda _i: self._defaults(aspect_ratio=v.default_aspect.currentData()))
        v.default_resolution.activated.connect(
            lambda _i: self._defaults(resolution=v.default_resolution.currentData()))
        v.default_sound.toggled.connect(lambda on: self._defaults(sound=on))
        v.shots.currentRowChanged.connect(lambda _row: self.render_form())
        v.shots.moveRequested.connect(self.move_shot)
        v.add.clicked.connect(self.add_shot)
        v.duplicate.clicked.connect(lambda: self._shot_edit(lambda b, s: edits.duplicate_shot(b, s.id), +1))
        v.delete.clicked.connect(lambda: self._shot_edit(lambda b, s: edits.delete_shot(b, s.id), 0))
        f.prompt.textChanged.connect(self._prompt_timer.start)
        f.include_style.toggled.connect(lambda on: self._update(include_style=on))
        f.model.activated.connect(lambda _i: self._update(model=f.model.currentData()))
        f.aspect.activated.connect(lambda _i: self._update(aspect_ratio=f.aspect.currentData()))
        f.resolution.activated.connect(lambda _i: self._update(resolution=f.resolution.currentData()))
        f.duration.activated.connect(lambda _i: self._update(duration=f.duration.currentData()))
        f.sound.activated.connect(lambda _i: self._update(sound=f.sound.currentData()))
        f.takes.valueChanged.connect(lambda n: self._update(takes=n))
        f.first.activated.connect(lambda _i: self._frame_kind("first_frame", f.first.currentData()))
        f.last.activated.connect(lambda _i: self._frame_kind("last_frame", f.last.currentData()))
        f.first_file.clicked.connect(lambda: self._choose_file("first_frame"))
        f.last_file.clicked.connect(lambda: self._choose_file("last_frame"))
        f.take.activated.connect(lambda _i: self._spawn(self.choose_take(f.take.currentData())))
        f.regenerate.clicked.connect(lambda: self._spawn(self.regenerate_shot()))
        f.compare.clicked.connect(self.compare_takes)
        f.compare.setVisible(self.ports.compare_takes is not None)
        v.generate.clicked.connect(lambda: self._spawn(self.generate()))
        v.play.clicked.connect(lambda: self._spawn(self.play()))
        v.export.clicked.connect(self.open_export)
        v.status.linkActivated.connect(self._link)

    def _link(self, link: str) -> None:
        if link == RAISE_BUDGET and self.ports.raise_budget is not None:
            self.ports.raise_budget()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        self._tasks.start(coro)

    @property
    def models(self) -> dict[str, ModelInfo]:
        return {m.id: m for m in (*self.ports.catalogue.models(), *self.ports.image_models())}

    # opening -----------------------------------------------------------------------------------------

    def refresh_list(self) -> None:
        rows = self._refresh_picker()
        if self.board is None and rows:
            self.open(rows[0].id)
        elif self.board is None:
            self._spawn(self.new_storyboard())

    def _refresh_picker(self) -> list[Any]:
        rows = self.ports.list_storyboards()
        current = self.board.id if self.board is not None else None
        _fill(self.view.picker, [(f"{r.name} ({plural(r.shots, 'shot')})", r.id) for r in rows], current)
        return rows

    def _open_picked(self) -> None:
        picked = self.view.picker.currentData()
        if isinstance(picked, int):
            self.open(picked)

    def open(self, storyboard_id: int) -> None:
        board = self.ports.load(storyboard_id)
        if board is None:
            return
        self.board = board
        self.state = self.ports.run_state(storyboard_id)
        self._refusal = None
        self.render(select=0)

    async def new_storyboard(self) -> None:
        video = [m for m in self.ports.catalogue.models() if m.type == "video"]
        from getimg_studio.jobs.storyboard.model import Defaults

        model = video[0].id if video else None
        stored = await self.ports.add(Storyboard(None, "Untitled storyboard", "", Defaults(model=model),
                                                 (Shot(id=edits.new_shot_id()),)))
        self.board, self.state = stored, RunState()
        self.refresh_list()
        self.render(select=0)

    async def duplicate_storyboard(self) -> None:
        if self.board is None:
            return
        stored = await self.ports.add(edits.duplicate_storyboard(self.board))
        self.board, self.state = stored, RunState()
        self.refresh_list()
        self.render(select=0)

    # showing -----------------------------------------------------------------------------------------

    def render(self, select: int | None = None) -> None:
        board = self.board
        if board is None:
            return
        models = self.models
        self.problems = blocking(check_storyboard(board, models))
        self.plan = plan_run(board, self.state, models)
        v = self.view
        v.name.setText(board.name)
        v.style_text.setText(board.style)
        video = [m for m in models.values() if m.type == "video"]
        _fill(v.default_model, [(m.name, m.id) for m in video], board.defaults.model)
        chosen = models.get(board.defaults.model or "")
        _fill(v.default_aspect, [(ratio_text(r), r) for r in (chosen.aspect_ratios if chosen else ())],
              board.defaults.aspect_ratio)
        _fill(v.default_resolution, [(r, r) for r in (chosen.resolutions if chosen else ())],
              board.defaults.resolution)
        v.default_sound.blockSignals(True)
        v.default_sound.setChecked(board.defaults.sound)
        v.default_sound.setEnabled(bool(chosen and chosen.supports_sound))
        v.default_sound.blockSignals(False)
        row = v.shots.currentRow() if select is None else select
        self.render_cards()
        v.shots.setCurrentRow(min(max(row, 0), len(board.shots) - 1))
        self.render_form()
        self.render_summary()

    def render_cards(self) -> None:
        board, plan = self.board, self.plan
        if board is None or plan is None:
            return
        v = self.view
        v.shots.blockSignals(True)
        row = v.shots.currentRow()
        v.shots.clear()
        for index, shot in enumerate(board.shots):
            mine = [p for p in self.problems if p.shot_id == shot.id]
            view = plan.view(shot.id)
            model = self.ports.catalogue.model_name(
                shot.model or board.defaults.model or "") or "no model"
            info = self.models.get(shot.model or board.defaults.model or "")
            item = QListWidgetItem(card_text(board, index, shot, view, mine, model,
                                             info.default_duration if info is not None else None))
            item.setData(Qt.ItemDataRole.UserRole, shot.id)
            item.setToolTip("\n".join(p.message for p in mine) or shot.prompt)
            icon = self._thumbnail(view.chosen.job_id if view.chosen is not None else None)
            if icon is not None:
                item.setIcon(icon)
            v.shots.addItem(item)
        v.shots.setCurrentRow(min(max(row, 0), len(board.shots) - 1))
        v.shots.blockSignals(False)

    def _thumbnail(self, job_id: int | None) -> QIcon | None:
        job = self.ports.job(job_id) if job_id is not None else None
        pixmap = self._thumbs.pixmap(job) if job is not None else None
        return QIcon(pixmap) if pixmap is not None else None

    def _shown_shot(self) -> tuple[Storyboard, Shot] | None:
        shot = self.current_shot()
        return (self.board, shot) if shot is not None and self.board is not None else None

    def current_shot(self) -> Shot | None:
        if self.board is None or not self.board.shots:
            return None
        row = self.view.shots.currentRow()
        return self.board.shots[min(max(row, 0), len(self.board.shots) - 1)]

    def render_form(self) -> None:
        shot, board, f = self.current_shot(), self.board, self.view.form
        f.setEnabled(shot is not None)
        if shot is None or board is None or self.plan is None:
            return
        index = board.index_of(shot.id)
        f.setTitle(f"Shot {index + 1}")
        models = self.models
        model = models.get(shot.model or board.defaults.model or "")
        f.prompt.blockSignals(True)
        if f.prompt.toPlainText() != shot.prompt:
            f.prompt.setPlainText(shot.prompt)
        f.prompt.blockSignals(False)
        f.include_style.blockSignals(True)
        f.include_style.setChecked(shot.include_style)
        f.include_style.blockSignals(False)
        video = [m for m in models.values() if m.type == "video"]
        _fill(f.model, [(DEFAULT, None), *((m.name, m.id) for m in video)], shot.model)
        _fill(f.aspect, [("Default", None), *((ratio_text(r), r) for r in (model.aspect_ratios if model else ()))],
              shot.aspect_ratio)
        _fill(f.resolution, [("Default", None), *((r, r) for r in (model.resolutions if model else ()))],
              shot.resolution)
        _fill(f.duration, [("Default", None), *((f"{d:g} s", float(d)) for d in
                                                       (model.durations if model else ()))], shot.duration)
        _fill(f.sound, [("Default", None), ("Sound", True), ("Silent", False)], shot.sound)
        f.sound.setEnabled(bool(model and model.supports_sound))
        f.takes.blockSignals(True)
        f.takes.setValue(shot.takes)
        f.takes.blockSignals(False)
        kinds = [(text, kind) for kind, text in _FRAME_KINDS if kind is not FrameKind.CHAINED or index > 0]
        _fill(f.first, [(self._frame_label(shot.first_frame, t, k), k) for t, k in kinds], shot.first_frame.kind)
        last_kinds = [(t, k) for t, k in kinds if k is not FrameKind.CHAINED]
        _fill(f.last, [(self._frame_label(shot.last_frame, t, k), k) for t, k in last_kinds], shot.last_frame.kind)
        f.first_file.setEnabled(shot.first_frame.kind is FrameKind.FILE)
        f.last_file.setEnabled(shot.last_frame.kind is FrameKind.FILE)
        for role, editor in self.keyframes.items():
            editor.render()
            f.show_keyframe(editor.panel, shot.frame(role).kind is FrameKind.KEYFRAME)
        f.cost.setText(shot_cost_text(board, shot, self.models))
        view = self.plan.view(shot.id)
        takes = [(f"Take {t.slot.key.take + 1}: {t.slot.state.value}{' (stale)' if t.stale else ''}",
                  t.slot.key.take) for t in view.takes]
        picked = shot.chosen_take if shot.chosen_take is not None else (
            view.chosen.key.take if view.chosen is not None else None)
        _fill(f.take, [("First ready take", None), *takes] if takes else [("No takes yet", None)], picked)
        f.take.setEnabled(bool(takes))
        f.compare.setEnabled(len(_comparable(view)) >= 2)
        f.regenerate.setEnabled(bool(takes) and not view.in_flight)
        mine = [p for p in self.problems if p.shot_id == shot.id]
        f.problems.setText("\n".join(f"⚠ {p.message}" for p in mine) or (view.reason or ""))

    @staticmethod
    def _frame_label(source: FrameSource, text: str, kind: FrameKind) -> str:
        if kind is FrameKind.FILE and source.kind is FrameKind.FILE and source.path is not None:
            return f"{text}: {source.path.name}"
        return text

    def _cost_to_finish(self) -> StoryboardCost | None:
        if self.board is None:
            return None
        prepared = prepare_run(self.board, self.state)
        return priced(self.board, self.models, plan_run(self.board, prepared).remaining)

    def render_summary(self) -> None:
        board, plan = self.board, self.plan
        cost = self._cost_to_finish()
        if board is None or plan is None or cost is None:
            return
        v = self.view
        v.summary.setText(summary_text(board, plan, cost))
        stops = stops_text(board, plan)
        if self.problems:
            v.say(f"Fix {plural(len(self.problems), 'problem')} before generating: "
                  "each is shown on its shot.")
        elif stops:
            v.say(stops)
        elif self.running or plan.in_flight:
            v.say("Generating: shots go out as the account has room; chained shots wait for the one "
                  "before.")
        elif self._refusal:
            v.say_rich(self._refusal)
        else:
            v.say("")
        v.generate.setEnabled(not self.problems and not self.running and not plan.in_flight and bool(cost.count))
        v.play.setEnabled(plan.complete)
        v.export.setEnabled(plan.complete)
        v.delete.setEnabled(len(board.shots) > 1)

    # editing -----------------------------------------------------------------------------------------

    def _edit(self, change: Callable[[Storyboard], Storyboard], select: int | None = None) -> None:
        if self.board is None:
            return
        try:
            board = change(self.board)
        except ValueError as exc:  # an edit the model refuses (the form offers none): show it, keep the board
            self.view.say(str(exc))
            return
        if board == self.board:
            return
        self.board = board
        self._refusal = None
        self.render(select)
        self._spawn(self._save(board))

    async def _save(self, board: Storyboard) -> None:
        if self._saving is None:
            self._saving = asyncio.Lock()
        async with self._saving:  # in order: a later edit never lands before an earlier one
            try:
                await self.ports.save(board)
            except GetimgError as exc:
                self.view.say(f"The storyboard could not be saved: {exc.message}")
                return
        self._refresh_picker()

    def _defaults(self, **changes: Any) -> None:
        self._edit(lambda b: edits.set_defaults(b, **changes))

    def _update(self, **changes: Any) -> None:
        shot = self.current_shot()
        if shot is not None:
            self._edit(lambda b: edits.update_shot(b, shot.id, **changes))

    def _prompt_edited(self) -> None:
        self._update(prompt=self.view.form.prompt.toPlainText())

    def _frame_kind(self, field: str, data: object) -> None:
        kind = FrameKind(str(data))  # a StrEnum comes back from the combo as its text
        shot = self.current_shot()
        if shot is None or getattr(shot, field).kind is kind:
            return
        if kind is FrameKind.FILE:
            self._choose_file(field)
            return
        if kind is FrameKind.KEYFRAME and self.board is not None:
            source = FrameSource.from_keyframe(new_keyframe(self.board, shot, self.ports.image_models()))
        else:
            source = FrameSource.chained() if kind is FrameKind.CHAINED else FrameSource()
        self._update(**{field: source})

    def _choose_file(self, field: str) -> None:
        dialog = QFileDialog(self.view, "Choose a picture for the shot")
        dialog.setNameFilter("Pictures (*.png *.jpg *.jpeg *.webp)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self._update(**{field: FrameSource.file(Path(path))}))
        dialog.rejected.connect(self.render_form)
        dialog.open()

    def add_shot(self) -> None:
        shot = self.current_shot()
        index = self.board.index_of(shot.id) + 1 if self.board is not None and shot is not None else None
        self._edit(lambda b: edits.add_shot(b, index=index), index)

    def _shot_edit(self, change: Callable[[Storyboard, Shot], Storyboard], offset: int) -> None:
        shot = self.current_shot()
        if shot is None or self.board is None:
            return
        row = self.board.index_of(shot.id)
        self._edit(lambda b: change(b, shot), max(0, row + offset - (1 if offset == 0 and row > 0 else 0)))

    def move_shot(self, row: int, new_row: int) -> None:
        if self.board is None or not 0 <= row < len(self.board.shots):
            return
        shot_id = self.board.shots[row].id
        self._edit(lambda b: edits.move_shot(b, shot_id, new_row), new_row)
        self.view.shots.setFocus()

    # running -----------------------------------------------------------------------------------------

    def resume(self) -> None:
        """Carry on the runs the last session left (the engine does; this page follows their job events)."""
        self._spawn(self._resume())

    async def _resume(self) -> None:
        try:
            ids = await self.ports.resume()
        except GetimgError as exc:
            log.warning("storyboard runs not resumed: %s", exc.message)
            return
        if ids:
            log.info("carrying on storyboard runs %s", ids)

    async def generate(self) -> None:
        for editor in self.keyframes.values():
            editor.flush()
        board = self.board
        if board is None or board.id is None or self.problems:
            return
        await self._save(board)
        cost = self._cost_to_finish()
        if cost is None or not cost.count:
            return
        title, detail = generations_question(cost.count, CostEstimate(
            cost.total if not cost.unpriced else None, cost.currency), "Generate")
        detail = (f"{plural(len(board.shots), 'shot')}, {plural(cost.count, 'take')} to make. " + detail)
        box, answer = ask(self.view, "Generate storyboard", title, detail, f"Generate {plural(cost.count, 'take')}")
        self.last_question = box
        yes, _ = await answer
        self.last_question = None
        if not yes:
            return
        await self._run(board.id)

    async def _run(self, storyboard_id: int) -> None:
        self.running = True
        self._refusal = None
        self.render_summary()
        try:
            result = await self.ports.run(storyboard_id)
            if self.board is not None and self.board.id == storyboard_id:
                self.state = result.state
        except GetimgError as exc:  # refused before anything was queued: by the budget, or by getimg
            budget = exc.kind is ErrorKind.BUDGET and self.ports.raise_budget is not None
            self._refusal = budget_refusal_html(exc.message) if budget else html.escape(exc.message)
        finally:
            self.running = False
            self._reload()

    def _job_changed(self, job: Job) -> None:
        board = self.board
        if board is not None and job.origin is not None and job.origin.startswith(f"storyboard:{board.id}:"):
            self._reload()

    def _reload(self) -> None:
        if self.board is None or self.board.id is None:
            return
        self.state = self.ports.run_state(self.board.id)
        stored = self.ports.load(self.board.id)
        if stored is not None:
            self.board = stored
        self.render()

    async def choose_take(self, take: int | None) -> None:
        shot = self.current_shot()
        if shot is None or self.board is None or self.board.id is None:
            return
        await self.pick_take(self.board.id, shot.id, take)

    def compare_takes(self) -> None:
        """The shot's ready takes side by side in the compare page; "Keep this one" picks that take."""
        shot, board = self.current_shot(), self.board
        if shot is None or board is None or board.id is None or self.plan is None \
                or self.ports.compare_takes is None:
            return
        takes = {slot.job_id: slot.key.take for slot in _comparable(self.plan.view(shot.id))
                 if slot.job_id is not None}
        board_id, shot_id = board.id, shot.id

        async def keep(job: Job) -> None:
            await self.pick_take(board_id, shot_id, takes[job.id])

        from getimg_studio.ui.compare.ports import MAX_TAKES as TILES

        self.ports.compare_takes(list(takes)[:TILES], keep)

    async def pick_take(self, board_id: int, shot_id: str, take: int | None) -> None:
        stored = await self.ports.choose_take(board_id, shot_id, take)
        if self.board is not None and self.board.id == board_id:
            self.board = stored
            self._reload()

    async def regenerate_shot(self) -> None:
        shot, board = self.current_shot(), self.board
        if shot is None or board is None or board.id is None:
            return
        preview = regenerate(board, self.state, shot.id, Part.VIDEO)
        own = priced(board, self.models, preview.new_slots)
        title, detail = generations_question(own.count, CostEstimate(own.total if not own.unpriced else None),
                                             "Regenerate")
        if preview.stale:
            stale = priced(board, self.models, preview.stale_slots)
            numbers = ", ".join(str(board.index_of(s) + 1) for s in preview.stale)
            detail += (f" The chained shots after it ({numbers}) become stale; remaking them too adds "
                       f"{plural(stale.count, 'generation')}, {stale.text()}.")
        box, answer = ask(self.view, "Regenerate shot", title, detail, "Regenerate",
                          dont_ask="Remake the stale shots after it too" if preview.stale else "")
        self.last_question = box
        yes, with_stale = await answer
        self.last_question = None
        if not yes:
            return
        await self.ports.regenerate(board.id, shot.id, with_stale)
        self._reload()
        await self._run(board.id)

    # playing and exporting ------------------------------------------------------------------------------

    def chosen_files(self) -> tuple[Path, ...]:
        return self.plan.chosen_files() if self.plan is not None and self.plan.complete else ()

    async def play(self) -> None:
        from getimg_studio.ui.storyboard.sequence import SequencePlayer

        files = self.chosen_files()
        if not files or self.board is None:
            return
        self.view.say("Preparing the storyboard to play…")
        labels = [f"shot {i + 1}" for i in range(len(files))]
        try:
            preview = await asyncio.get_running_loop().run_in_executor(
                None, _make_preview, files, self.ports.preview_dir, labels)
        except GetimgError as exc:
            self.view.say(f"The storyboard cannot play: {exc.message}")
            return
        self.view.say("")
        self.player = SequencePlayer(preview, self.board.name, self.view)
        self.player.show()

    def open_export(self) -> None:
        from getimg_studio.ui.storyboard.export_dialog import ExportController

        board = self.board
        if board is None or board.id is None or not self.chosen_files():
            return
        self.exporter = ExportController(self.view, board, self.chosen_files(), self.ports.export)
        self.exporter.finished.connect(self._exported)
        self.exporter.open()

    def _exported(self, path: str) -> None:
        self.last_export = Path(path)
        self.view.say(f"Exported to {path}. It is in the history too.")

    async def close(self) -> None:
        await self._tasks.close()
        await self._thumbs.close()


def _comparable(view: ShotView) -> list[Slot]:
    return [t.slot for t in view.takes if t.slot.state is SlotState.READY and t.slot.job_id is not None]


def _make_preview(files: tuple[Path, ...], cache: Path, labels: list[str]) -> Any:
    from getimg_studio.media.preview import make_preview

    return make_preview(files, cache, labels=labels)
