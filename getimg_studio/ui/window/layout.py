"""Where the window opens and how its width is shared out: fitted to the screen it is on, never beyond it.

Plain arithmetic on rectangles and widths, so it is tested without a screen. A small screen (1280x720,
or 1920x1080 at 2x, which is 960x540 to Qt) gets the whole available area; a large one the preferred
size, centred. A remembered geometry is Qt's to restore (restoreGeometry pulls it onto a screen).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect

PREFERRED = (1440, 900)
MARGIN = 40  # room left around the preferred size before the window simply fills the screen
SHARES = (0.32, 0.40, 0.28)  # compose, player, queue: the player gets what is left over


def fitted_geometry(available: QRect) -> QRect | None:
    """Where a first start opens on a screen whose available area is `available`: the preferred size,
    centred, or None for "maximised" when the screen has no room for it (the window manager then fits
    the frame, title bar included, to the screen)."""
    width, height = PREFERRED
    if available.width() < width + MARGIN or available.height() < height + MARGIN:
        return None
    return QRect(available.left() + (available.width() - width) // 2,
                 available.top() + (available.height() - height) // 2, width, height)


def split_widths(total: int, minimums: Sequence[int], shown: Sequence[bool],
                 shares: Sequence[float] = SHARES) -> list[int]:
    """Widths for the splitter's panels (0 for a hidden one), each at least its minimum when it fits."""
    weights = [share if on else 0.0 for share, on in zip(shares, shown, strict=True)]
    if not any(weights):
        return [0 for _ in weights]
    scale = sum(weights)
    sizes = [max(minimum, round(total * weight / scale)) if weight else 0
             for minimum, weight in zip(minimums, weights, strict=True)]
    excess = sum(sizes) - total
    # Too wide: take the excess from whoever is above its minimum, the widest first.
    for index in sorted(range(len(sizes)), key=lambda i: sizes[i], reverse=True):
        if excess <= 0:
            break
        if sizes[index]:
            give = min(excess, sizes[index] - minimums[index])
            sizes[index] -= give
            excess -= give
    return sizes
