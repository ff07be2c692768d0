"""What the screenshot scripts share: the command line, one qasync loop per run, and screen grabs.

Grabs come from the screen, not QWidget.grab(): the playing video and popup menus are separate native
surfaces that a widget grab leaves blank. Run the scripts under `xvfb-run -a -s "-screen 0 1600x1000x24"`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ThemeRun = Callable[[str, Path, Path], Coroutine[Any, Any, None]]  # (theme, output folder, scratch folder)


def shoot(widget: Any, target: Path) -> None:
    """The widget's whole window as the screen shows it, saved as PNG; prints the path."""
    from PySide6.QtGui import QGuiApplication

    geometry = widget.window().frameGeometry()
    pixmap = QGuiApplication.primaryScreen().grabWindow(0, geometry.x(), geometry.y(), geometry.width(),
                                                        geometry.height())
    if not pixmap.save(str(target)):
        raise SystemExit(f"could not write {target}")
    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)


def run_for_themes(description: str | None, run: ThemeRun, prefix: str) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--theme", choices=["light", "dark", "both"], default="both")
    args = parser.parse_args()
    import qasync
    from PySide6.QtWidgets import QApplication

    from getimg_studio import APP_ID, APP_NAME

    app = QApplication([sys.argv[0]])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)
    args.out.mkdir(parents=True, exist_ok=True)
    themes = ["light", "dark"] if args.theme == "both" else [args.theme]
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        for theme in themes:
            with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as tmp:
                runner.run(run(theme, args.out, Path(tmp)))
    return 0


def run_in_app(shot: Callable[[Path], Coroutine[Any, Any, None]], prefix: str) -> int:
    """One shot in a fresh app on a qasync loop, with a throwaway data folder (the scripts' `--one`)."""
    import os

    os.environ.setdefault("QT_API", "pyside6")
    import qasync
    from PySide6.QtWidgets import QApplication

    from getimg_studio import APP_ID, APP_NAME

    app = QApplication([sys.argv[0]])
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as tmp, \
            asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(shot(Path(tmp)))
    return 0


def make_frame(path: Path) -> None:
    """A 1280x720 still of a paper boat at dusk: the first frame the screenshots drop into the form."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1280, 720))
    draw = ImageDraw.Draw(img)
    for y in range(720):
        t = y / 719
        draw.line([(0, y), (1280, y)], fill=(int(30 + 40 * t), int(40 + 80 * t), int(90 + 120 * t)))
    draw.polygon([(540, 470), (740, 470), (700, 520), (580, 520)], fill=(235, 235, 225))
    draw.polygon([(640, 360), (640, 470), (700, 470)], fill=(250, 250, 240))
    img.save(path, "PNG")
