"""What the screenshot scripts share: the command line, one qasync loop per run, and screen grabs.

Grabs come from the screen, not QWidget.grab(): the playing video and popup menus are separate native
surfaces that a widget grab leaves blank. Run the scripts under `xvfb-run -a -s "-screen 0 1600x1000x24"`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Coroutine, Iterable, Mapping
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


# (label, screen "WxH", extra environment): one run of a script under its own Xvfb screen
XvfbRun = tuple[str, str, Mapping[str, str]]


def drive_xvfb(script: str, runs: Iterable[XvfbRun], only: str | None, *, timeout: float = 600) -> int:
    """Each run in a fresh Xvfb of its screen's size (real windows, xcb), running `script --one LABEL`,
    without the developer's API key unless the run's environment gives one. Returns 1 if any failed."""
    if shutil.which("xvfb-run") is None:
        raise SystemExit("xvfb-run is missing: apt-get install xvfb xauth")
    (ROOT / "docs" / "screenshots").mkdir(parents=True, exist_ok=True)
    failed = 0
    for label, screen, extra in runs:
        if only and only != label:
            continue
        env = dict(os.environ, QT_QPA_PLATFORM="xcb", QT_API="pyside6", QT_LOGGING_RULES="qt.multimedia.*=false")
        env.pop("GETIMG_API_KEY", None)
        env.update(extra)
        cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", sys.executable, script, "--one", label]
        print(f"{label}: ", end="", flush=True)
        failed += subprocess.run(cmd, env=env, cwd=ROOT, timeout=timeout, check=False).returncode != 0
    return 1 if failed else 0


def xvfb_main(doc: str | None, only_help: str, drive: Callable[[str | None], int],
              one: Callable[[str], int]) -> int:
    """The scripts' command line: `--only LABEL` (or every run) drives Xvfb; `--one LABEL` is one run inside."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0] if doc else None)
    parser.add_argument("--only", help=only_help)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return one(args.one)
    return drive(args.only)


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
