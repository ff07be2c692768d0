"""What the generation form does: fill itself from a model's capabilities, check, price and send the request.

Every control is rebuilt from the chosen model's capabilities (never hard-coded). The form is checked
with api.validation on every change and each problem is shown next to the control at fault; a rejection
from the server lands at the same place, and nothing the creator typed is lost.

Switching model keeps every input: what the creator chose (ratio, resolution, duration, sound, images) is
remembered, and what the new model cannot take is shown as such, not sent, and restored when a model that
can take it is chosen again. More than `confirm_batch_over` generations at once are asked about first. The
form itself (the draft) is kept in the settings, so a restart finds it as it was left.
"""

from __future__ import annotations

import asyncio
import json
import logging
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.types import CostEstimate, GenerationRequest, ModelInfo, Role
from getimg_studio.api.validation import MAX_PROMPT, Issue, format_seconds, validate
from getimg_studio.jobs.model import Job
from getimg_studio.settings import SettingsStore
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common.confirm import ask, confirm_generations
from getimg_studio.ui.common.crash import report_exception
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.compose.fields import (
    cost_text,
    cost_warning,
    fill_combo,
    issue_for_error,
    ratio_text,
    resolution_order,
)
from getimg_studio.ui.compose.queued_edit import STOP_EDIT, edit_banner, edited_message
from getimg_studio.ui.compose.view import ComposeView
from getimg_studio.ui.money.refusal import RAISE_BUDGET, budget_refusal_html
from getimg_studio.ui.ports import ComposePorts

log = logging.getLogger(__name__)

_FRAME_FIELDS = {r.value for r in Role}
_OPTION_FIELDS = ("aspect_ratio", "resolution", "duration")
DRAFT_DELAY_MS = 800  # typing is saved this long after the last key, off the painting thread
MESSAGE_MS = 8000  # "Submitted…" fades after this long


class ComposeController(QObject):
    submitted = Signal(object)  # list[Job]
    settingsRequested = Signal()
    budgetRequested = Signal()  # money (issue 15): "Raise budget…" under a refusal by the creator's budget
    statusMessage = Signal(str)

    def __init__(self, view: ComposeView, ports: ComposePorts, settings: SettingsStore,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._ports = ports
        self._settings = settings
        self._models: list[ModelInfo] = []
        # Why there is no model to choose from (first start offline, bad key): shown instead of a rule.
        self._models_unavailable = "Loading the model list…"
        self._balance: Decimal | None = None
        self._server_issue: Issue | None = None
        self._tasks = TaskOwner("compose", on_error=report_exception)
        self._submitting: asyncio.Task[None] | None = None
        self._editing: int | None = None  # the queued job whose request the form is changing
        self._estimate = CostEstimate(None)
        # What the creator chose, kept across models that do not offer it; None: the model's default.
        self._wanted: dict[str, object] = {"aspect_ratio": None, "resolution": None, "duration": None,
                                           "sound": False}
        self._kept_notes: dict[str, str] = {}
        self._applying = False
        self._message_token = 0
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_draft)

        v = view
        v.model_combo.currentIndexChanged.connect(self._on_model_changed)
        v.prompt.textChanged.connect(lambda: self._changed("prompt"))
        v.aspect_combo.currentIndexChanged.connect(lambda: self._option_changed("aspect_ratio", v.aspect_combo))
        v.resolution_combo.currentIndexChanged.connect(
            lambda: self._option_changed("resolution", v.resolution_combo))
        v.duration_combo.currentIndexChanged.connect(lambda: self._option_changed("duration", v.duration_combo))
        v.sound_check.toggled.connect(self._sound_toggled)
        v.variations.valueChanged.connect(lambda: self._changed("variations"))
        v.frames.changed.connect(lambda: self._changed("images"))
        v.frames.aspectRatioChosen.connect(self.set_aspect_ratio)
        v.generate_button.clicked.connect(self.submit)
        v.form_message.linkActivated.connect(self._link)
        self.reload_models()

    # Reading the form ---------------------------------------------------------------------------------

    @property
    def has_models(self) -> bool:
        return bool(self._models)

    @property
    def model(self) -> ModelInfo | None:
        index = self.view.model_combo.currentIndex()
        return self._models[index] if 0 <= index < len(self._models) else None

    def request(self) -> GenerationRequest:
        """What Generate sends now: only what the chosen model takes."""
        v = self.view
        return GenerationRequest(
            model=self.model.id if self.model else str(v.model_combo.currentData() or ""),
            prompt=v.prompt.toPlainText(),
            aspect_ratio=v.aspect_combo.currentData() if v.aspect_combo.count() else None,
            resolution=v.resolution_combo.currentData() if v.resolution_combo.count() else None,
            duration=v.duration_combo.currentData() if v.duration_combo.count() else None,
            sound=v.sound_check.isChecked() and v.sound_check.isEnabled(),
            frames=v.frames.frames(),
        )

    def issues(self) -> list[Issue]:
        issues = validate(self.request(), self.model)
        if any(slot.loading for slot in self.view.frames.slots):
            issues.append(Issue("images", "Reading an image…"))
        return issues

    @property
    def estimate(self) -> CostEstimate:
        """The cost of what Generate sends now, all variations included."""
        return self._estimate

    # Filling the form ---------------------------------------------------------------------------------

    def reload_models(self) -> None:
        """Refill the model list (start-up, catalogue refreshed), keeping the chosen model if still listed."""
        combo = self.view.model_combo
        keep = self.model.id if self.model else None
        self._models = [m for m in self._ports.catalogue.models() if m.type == "video"]
        combo.blockSignals(True)
        combo.clear()
        for m in self._models:
            combo.addItem(m.name, m.id)
            combo.setItemData(combo.count() - 1, f"{m.name} ({m.id})", Qt.ItemDataRole.ToolTipRole)
        ids = [m.id for m in self._models]
        combo.setCurrentIndex(ids.index(keep) if keep in ids else (0 if ids else -1))
        combo.blockSignals(False)
        combo.setEnabled(bool(ids))
        self._on_model_changed()

    def set_models_unavailable(self, reason: str) -> None:
        """What to say while the model list is empty (the window retries the fetch meanwhile)."""
        self._models_unavailable = reason
        self._refresh()

    def select_model(self, model_id: str) -> bool:
        index = self.view.model_combo.findData(model_id)
        if index >= 0:
            self.view.model_combo.setCurrentIndex(index)
        return index >= 0

    def set_aspect_ratio(self, ratio: str) -> None:
        index = self.view.aspect_combo.findData(ratio)
        if index >= 0:
            self.view.aspect_combo.setCurrentIndex(index)

    def set_balance(self, amount: Decimal | None) -> None:
        self._balance = amount
        self._refresh()

    def load_request(self, request: GenerationRequest, variations: int | None = None) -> None:
        """Fill the whole form from an earlier request (remix, the draft), frames included."""
        v = self.view
        self._wanted = {"aspect_ratio": request.aspect_ratio, "resolution": request.resolution,
                        "duration": request.duration, "sound": request.sound}
        known = self.select_model(request.model)
        self._on_model_changed()  # applies the wanted values even when the model did not change
        if not known and request.model:
            self._kept_notes["model"] = f"“{request.model}” is no longer offered; choose another model."
        v.prompt.setPlainText(request.prompt)
        if variations is not None:
            v.variations.setValue(variations)
        v.frames.clear_all()
        counts: dict[Role, int] = {}
        for ref in request.frames:
            index = counts.get(ref.role, 0)
            counts[ref.role] = index + 1
            slot = v.frames.slot_for(ref.role, index)
            if slot is None:
                continue
            slot.set_unsupported("")  # a kept image must be loaded; configure() marks it again
            if ref.path is not None:
                if ref.path.exists():
                    slot.set_path(ref.path)
            elif ref.url is not None:
                slot.set_url(ref.url)
        v.frames.configure(self.model)
        self._refresh()

    def use_as_first_frame(self, path: Path) -> None:
        """Chain clips: the frame becomes the first frame, the old last frame goes (the next clip starts here)."""
        model = self.model
        if model is not None and model.supports(Role.FIRST_FRAME):
            self._chain(path)
            return
        name = model.name if model else "No model"
        able = next((m for m in self._models if m.supports(Role.FIRST_FRAME)), None)
        if able is None:
            self.statusMessage.emit(f"{name} does not take a first frame, and no model offered here does.")
            return
        _box, answer = ask(self.view.window(), "Use last frame", f"{name} does not take a first frame.",
                           f"{able.name} does. Switch to it to start the next clip from this frame? Your prompt "
                           "and settings are kept.", f"Switch to {able.name}")

        def answered(future: asyncio.Future[tuple[bool, bool]]) -> None:
            if future.result()[0] and self.select_model(able.id):
                self._chain(path)

        answer.add_done_callback(answered)

    # The draft ------------------------------------------------------------------------------------------

    def draft(self) -> GenerationRequest:
        """The form as the creator left it, with the choices a model did not take and every kept image."""
        current = self.request()
        w = self._wanted
        return GenerationRequest(
            model=current.model, prompt=current.prompt,
            aspect_ratio=str(w["aspect_ratio"]) if w["aspect_ratio"] is not None else current.aspect_ratio,
            resolution=str(w["resolution"]) if w["resolution"] is not None else current.resolution,
            duration=float(w["duration"]) if isinstance(w["duration"], int | float) else current.duration,
            sound=bool(w["sound"]), frames=self.view.frames.kept_frames())

    def save_draft(self) -> None:
        self._draft_timer.stop()
        if not self._models:
            return  # nothing was restored yet: an empty form must not overwrite the saved draft
        self._settings.update(draft=json.dumps(self.draft().to_json()),
                              draft_variations=self.view.variations.value())

    def restore_draft(self) -> bool:
        settings = self._settings.current
        if not settings.draft:
            return False
        try:
            request = GenerationRequest.from_json(json.loads(settings.draft))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("the saved draft is unreadable (%s); starting with an empty form", exc)
            return False
        self.load_request(request, max(1, min(settings.draft_variations, self.view.variations.maximum())))
        return True

    # Sending --------------------------------------------------------------------------------------------

    def submit(self) -> asyncio.Task[None] | None:
        """Send the form (Generate / Ctrl+Enter), or save it into the queued job being changed."""
        if not self.view.generate_button.isEnabled() or self._tasks.closed:
            return None
        request, count = self.request(), self.view.variations.value()
        work = (self._save_queued(self._editing, request) if self._editing is not None
                else self._submit(request, count))
        self._submitting = self._tasks.start(work, name="submit")
        self._refresh()
        return self._submitting

    async def wait_submitted(self) -> None:
        while self._submitting is not None and not self._submitting.done():
            await asyncio.wait({self._submitting})

    async def shutdown(self) -> None:
        if self._draft_timer.isActive():
            self.save_draft()
        await self._tasks.close()
        await self.view.frames.shutdown()

    async def _submit(self, request: GenerationRequest, count: int) -> None:
        self._server_issue = None
        try:
            model = self.model
            total = self._estimate if model is not None else CostEstimate(None)
            threshold = self._settings.current.confirm_batch_over
            if not await confirm_generations(self.view.window(), count, total, threshold):
                self._show_form_message("Nothing was sent.", "muted", fade=True)
                return
            self._show_form_message("Submitting…", "muted")
            try:
                jobs = await self._ports.submit(request, count)
            except GetimgError as exc:
                self._server_issue = issue_for_error(exc)
                self._show_form_message("" if self._server_issue.field != "form" else self._server_issue.message,
                                        "error")
                if exc.kind is ErrorKind.AUTH:
                    self._show_form_message(f"{exc.message} <a href='settings'>Open settings</a>", "error")
                elif exc.kind is ErrorKind.BUDGET:  # nothing was queued: the numbers, and the way to Settings
                    self._show_form_message(budget_refusal_html(exc.message), "error")
                return
        finally:
            self._submitting = None
            self._refresh()
        what = "1 video: follow it" if len(jobs) == 1 else f"{len(jobs)} videos: follow them"
        self._show_form_message(f"Submitted {what} in the queue.", "muted", fade=True)
        self.submitted.emit(jobs)

    # Changing a queued job (Queue > Open in form) -----------------------------------------------------------

    @property
    def editing(self) -> int | None:
        return self._editing

    def open_queued(self, job: Job) -> None:
        """The form shows a queued video's request; Save changes writes it back, and it keeps its place."""
        if not isinstance(job.request, GenerationRequest):  # an image's request: not this form's
            return
        self.load_request(job.request, 1)
        self._editing = job.id
        self._show_form_message(edit_banner(job.id), "muted")
        self._refresh()

    def stop_editing(self, message: str = "") -> None:
        self._editing = None
        self._show_form_message(message, "muted", fade=True)
        self._refresh()

    async def _save_queued(self, job_id: int, request: GenerationRequest) -> None:
        try:
            await self._ports.edit_queued(job_id, request)
        except GetimgError as exc:  # sent meanwhile, or the request is not valid
            self._submitting = None
            self._show_form_message(f"{exc.message} {edit_banner(job_id)}", "error")
            self._refresh()
            return
        self._submitting = None
        self.stop_editing(edited_message(job_id))

    def _link(self, link: str) -> None:
        if link == STOP_EDIT:
            self.stop_editing("The queued job is unchanged.")
        elif link == RAISE_BUDGET:
            self.budgetRequested.emit()
        else:
            self.settingsRequested.emit()

    # Reacting to edits ------------------------------------------------------------------------------------

    def _on_model_changed(self) -> None:
        v, model = self.view, self.model
        name = model.name if model else "This model"
        self._applying = True
        try:
            self._kept_notes = {}
            if model is None:
                for combo in (v.aspect_combo, v.resolution_combo, v.duration_combo):
                    fill_combo(combo, [], [], "No model", "option (no model is available yet)")
            else:
                resolutions = sorted(model.resolutions, key=resolution_order)
                durations = sorted(model.durations)
                options: tuple[tuple[str, list[object], list[str], object], ...] = (
                    ("aspect_ratio", list(model.aspect_ratios), [ratio_text(a) for a in model.aspect_ratios],
                     model.aspect_ratios[0] if model.aspect_ratios else None),
                    ("resolution", list(resolutions), list(resolutions),
                     model.resolutions[0] if model.resolutions else None),
                    ("duration", list(durations), [format_seconds(d) for d in durations],
                     model.durations[0] if model.durations else None),
                )
                combos = {"aspect_ratio": v.aspect_combo, "resolution": v.resolution_combo,
                          "duration": v.duration_combo}
                for field, values, labels, default in options:
                    wanted = self._wanted[field]
                    what = field.replace("_", " ")
                    if not fill_combo(combos[field], values, labels, name, what, wanted, default):
                        shown = format_seconds(float(wanted)) if isinstance(wanted, int | float) else str(wanted)
                        self._kept_notes[field] = (f"{name} does not offer {shown}; it comes back with a model "
                                                   "that does.")
            supports_sound = model is not None and model.supports_sound
            v.sound_check.setEnabled(supports_sound)
            v.sound_check.setToolTip("" if supports_sound else f"{name} makes videos without sound.")
            v.sound_check.setChecked(supports_sound and bool(self._wanted["sound"]))
            if not supports_sound and self._wanted["sound"] and model is not None:
                self._kept_notes["sound"] = f"{name} makes videos without sound; sound comes back with a model " \
                                            "that has it."
            v.frames.configure(model)
        finally:
            self._applying = False
        self._changed("model")

    def _option_changed(self, field: str, combo: QComboBox) -> None:
        if not self._applying:
            self._wanted[field] = combo.currentData()
            self._kept_notes.pop(field, None)
        self._changed(field)

    def _sound_toggled(self, on: bool) -> None:
        if not self._applying and self.view.sound_check.isEnabled():
            self._wanted["sound"] = on
            self._kept_notes.pop("sound", None)
        self._changed("sound")

    def _changed(self, field: str) -> None:
        if self._server_issue is not None and (self._server_issue.field in (field, "form", "cost")
                                               or field == "model"):
            self._server_issue = None
            self._show_form_message("", "")
        if not self._applying:
            self._draft_timer.start()
        self._refresh()

    def _chain(self, path: Path) -> None:
        frames = self.view.frames
        frames.first.set_path(path)
        if frames.last.frame is not None:
            frames.last.clear()
        self.statusMessage.emit("The clip's last frame is the first frame of the next one; the old last frame "
                                "was cleared.")

    def _refresh(self) -> None:
        if self._applying:
            return
        v = self.view
        request, model = self.request(), self.model
        text = request.prompt
        v.prompt_count.setText(f"{len(text):,} / {MAX_PROMPT:,}")
        set_hint(v.prompt_count, "error" if len(text) > MAX_PROMPT else "muted")
        issues = self.issues()
        by_field: dict[str, list[str]] = {}
        for issue in issues:
            by_field.setdefault(issue.field, []).append(issue.message)
        server = self._server_issue
        for field in ("model", "prompt", *_OPTION_FIELDS, "sound"):
            if field == "model" and not self._models:
                v.messages.show(field, self._models_unavailable, "warning")
            elif server is not None and server.field == field:
                v.messages.show(field, server.message, "error")
            elif field == "prompt" and not text.strip():
                v.messages.show(field, "", "")
            elif by_field.get(field):
                v.messages.show(field, " ".join(by_field[field]), "warning")
            else:
                v.messages.show(field, self._kept_notes.get(field, ""), "muted")
        frame_texts = [m for f in ("images", *_FRAME_FIELDS) for m in by_field.get(f, [])
                       if m not in ("Reading an image…",) and f not in ("last_frame", "reference_image")]
        if server is not None and (server.field == "images" or server.field in _FRAME_FIELDS):
            frame_texts = [server.message]
        v.frames.set_issue(" ".join(frame_texts))
        v.frames.update_aspect(request.aspect_ratio, model.aspect_ratios if model else ())
        self._refresh_cost(request, model, server)
        busy = self._submitting is not None
        v.generate_button.setEnabled(not issues and not busy and model is not None)
        editing = self._editing is not None
        v.generate_button.setText(("Saving…" if editing else "Submitting…") if busy
                                  else ("Save changes" if editing else "Generate"))
        v.variations.setEnabled(not editing)  # one queued job is changed, never multiplied
        if busy:
            reason = ""
        elif not self._models:
            reason = "Waiting for the model list."
        elif not text.strip():
            reason = "Write a prompt to generate."
        elif issues:
            reason = "Fix what is marked above to generate."
        elif editing:
            reason = "Ctrl+Enter saves the queued job's changes"
        else:
            reason = "Ctrl+Enter generates"
        v.generate_reason.setText(reason)
        v.generate_button.setAccessibleDescription(reason)

    def _refresh_cost(self, request: GenerationRequest, model: ModelInfo | None, server: Issue | None) -> None:
        v = self.view
        count = v.variations.value()
        self._estimate = self._ports.catalogue.estimate(request).times(count) if model else CostEstimate(None)
        if model is None:
            v.cost_label.setText("Estimated cost: choose a model")
        else:
            v.cost_label.setText(cost_text(self._estimate, count))
        if server is not None and server.field == "cost":
            warning, hint = server.message, "error"
        else:
            warning, hint = cost_warning(self._estimate, self._balance, model is not None), "warning"
        v.cost_warning.setText(warning)
        v.cost_warning.setVisible(bool(warning))
        set_hint(v.cost_warning, hint)

    def _show_form_message(self, text: str, hint: str, *, fade: bool = False) -> None:
        v = self.view
        v.form_message.setText(text)
        v.form_message.setVisible(bool(text))
        set_hint(v.form_message, hint)
        self._message_token += 1
        if fade and text:
            token = self._message_token
            QTimer.singleShot(MESSAGE_MS, self, lambda: self._fade(token))

    def _fade(self, token: int) -> None:
        if token == self._message_token:
            self._show_form_message("", "")
