"""The generation form: model, prompt, options, frames, live cost, and the Generate button.

Every control is rebuilt from the chosen model's capabilities (never hard-coded). The form is checked
with api.validation on every change and each problem is shown next to the control at fault; a rejection
from the server lands at the same place, and nothing the creator typed is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from getimg_studio.api.errors import ErrorKind, GetimgError
from getimg_studio.api.pricing import estimate_cost
from getimg_studio.api.types import CostEstimate, GenerationRequest, ModelInfo, Role
from getimg_studio.api.validation import MAX_PROMPT, Issue, format_seconds, validate
from getimg_studio.jobs.model import Job
from getimg_studio.settings import Settings
from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.common.crash import report_exception
from getimg_studio.ui.common.theme import set_hint
from getimg_studio.ui.compose.fields import (
    FieldMessages,
    cost_text,
    cost_warning,
    fill_combo,
    issue_for_error,
    ratio_text,
    select_data,
)
from getimg_studio.ui.compose.frames_panel import FramesPanel

SubmitFn = Callable[[GenerationRequest, int], Awaitable[list[Job]]]
_FRAME_FIELDS = {r.value for r in Role}


class ComposePanel(QWidget):
    submitted = Signal(object)  # list[Job]
    settingsRequested = Signal()

    def __init__(self, models: Callable[[], list[ModelInfo]], submit: SubmitFn, frames_dir: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._models_fn = models
        self._submit_fn = submit
        self._models: list[ModelInfo] = []
        # Why there is no model to choose from (first start offline, bad key): shown instead of a rule.
        self._models_unavailable = "Loading the model list…"
        self._balance: Decimal | None = None
        self._server_issue: Issue | None = None
        self._tasks = TaskOwner("compose", on_error=report_exception)
        self._submitting: asyncio.Task[None] | None = None
        self._estimate = CostEstimate(None)
        self.setAccessibleName("Compose")

        self.model_combo = QComboBox()
        self.model_combo.setAccessibleName("Model")
        self.prompt = QPlainTextEdit()
        self.prompt.setAccessibleName("Prompt")
        self.prompt.setPlaceholderText("Describe the video: subject, motion, camera, light, mood…")
        self.prompt.setTabChangesFocus(True)
        self.prompt.setMinimumHeight(96)
        self.prompt_count = QLabel(f"0 / {MAX_PROMPT:,}")
        self.prompt_count.setAccessibleName("Prompt length")
        self.prompt_count.setAlignment(Qt.AlignmentFlag.AlignRight)
        set_hint(self.prompt_count, "muted")
        self.aspect_combo = QComboBox()
        self.aspect_combo.setAccessibleName("Aspect ratio")
        self.resolution_combo = QComboBox()
        self.resolution_combo.setAccessibleName("Resolution")
        self.duration_combo = QComboBox()
        self.duration_combo.setAccessibleName("Duration")
        self.sound_check = QCheckBox("Generate sound")
        self.sound_check.setAccessibleName("Sound")
        self.variations = QSpinBox()
        self.variations.setRange(1, 4)
        self.variations.setAccessibleName("Variations")
        self.variations.setToolTip("How many videos to make from this request (each is billed)")
        self.variations.setSuffix(" video(s)")
        self.frames = FramesPanel(frames_dir)
        self.cost_label = QLabel("")
        self.cost_label.setAccessibleName("Cost estimate")
        self.cost_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                                | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cost_warning = QLabel("")
        self.cost_warning.setWordWrap(True)
        self.cost_warning.setAccessibleName("Cost warning")
        set_hint(self.cost_warning, "warning")
        self.form_message = QLabel("")
        self.form_message.setWordWrap(True)
        self.form_message.setAccessibleName("Form message")
        self.form_message.linkActivated.connect(lambda _link: self.settingsRequested.emit())
        self.generate_button = QPushButton("Generate")
        self.generate_button.setAccessibleName("Generate")
        self.generate_button.setToolTip("Generate (Ctrl+Enter)")
        self.generate_button.setDefault(True)
        self.generate_reason = QLabel("")
        self.generate_reason.setWordWrap(True)
        self.generate_reason.setAccessibleName("Why Generate is disabled")
        set_hint(self.generate_reason, "muted")

        self.messages = FieldMessages()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Model", self.messages.wrap("model", self.model_combo))
        prompt_box = QVBoxLayout()
        prompt_box.setSpacing(2)
        prompt_box.addWidget(self.prompt)
        prompt_box.addWidget(self.prompt_count)
        prompt_holder = QWidget()
        prompt_holder.setLayout(prompt_box)
        prompt_box.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Prompt", self.messages.wrap("prompt", prompt_holder))
        form.addRow("&Aspect ratio", self.messages.wrap("aspect_ratio", self.aspect_combo))
        form.addRow("&Resolution", self.messages.wrap("resolution", self.resolution_combo))
        form.addRow("&Duration", self.messages.wrap("duration", self.duration_combo))
        form.addRow("Sound", self.messages.wrap("sound", self.sound_check))
        form.addRow("&Variations", self.variations)
        for label_text, buddy in (("&Model", self.model_combo), ("&Prompt", self.prompt),
                                  ("&Aspect ratio", self.aspect_combo), ("&Resolution", self.resolution_combo),
                                  ("&Duration", self.duration_combo), ("&Variations", self.variations)):
            self._set_buddy(form, label_text, buddy)
        images = QGroupBox("Images")
        images_layout = QVBoxLayout(images)
        images_layout.addWidget(self.frames)
        generate_row = QHBoxLayout()
        generate_row.addWidget(self.generate_reason, 1)
        generate_row.addWidget(self.generate_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(images)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.cost_warning)
        layout.addWidget(self.form_message)
        layout.addLayout(generate_row)
        layout.addStretch(1)

        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        self.prompt.textChanged.connect(lambda: self._changed("prompt"))
        self.aspect_combo.currentIndexChanged.connect(lambda: self._changed("aspect_ratio"))
        self.resolution_combo.currentIndexChanged.connect(lambda: self._changed("resolution"))
        self.duration_combo.currentIndexChanged.connect(lambda: self._changed("duration"))
        self.sound_check.toggled.connect(lambda: self._changed("sound"))
        self.variations.valueChanged.connect(lambda: self._changed("variations"))
        self.frames.changed.connect(lambda: self._changed("images"))
        self.frames.aspectRatioChosen.connect(self.set_aspect_ratio)
        self.generate_button.clicked.connect(self.submit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)
        self.reload_models()

    @staticmethod
    def _set_buddy(form: QFormLayout, text: str, buddy: QWidget) -> None:
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and label.text() == text:
                label.setBuddy(buddy)

    # Public API ---------------------------------------------------------------------------------------------

    @property
    def model(self) -> ModelInfo | None:
        index = self.model_combo.currentIndex()
        return self._models[index] if 0 <= index < len(self._models) else None

    def reload_models(self) -> None:
        """Refill the model list (start-up, catalogue refreshed), keeping the chosen model if still listed."""
        keep = self.model.id if self.model else None
        self._models = list(self._models_fn())
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for m in self._models:
            self.model_combo.addItem(m.name, m.id)
            self.model_combo.setItemData(self.model_combo.count() - 1, m.id, Qt.ItemDataRole.ToolTipRole)
        ids = [m.id for m in self._models]
        self.model_combo.setCurrentIndex(ids.index(keep) if keep in ids else (0 if ids else -1))
        self.model_combo.blockSignals(False)
        self.model_combo.setEnabled(bool(ids))
        self._on_model_changed()

    def set_models_unavailable(self, reason: str) -> None:
        """What to say while the model list is empty (the window retries the fetch meanwhile)."""
        self._models_unavailable = reason
        self._refresh()

    def select_model(self, model_id: str) -> bool:
        index = self.model_combo.findData(model_id)
        if index >= 0:
            self.model_combo.setCurrentIndex(index)
        return index >= 0

    def set_aspect_ratio(self, ratio: str) -> None:
        index = self.aspect_combo.findData(ratio)
        if index >= 0:
            self.aspect_combo.setCurrentIndex(index)

    def set_balance(self, amount: Decimal | None) -> None:
        self._balance = amount
        self._refresh()

    def request(self) -> GenerationRequest:
        return GenerationRequest(
            model=self.model.id if self.model else str(self.model_combo.currentData() or ""),
            prompt=self.prompt.toPlainText(),
            aspect_ratio=self.aspect_combo.currentData() if self.aspect_combo.count() else None,
            resolution=self.resolution_combo.currentData() if self.resolution_combo.count() else None,
            duration=self.duration_combo.currentData() if self.duration_combo.count() else None,
            sound=self.sound_check.isChecked() and self.sound_check.isEnabled(),
            frames=self.frames.frames(),
        )

    def issues(self) -> list[Issue]:
        issues = validate(self.request(), self.model)
        if any(slot.loading for slot in self.frames.slots):
            issues.append(Issue("images", "Reading an image…"))
        return issues

    @property
    def estimate(self) -> CostEstimate:
        return self._estimate

    def load_request(self, request: GenerationRequest) -> None:
        """Fill the whole form from an earlier request (remix), frames included."""
        if not self.select_model(request.model):
            self.messages.show("model", f"“{request.model}” is no longer offered; choose another model.", "error")
        self.prompt.setPlainText(request.prompt)
        if request.aspect_ratio:
            self.set_aspect_ratio(request.aspect_ratio)
        select_data(self.resolution_combo, request.resolution)
        select_data(self.duration_combo, request.duration)
        self.sound_check.setChecked(request.sound and self.sound_check.isEnabled())
        self.frames.clear_all()
        counts: dict[Role, int] = {}
        for ref in request.frames:
            index = counts.get(ref.role, 0)
            counts[ref.role] = index + 1
            slot = self.frames.slot_for(ref.role, index)
            if slot is None:
                continue
            if ref.path is not None:
                slot.set_path(ref.path)
            elif ref.url is not None:
                slot.set_url(ref.url)
        self._refresh()

    def set_frame(self, role: Role, path: Path) -> None:
        slot = self.frames.slot_for(role)
        if slot is not None:
            slot.set_path(path)

    def restore_params(self, settings: Settings) -> None:
        if settings.last_model:
            self.select_model(settings.last_model)
        self.set_aspect_ratio(settings.last_aspect_ratio)
        select_data(self.resolution_combo, settings.last_resolution or None)
        select_data(self.duration_combo, settings.last_duration or None)
        if self.sound_check.isEnabled():
            self.sound_check.setChecked(settings.last_sound)
        self.variations.setValue(settings.last_variations)

    def params(self) -> dict[str, object]:
        r = self.request()
        return {"last_model": r.model, "last_aspect_ratio": r.aspect_ratio or "",
                "last_resolution": r.resolution or "", "last_duration": float(r.duration or 0.0),
                "last_sound": r.sound, "last_variations": self.variations.value()}

    def submit(self) -> asyncio.Task[None] | None:
        """Send the form (Generate / Ctrl+Enter). None when it cannot be sent now."""
        if not self.generate_button.isEnabled() or self._tasks.closed:
            return None
        request, count = self.request(), self.variations.value()
        self._submitting = self._tasks.start(self._submit(request, count), name="submit")
        self._refresh()
        return self._submitting

    async def wait_submitted(self) -> None:
        while self._submitting is not None and not self._submitting.done():
            await asyncio.wait({self._submitting})

    async def shutdown(self) -> None:
        await self._tasks.close()
        await self.frames.shutdown()

    # Internals ------------------------------------------------------------------------------------------------

    async def _submit(self, request: GenerationRequest, count: int) -> None:
        self._server_issue = None
        self._show_form_message("Submitting…", "muted")
        try:
            jobs = await self._submit_fn(request, count)
        except GetimgError as exc:
            self._server_issue = issue_for_error(exc)
            self._show_form_message("" if self._server_issue.field != "form" else self._server_issue.message,
                                    "error")
            if exc.kind is ErrorKind.AUTH:
                self._show_form_message(f"{exc.message} <a href='settings'>Open settings</a>", "error")
            return
        finally:
            self._submitting = None
            self._refresh()
        what = "1 video: follow it" if len(jobs) == 1 else f"{len(jobs)} videos: follow them"
        self._show_form_message(f"Submitted {what} in the queue.", "muted")
        self.submitted.emit(jobs)

    def _on_model_changed(self) -> None:
        model = self.model
        name = model.name if model else "This model"
        if model is None:
            for combo in (self.aspect_combo, self.resolution_combo, self.duration_combo):
                fill_combo(combo, [], [], "No model", "option (no model is available yet)")
        else:
            fill_combo(self.aspect_combo, model.aspect_ratios, [ratio_text(a) for a in model.aspect_ratios],
                       name, "aspect ratio")
            fill_combo(self.resolution_combo, model.resolutions, list(model.resolutions), name, "resolution")
            fill_combo(self.duration_combo, model.durations, [format_seconds(d) for d in model.durations],
                       name, "duration")
        supports_sound = model is not None and model.supports_sound
        self.sound_check.setEnabled(supports_sound)
        self.sound_check.setToolTip("" if supports_sound else f"{name} makes videos without sound.")
        if not supports_sound:
            self.sound_check.setChecked(False)
        self.frames.configure(model)
        self._changed("model")

    def _changed(self, field: str) -> None:
        if self._server_issue is not None and (self._server_issue.field in (field, "form", "cost")
                                               or field == "model"):
            self._server_issue = None
            self._show_form_message("", "")
        self._refresh()

    def _refresh(self) -> None:
        request, model = self.request(), self.model
        text = request.prompt
        self.prompt_count.setText(f"{len(text):,} / {MAX_PROMPT:,}")
        set_hint(self.prompt_count, "error" if len(text) > MAX_PROMPT else "muted")
        issues = self.issues()
        by_field: dict[str, list[str]] = {}
        for issue in issues:
            by_field.setdefault(issue.field, []).append(issue.message)
        server = self._server_issue
        for field in ("model", "prompt", "aspect_ratio", "resolution", "duration", "sound"):
            if field == "model" and not self._models:
                self.messages.show(field, self._models_unavailable, "warning")
            elif server is not None and server.field == field:
                self.messages.show(field, server.message, "error")
            elif field == "prompt" and not text.strip():
                self.messages.show(field, "", "")
            else:
                self.messages.show(field, " ".join(by_field.get(field, [])), "warning")
        frame_texts = [m for f in ("images", *_FRAME_FIELDS) for m in by_field.get(f, [])
                       if m not in ("Reading an image…",) and f not in ("last_frame", "reference_image")]
        if server is not None and (server.field == "images" or server.field in _FRAME_FIELDS):
            frame_texts = [server.message]
        self.frames.set_issue(" ".join(frame_texts))
        self.frames.update_aspect(request.aspect_ratio, model.aspect_ratios if model else ())
        self._refresh_cost(request, model, server)
        busy = self._submitting is not None
        self.generate_button.setEnabled(not issues and not busy and model is not None)
        self.generate_button.setText("Submitting…" if busy else "Generate")
        reason = ""
        if busy:
            reason = ""
        elif not self._models:
            reason = "Waiting for the model list."
        elif not text.strip():
            reason = "Write a prompt to generate."
        elif issues:
            reason = "Fix what is marked above to generate."
        self.generate_reason.setText(reason or "Ctrl+Enter generates")
        self.generate_button.setAccessibleDescription(reason)

    def _refresh_cost(self, request: GenerationRequest, model: ModelInfo | None, server: Issue | None) -> None:
        count = self.variations.value()
        self._estimate = estimate_cost(request, model).times(count) if model else CostEstimate(None)
        self.cost_label.setText(cost_text(self._estimate, count) if model else "Estimated cost: choose a model")
        if server is not None and server.field == "cost":
            warning, hint = server.message, "error"
        else:
            warning, hint = cost_warning(self._estimate, self._balance, model is not None), "warning"
        self.cost_warning.setText(warning)
        self.cost_warning.setVisible(bool(warning))
        set_hint(self.cost_warning, hint)

    def _show_form_message(self, text: str, hint: str) -> None:
        self.form_message.setText(text)
        self.form_message.setVisible(bool(text))
        set_hint(self.form_message, hint)
