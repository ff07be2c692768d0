"""Where the app's bundled files (icons, styles) are, whether it runs from a checkout, a wheel or a bundle.

The top-level resources/ folder ships as the package `getimg_studio.resources` (see pyproject.toml), so
importlib.resources finds it in all three cases: in a checkout through the editable install's mapping,
in a wheel as package data, and in a PyInstaller bundle because the spec copies it to the same place.
A bare checkout that was never installed (`python -m getimg_studio` from the repository) has no such
mapping, so the repository's own resources/ folder is the fallback there.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

PACKAGE = "getimg_studio.resources"
APP_ICON = "getimg-studio.svg"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resource(name: str) -> Path:
    """The file `name` (e.g. "getimg-studio.svg") among the app's resources, as a real path.

    Raises FileNotFoundError naming the file when it is missing: a broken install should say what it lacks.
    """
    try:
        root = files(PACKAGE)
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parent.parent / "resources" / name
        if checkout.is_file():
            return checkout
        raise FileNotFoundError(f"resource {name!r}: the package {PACKAGE} is not installed") from None
    traversable = root.joinpath(name)
    if not traversable.is_file():
        raise FileNotFoundError(f"resource {name!r} is missing from {PACKAGE}")
    if isinstance(traversable, Path):
        return traversable
    # Only zip imports give a non-filesystem Traversable; no install of ours does, but stay correct if one does.
    with as_file(traversable) as path:
        return Path(path)


def icon_png(size: int) -> Path:
    """The app icon rendered at `size` px (one of ICON_SIZES)."""
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; sizes are {ICON_SIZES}")
    return resource(f"getimg-studio-{size}.png")
