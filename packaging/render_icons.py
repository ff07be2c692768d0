"""Render resources/getimg-studio.svg to the PNG sizes desktops and PyInstaller want.

Run it after changing the SVG and commit the PNGs: the wheel, the bundle and the desktop entry ship the
rendered files, so nothing at install or start-up needs an SVG renderer.

    .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SVG = RESOURCES / "getimg-studio.svg"


def png_path(size: int) -> Path:
    return RESOURCES / f"getimg-studio-{size}.png"


def render(svg: Path = SVG, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    # Rendering needs a QGuiApplication but never a screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    written: list[Path] = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        target = png_path(size)
        if not image.save(str(target)):  # the .png suffix picks the format
            raise SystemExit(f"cannot write {target}")
        written.append(target)
    del app
    return written


def main() -> int:
    for path in render():
        print(path.relative_to(RESOURCES.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
