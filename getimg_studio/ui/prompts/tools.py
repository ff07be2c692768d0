"""The prompt field's Recent and Styles buttons and its Ctrl+Up / Ctrl+Down, attached from the composition
root beside the prompt's length counter (the compose form itself knows nothing of them).

Recent lists the history's newest distinct prompts (read through the window's read-only history
connection, newest first); choosing one replaces the prompt. Styles are saved snippets: choosing one
inserts it at the cursor; "Save as a style…" keeps the selected text (or the whole prompt) under a name.
The snippets file is read and written in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from getimg_studio.tasks import TaskOwner
from getimg_studio.ui.prompts.recall import PromptRecall
from getimg_studio.ui.prompts.snippets import Snippet, load_snippets, save_snippets, with_snippet

RECENT_SHOWN = 15
_LABEL_CHARS = 70


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _LABEL_CHARS else flat[:_LABEL_CHARS - 1] + "…"


def _menu_button(parent: QWidget, text: str, tip: str) -> tuple[QToolButton, QMenu]:
    button = QToolButton(parent)
    button.setText(text)
    button.setAccessibleName(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    button.setMenu(menu)
    return button, menu


class PromptTools(QObject):
    def __init__(self, prompt: QPlainTextEdit, counter: QLabel, recent: Callable[[], Sequence[str]],
                 snippets_file: Path) -> None:
        super().__init__(prompt)
        self.prompt = prompt
        self._recent = recent
        self._file = snippets_file
        self._tasks = TaskOwner("prompt-tools")
        self.snippets: list[Snippet] = []
        self.recall = PromptRecall(lambda: list(recent())[:RECENT_SHOWN * 2])
        self._setting = False
        holder = counter.parentWidget()
        assert holder is not None
        self.recent_button, self.recent_menu = _menu_button(holder, "Recent",
                                                            "Recent prompts (Ctrl+Up and Ctrl+Down in the prompt)")
        self.styles_button, self.styles_menu = _menu_button(holder, "Styles", "Saved snippets to insert")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.styles_menu.aboutToShow.connect(self._fill_styles)
        layout = holder.layout()
        assert isinstance(layout, QBoxLayout)
        at = layout.indexOf(counter)
        layout.removeWidget(counter)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.recent_button)
        row.addWidget(self.styles_button)
        row.addStretch(1)
        row.addWidget(counter)
        layout.insertLayout(at, row)
        for button in (self.recent_button, self.styles_button):
            button.show()  # a child added to a shown form stays hidden until told
        prompt.installEventFilter(self)
        prompt.textChanged.connect(self._typed)
        self._tasks.start(self._load(), name="load-styles")

    # ------------------------------------------------------------------ recent
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.prompt and event.type() is QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if control and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                if event.key() == Qt.Key.Key_Up:
                    self.older()
                else:
                    self.newer()
                return True
        return super().eventFilter(watched, event)

    def older(self) -> None:
        text = self.recall.older(self.prompt.toPlainText())
        if text is not None:
            self._set(text)

    def newer(self) -> None:
        text = self.recall.newer()
        if text is not None:
            self._set(text)

    def _set(self, text: str) -> None:
        self._setting = True
        try:
            self.prompt.setPlainText(text)
            self.prompt.moveCursor(self.prompt.textCursor().MoveOperation.End)
        finally:
            self._setting = False

    def _typed(self) -> None:
        if not self._setting:
            self.recall.reset()

    def _fill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        prompts = list(self._recent())[:RECENT_SHOWN]
        if not prompts:
            empty = menu.addAction("No prompts yet")
            empty.setEnabled(False)
        for text in prompts:
            action = menu.addAction(_short(text))
            action.setToolTip(text)
            action.triggered.connect(lambda _checked=False, t=text: self._choose_recent(t))

    def _choose_recent(self, text: str) -> None:
        self.recall.reset()
        self.prompt.setPlainText(text)
        self.prompt.setFocus()

    # ------------------------------------------------------------------ styles
    async def _load(self) -> None:
        loaded = await asyncio.get_running_loop().run_in_executor(None, load_snippets, self._file)
        saved_meanwhile = {s.name for s in self.snippets}  # a style saved before the file was read stays
        self.snippets = [*self.snippets, *(s for s in loaded if s.name not in saved_meanwhile)]

    def _fill_styles(self) -> None:
        menu = self.styles_menu
        menu.clear()
        for snippet in self.snippets:
            action = menu.addAction(snippet.name)
            action.setToolTip(snippet.text)
            action.triggered.connect(lambda _checked=False, s=snippet: self.insert(s))
        if self.snippets:
            menu.addSeparator()
        save: QAction = menu.addAction("Save as a style…")
        save.setEnabled(bool(self._selected_or_all().strip()))
        save.triggered.connect(self._ask_name)
        if self.snippets:
            remove = menu.addMenu("Remove a style")
            for snippet in self.snippets:
                action = remove.addAction(snippet.name)
                action.triggered.connect(lambda _checked=False, s=snippet: self.remove(s.name))

    def insert(self, snippet: Snippet) -> None:
        """At the cursor, with a separating ", " when it follows text."""
        cursor = self.prompt.textCursor()
        before = self.prompt.toPlainText()[:cursor.position()].rstrip()
        glue = ", " if before and not before.endswith((",", ".", ";", ":")) else (" " if before else "")
        cursor.insertText(glue + snippet.text)
        self.prompt.setTextCursor(cursor)
        self.prompt.setFocus()

    def _selected_or_all(self) -> str:
        return self.prompt.textCursor().selectedText().replace("\u2029", "\n") or self.prompt.toPlainText()

    def _ask_name(self) -> None:
        text = self._selected_or_all().strip()
        dialog = QInputDialog(self.prompt.window())
        dialog.setWindowTitle("Save as a style")
        dialog.setLabelText(f"Name for “{_short(text)}”:")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda name: self.save(name, text))
        dialog.open()

    def save(self, name: str, text: str) -> None:
        if name.strip() and text.strip():
            self.snippets = with_snippet(self.snippets, name, text)
            self._store()

    def remove(self, name: str) -> None:
        self.snippets = [s for s in self.snippets if s.name != name]
        self._store()

    def _store(self) -> None:
        self._tasks.start(self._write(list(self.snippets)), name="save-styles")

    async def _write(self, snippets: list[Snippet]) -> None:
        await asyncio.get_running_loop().run_in_executor(None, save_snippets, self._file, snippets)
