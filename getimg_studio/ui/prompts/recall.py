"""Walking back through recent prompts, as a shell walks its history (pure logic).

The first step back keeps what was typed (the draft); stepping forward past the newest brings it back.
Prompts are distinct, newest first; one equal to the draft is skipped so every step changes the text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


class PromptRecall:
    def __init__(self, recent: Callable[[], Sequence[str]]) -> None:
        self._recent = recent
        self._entries: list[str] = []
        self._index = -1  # -1: showing the draft
        self._draft = ""

    @property
    def walking(self) -> bool:
        return self._index >= 0

    def older(self, current: str) -> str | None:
        """The next older prompt, or None when there is none (the text stays)."""
        if not self.walking:
            self._draft = current
            self._entries = [p for p in self._recent() if p != current]
        if self._index + 1 >= len(self._entries):
            return None
        self._index += 1
        return self._entries[self._index]

    def newer(self) -> str | None:
        """The next newer prompt, the draft past the newest, or None when not walking."""
        if not self.walking:
            return None
        self._index -= 1
        return self._draft if self._index < 0 else self._entries[self._index]

    def reset(self) -> None:
        """The creator typed: the next step back starts from this text."""
        self._index = -1
        self._entries = []
