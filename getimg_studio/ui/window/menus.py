"""The menu bar of a media app (File, Edit, View, Playback, Queue, Help) and the window's own actions.

Keys follow VLC, mpv and Shotcut where they agree: Space plays and pauses, comma and period step a frame,
F goes fullscreen, M mutes, L loops, [ and ] change speed. Generate (Ctrl+Enter) and Find (Ctrl+F) work
from every panel. Each QAction exists once, in its menu and wherever else it is shown (toolbar, context
menu), so a key can never be claimed twice. Actions here have no handler: `WindowController` connects
them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from getimg_studio.settings import Theme
from getimg_studio.ui.queue.actions import QueueActions
from getimg_studio.ui.queue.panel import VIEWS
from getimg_studio.ui.queue.queued_actions import QueuedActions


class WindowActions(QObject):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)

        def make(text: str, *keys: str | QKeySequence.StandardKey, checkable: bool = False) -> QAction:
            action = QAction(text, window)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setCheckable(checkable)
            window.addAction(action)
            return action

        self.settings = make("&Settings…", "Ctrl+,")
        self.settings.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.open_logs = make("Open the &log folder")
        self.go_live = make("Switch to &live mode")
        self.go_live.setVisible(False)
        self.quit = make("&Quit", "Ctrl+Q")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.find = make("&Find in the history", QKeySequence.StandardKey.Find)
        self.generate = make("&Generate", "Ctrl+Return", "Ctrl+Enter")
        self.show_compose = make("&Compose panel", "Ctrl+1", checkable=True)
        self.show_player = make("&Player panel", "Ctrl+2", checkable=True)
        self.show_queue = make("&Queue panel", "Ctrl+3", checkable=True)
        self.reset_layout = make("&Reset the layout")
        # Storyboards (issue 13): the stage shows the storyboard page instead of the player while checked.
        self.show_storyboard = make("S&toryboard", "Ctrl+B", checkable=True)
        names = {"Active": "Show active jobs", "All": "Show all jobs", "Favourites": "Show favourites",
                 "Failed": "Show failed jobs", "Queued": "Show the queue (in sending order)"}
        self.views = [make(names.get(label, f"Show {label.lower()}"), f"Alt+{i + 1}")
                      for i, (_view, label) in enumerate(VIEWS)]
        self.theme_group = QActionGroup(self)
        self.themes: dict[Theme, QAction] = {}
        for theme, label in ((Theme.SYSTEM, "&System"), (Theme.LIGHT, "&Light"), (Theme.DARK, "&Dark")):
            action = make(label, checkable=True)
            action.setData(theme.value)
            self.theme_group.addAction(action)
            self.themes[theme] = action
        self.shortcuts = make("&Keyboard shortcuts", "F1", "Ctrl+/")
        self.about = make("&About getimg Studio")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)


def build_menus(bar: QMenuBar, window: WindowActions, queue: QueueActions, playback: dict[str, QAction],
                queued: QueuedActions, compare: QAction | None = None) -> None:
    file = bar.addMenu("&File")
    file.addAction(window.settings)
    file.addAction(window.open_logs)
    file.addAction(window.go_live)
    file.addSeparator()
    file.addAction(window.quit)

    edit = bar.addMenu("&Edit")
    edit.addAction(window.find)
    edit.addSeparator()
    for action in (queue.copy_prompt, queue.copy_id):
        edit.addAction(action)

    view = bar.addMenu("&View")
    for action in (window.show_compose, window.show_player, window.show_queue, window.reset_layout):
        view.addAction(action)
    view.addAction(window.show_storyboard)  # storyboards (issue 13)
    view.addSeparator()
    for action in window.views:
        view.addAction(action)
    view.addSeparator()
    if compare is not None:
        view.addAction(compare)
    view.addAction(playback["fullscreen"])
    themes = view.addMenu("&Theme")
    for action in window.themes.values():
        themes.addAction(action)

    play = bar.addMenu("&Playback")
    for name in ("play", "frame_back", "frame_forward", "back", "forward", "slower", "faster", "loop", "mute",
                 "fullscreen"):
        play.addAction(playback[name])
    play.addSeparator()
    play.addAction(playback["save_frame"])
    play.addAction(playback["use_last"])
    trim = [name for name in ("set_in", "set_out", "clear_trim", "export") if name in playback]  # issue 14
    if trim:
        play.addSeparator()
        for name in trim:
            play.addAction(playback[name])

    jobs = bar.addMenu("&Queue")
    jobs.addAction(window.generate)
    jobs.addSeparator()
    for action in (queue.play, queue.remix, queue.retry, queue.favourite, queue.stop, queue.remove):
        jobs.addAction(action)
    if compare is not None:
        jobs.addAction(compare)
    jobs.addSeparator()
    for action in (queue.reveal, queue.open_external, queue.save_as):
        jobs.addAction(action)
    jobs.addSeparator()
    for action in (queued.edit, queued.move_up, queued.move_down, queued.pause, queued.resume):
        jobs.addAction(action)
    jobs.addSeparator()
    jobs.addAction(queued.toggle_queue)

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(window.shortcuts)
    help_menu.addAction(window.open_logs)
    help_menu.addSeparator()
    help_menu.addAction(window.about)
