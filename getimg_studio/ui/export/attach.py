"""Trim and export on the player panel: its in/out points (`ui/player/trim.py`), an Export… button beside
"Save frame…", and the Export dialog, created when first asked for (it loads PyAV).

Attached from the composition root, so the panel itself knows nothing of exports; find it again with
`panel.findChild(PlayerExport)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton

from getimg_studio.ui.export.ports import ExportPorts
from getimg_studio.ui.player.trim import PlayerTrim

if TYPE_CHECKING:
    from getimg_studio.ui.export.controller import ExportController
    from getimg_studio.ui.player.panel import PlayerPanel


class PlayerExport(QObject):
    def __init__(self, player: PlayerPanel, ports: ExportPorts) -> None:
        super().__init__(player)
        self.setObjectName("player-export")
        self._player = player
        self._ports = ports
        self.controller: ExportController | None = None
        self.trim = PlayerTrim(player, player.controls, player.controls.seek, player.actions_, self._position,
                               lambda: player.job.id if player.job is not None else None)
        export = self.trim.actions["export"]
        self.button = QPushButton("Export…", player)
        self.button.setAccessibleName("Export")
        self.button.setToolTip("Export the clip, or its in–out span, as MP4, WebM, GIF, WebP or PNG "
                               f"({export.shortcut().toString()})")
        self.button.setAutoDefault(True)
        self.button.setEnabled(False)
        export.changed.connect(lambda: self.button.setEnabled(export.isEnabled()))
        self.button.clicked.connect(self.trim.exportRequested)
        player.buttons.insertWidget(1, self.button)
        self.trim.exportRequested.connect(self.open_export)

    def _position(self) -> int | None:
        player = self._player
        return player.service.player.position() if player.service is not None and player.clip else None

    def open_export(self) -> None:
        player = self._player
        if player.job is None or player.clip is None:
            return
        if self.controller is None:
            from getimg_studio.ui.export.controller import ExportController

            self.controller = ExportController(self._ports, player.window())
            self.controller.statusMessage.connect(player.statusMessage)
        trim = self.trim.trim
        span = (0.0, None) if not trim.active else trim.span().seconds
        self.controller.open(player.job, span, (self._position() or 0) / 1000)
