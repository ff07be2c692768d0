"""The compare page's decisions: which takes, what each tile says, one transport for all, Keep and Remix.

`open_compare(job_ids, keep)` is the entry for everyone: the queue's "Compare" (2 to 4 ready clips,
"Keep this one" favourites the take) and the storyboard's take picker (its own `keep`: pick the take).
While the page is shown its keys (Space, comma, period, L, M, Esc) drive all the clips; the player's
same keys are switched off meanwhile (`ComparePorts.player_keys`) so no key is claimed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence

from getimg_studio.api.errors import GetimgError
from getimg_studio.api.types import format_money
from getimg_studio.jobs.model import Job
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.compare.ports import MAX_TAKES, MIN_TAKES, ComparePorts, KeepFn, comparable
from getimg_studio.ui.compare.view import CompareTile, CompareView

if TYPE_CHECKING:
    from getimg_studio.ui.compare.sync import SyncedPlayers

def tile_facts(job: Job, model_name: str) -> str:
    """A tile's one line: the model, size, length, rate and what it cost."""
    parts = [model_name or (job.title or "Imported file")]
    if job.width and job.height:
        parts.append(f"{job.width}×{job.height}")
    if job.duration:
        parts.append(f"{job.duration:g} s")
    if job.fps:
        parts.append(f"{job.fps:g} fps")
    if job.cost is not None:
        parts.append(format_money(job.cost, job.currency))
    elif job.imported:
        parts.append("imported")
    return " · ".join(parts)


class CompareController(QObject):
    statusMessage = Signal(str)
    shown = Signal()  # the page should be in front
    closed = Signal()  # back to the player

    def __init__(self, view: CompareView, ports: ComparePorts, player_keys: Callable[[bool], None]) -> None:
        super().__init__(view)
        self.view = view
        self._ports = ports
        self._player_keys = player_keys
        self._tasks = TaskOwner("compare")
        self.jobs: list[Job] = []
        self.players: SyncedPlayers | None = None
        self._keep: KeepFn | None = None
        self._kept: int | None = None
        self.actions_ = self._make_actions()
        v = view
        v.close_button.clicked.connect(self.close)
        v.play_button.clicked.connect(lambda: self._with(lambda p: p.toggle()))
        v.back_button.clicked.connect(lambda: self._with(lambda p: p.step(-1)))
        v.forward_button.clicked.connect(lambda: self._with(lambda p: p.step(1)))
        v.seek.sliderMoved.connect(lambda ms: self._with(lambda p: p.seek(ms)))
        v.seek.actionTriggered.connect(lambda _a: self._with(lambda p: p.seek(v.seek.sliderPosition())))
        v.loop_button.toggled.connect(lambda on: self._with(lambda p: p.set_loop(on)))
        v.speed.currentIndexChanged.connect(
            lambda i: self._with(lambda p: p.set_speed(float(v.speed.itemData(i)))))
        v.mute_all.toggled.connect(self._mute_all)

    def _make_actions(self) -> dict[str, QAction]:
        made: dict[str, QAction] = {}

        def make(name: str, key: str, handler: Callable[[], None]) -> None:
            action = QAction(name, self.view)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(handler)
            action.setEnabled(False)
            self.view.addAction(action)
            made[name] = action

        make("Play / pause all", "Space", lambda: self._with(lambda p: p.toggle()))
        make("Previous frame", ",", lambda: self._with(lambda p: p.step(-1)))
        make("Next frame", ".", lambda: self._with(lambda p: p.step(1)))
        make("Loop", "L", self.view.loop_button.toggle)
        make("Mute all", "M", self.view.mute_all.toggle)
        make("Close compare", "Esc", self.close)
        return made

    # ------------------------------------------------------------------ public
    def open_compare(self, job_ids: Sequence[int], keep: KeepFn | None = None) -> bool:
        """Show these takes side by side, playing. `keep` is what "Keep this one" does (default: favourite
        it). False (and a status message) unless 2 to 4 of them are ready clips with their files."""
        jobs = {j.id: j for j in self._ports.jobs(job_ids)}
        ordered = [jobs[i] for i in job_ids if i in jobs and comparable(jobs[i])]
        if not MIN_TAKES <= len(ordered) <= MAX_TAKES:
            self.statusMessage.emit(f"Compare needs {MIN_TAKES} to {MAX_TAKES} finished clips "
                                    f"({len(ordered)} selected).")
            return False
        self._stop_players()
        from getimg_studio.ui.compare.sync import SyncedPlayers

        self.jobs = ordered
        self._keep = keep
        self._kept = next((i for i, j in enumerate(ordered) if j.favourite), None) if keep is None else None
        tiles = self.view.set_tiles(len(ordered))
        fps = ordered[0].fps or 24.0
        self.players = players = SyncedPlayers([t.video for t in tiles], fps, self)
        for index, (tile, job) in enumerate(zip(tiles, ordered, strict=True)):
            self._fill(index, tile, job)
        players.durationChanged.connect(self._duration_changed)
        players.positionChanged.connect(self._position_changed)
        players.playingChanged.connect(self._playing_changed)
        players.set_loop(self.view.loop_button.isChecked())
        players.set_speed(float(self.view.speed.currentData()))
        players.listen(-1 if self.view.mute_all.isChecked() else 0)
        tiles[0].listen.setChecked(not self.view.mute_all.isChecked())
        players.load([j.file_path for j in ordered])
        self.view.heading.setText(f"Comparing {len(ordered)} takes")
        self._player_keys(False)
        for action in self.actions_.values():
            action.setEnabled(True)
        self.shown.emit()
        players.play()
        return True

    def close(self) -> None:
        """Back to the player; the clips stop."""
        self._stop_players()
        for action in self.actions_.values():
            action.setEnabled(False)
        self._player_keys(True)
        self.closed.emit()

    @property
    def showing(self) -> bool:
        return self.players is not None

    # ------------------------------------------------------------------ tiles
    def _fill(self, index: int, tile: CompareTile, job: Job) -> None:
        facts = tile_facts(job, self._ports.model_name(job.request.model) if job.has_request else "")
        tile.title.setText(f"Take {index + 1} · {facts}")
        prompt = job.label
        tile.prompt.setText(prompt if len(prompt) <= 140 else prompt[:139] + "…")
        tile.prompt.setToolTip(job.request.prompt or prompt)
        request = job.video_request if job.has_request else None
        tile.remix.setEnabled(request is not None)
        tile.remix.setToolTip("Load this take's request into the form" if request is not None else
                              "This file carries no recipe to remix")
        if request is not None:
            tile.remix.clicked.connect(lambda: self._ports.remix(request))
        tile.keep.clicked.connect(lambda: self._tasks.start(self._keep_take(index), name="keep"))
        tile.listen.toggled.connect(lambda on: self._listen(index) if on else None)
        self._show_kept(index, tile)

    def _show_kept(self, index: int, tile: CompareTile) -> None:
        kept = self._kept == index
        tile.keep.setText("Kept" if kept else "Keep this one")
        tile.keep.setEnabled(not kept)

    async def _keep_take(self, index: int) -> None:
        job = self.jobs[index]
        try:
            if self._keep is not None:
                await self._keep(job)
            else:
                await self._ports.favourite([job.id], True)
        except GetimgError as exc:
            self.statusMessage.emit(f"Could not keep it: {exc.message}")
            return
        self._kept = index
        for i, tile in enumerate(self.view.tiles):
            self._show_kept(i, tile)
        self.statusMessage.emit(f"Kept take {index + 1}")

    def _listen(self, index: int) -> None:
        if self.players is not None and not self.view.mute_all.isChecked():
            self.players.listen(index)

    def _mute_all(self, muted: bool) -> None:
        if self.players is None:
            return
        chosen = next((i for i, t in enumerate(self.view.tiles) if t.listen.isChecked()), 0)
        self.players.listen(-1 if muted else chosen)

    # ------------------------------------------------------------------ transport
    def _with(self, act: Callable[[SyncedPlayers], None]) -> None:
        if self.players is not None:
            act(self.players)

    def _duration_changed(self, ms: int) -> None:
        seek = self.view.seek
        seek.setRange(0, max(0, ms))
        if self.players is not None:
            seek.setSingleStep(max(1, round(self.players.frame_ms())))
        seek.setPageStep(max(1, ms // 10))
        self._position_changed(self.players.position() if self.players else 0)

    def _position_changed(self, ms: int) -> None:
        seek = self.view.seek
        if not seek.isSliderDown():
            seek.blockSignals(True)
            seek.setValue(ms)
            seek.blockSignals(False)
        total = seek.maximum()
        self.view.time.setText(f"{ms / 1000:.2f} / {total / 1000:.2f} s")

    def _playing_changed(self, playing: bool) -> None:
        from getimg_studio.ui.common.theme import bind_icon

        button = self.view.play_button
        bind_icon(button, "pause" if playing else "play")
        button.setText("Pause" if playing else "Play")

    def _stop_players(self) -> None:
        if self.players is not None:
            self.players.stop()
            self.players.deleteLater()
            self.players = None
