"""The engine's observers: subscribed from any thread, called on the engine's, one failure isolated."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from getimg_studio.jobs.model import JobEvent

log = logging.getLogger(__name__)
Observer = Callable[[JobEvent], None]


class Observers:
    def __init__(self) -> None:
        self._observers: list[Observer] = []
        self._lock = threading.Lock()  # subscribe() may come from the window's thread

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Add `observer`; the returned function removes it."""
        with self._lock:
            self._observers.append(observer)

        def unsubscribe() -> None:
            with self._lock:
                if observer in self._observers:
                    self._observers.remove(observer)

        return unsubscribe

    def emit(self, event: JobEvent) -> None:
        with self._lock:
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(event)
            except Exception:  # one broken observer must not stop the engine or the others
                log.exception("an engine observer failed on %s", type(event).__name__)
