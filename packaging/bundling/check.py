"""Checks a built bundle: what the app needs is there, what only the tests need is not, every binary's
libraries resolve, and it fits its size budget. packaging/build.sh --check runs it before the self-check.

    python packaging/bundling/check.py dist/getimg-studio

Exit 0 and a one-line summary, or exit 1 naming every problem.
"""

from __future__ import annotations

import argparse
import fnmatch
import subprocess
import sys
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make `bundling` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bundling import elf
from bundling.rules import EXCLUDED, FFMPEG_ALIASES, PLUGINS

MB = 1_000_000
BUDGET_UNPACKED = 180 * MB
BUDGET_TAR_GZ = 80 * MB

# Paths under _internal/ the app loads at run time, by feature. Globs match auditwheel's hashed names.
REQUIRED: dict[str, tuple[str, ...]] = {
    "X11, Wayland and headless windows": (
        f"{PLUGINS}/platforms/libqxcb.so", f"{PLUGINS}/platforms/libqwayland.so",
        f"{PLUGINS}/platforms/libqoffscreen.so", f"{PLUGINS}/xcbglintegrations/libqxcb-glx-integration.so",
        f"{PLUGINS}/xcbglintegrations/libqxcb-egl-integration.so",
        f"{PLUGINS}/wayland-shell-integration/libxdg-shell.so",
        f"{PLUGINS}/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
        f"{PLUGINS}/wayland-decoration-client/libadwaita.so", "libQt6XcbQpa.so.6", "libQt6WaylandClient.so.6"),
    "desktop integration": (
        f"{PLUGINS}/platformthemes/libqxdgdesktopportal.so", f"{PLUGINS}/platformthemes/libqgtk3.so",
        f"{PLUGINS}/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        f"{PLUGINS}/platforminputcontexts/libibusplatforminputcontextplugin.so", "libQt6DBus.so.6"),
    "images and icons": (
        f"{PLUGINS}/imageformats/libqjpeg.so", f"{PLUGINS}/imageformats/libqgif.so",
        f"{PLUGINS}/imageformats/libqwebp.so", f"{PLUGINS}/imageformats/libqsvg.so",
        f"{PLUGINS}/imageformats/libqtiff.so", f"{PLUGINS}/iconengines/libqsvgicon.so", "libQt6Svg.so.6",
        "PySide6/QtSvg.abi3.so", "getimg_studio/resources/getimg-studio.svg",
        "getimg_studio/resources/getimg-studio-256.png"),
    "the player": (
        f"{PLUGINS}/multimedia/libffmpegmediaplugin.so", "libQt6Multimedia.so.6", "libQt6MultimediaWidgets.so.6",
        "PySide6/QtMultimedia.abi3.so", "PySide6/QtMultimediaWidgets.abi3.so", *FFMPEG_ALIASES),
    "the Spending charts": ("libQt6Charts.so.6", "PySide6/QtCharts.abi3.so", "libQt6OpenGLWidgets.so.6"),
    "rendering and exports (PyAV)": (
        "libavcodec-*", "libavformat-*", "libavfilter-*", "libswscale-*", "libswresample-*", "libx264-*",
        "libvpx-*", "libopus-*", "libwebp-*", "libwebpmux-*", "libdav1d-*", "av/_core.*"),
    "text (ICU)": ("libicudata.so.*", "libicuuc.so.*", "libicui18n.so.*"),
}
# Python packages only the checks use: none may reach the bundle, as files or inside its module archive.
TEST_ONLY = ("pytest", "_pytest", "pytestqt", "pytest_timeout", "hypothesis", "keyrings", "mypy", "ruff",
             "PyInstaller", "pluggy", "pygments", "iniconfig", "sortedcontainers", "altgraph")
# Libraries a plugin may lack on a given system; Qt then skips the plugin (the .deb recommends them).
OPTIONAL_LIBS = ("libgtk-3.so.0", "libgdk-3.so.0")


def missing(internal: Path) -> list[str]:
    names = {p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.is_file() or p.is_symlink()}
    out = []
    for feature, patterns in REQUIRED.items():
        out += [f"{pattern} ({feature})" for pattern in patterns if not fnmatch.filter(names, pattern)]
    return out


def excluded_but_required() -> list[str]:
    """A rule that would drop a required file: caught here, before any build. (Qt's FFmpeg sonames are
    dropped on purpose: link_aliases makes them links to PyAV's.)"""
    return [f"{pattern}: dropped by '{rule.label}'" for rule in EXCLUDED
            for patterns in REQUIRED.values() for pattern in patterns
            if rule.matches(pattern) and pattern not in FFMPEG_ALIASES]


def test_only(internal: Path, module_names: list[str]) -> list[str]:
    found = [p.name for p in internal.iterdir() if p.name.split("-")[0].split(".")[0] in TEST_ONLY]
    found += sorted({name.split(".")[0] for name in module_names if name.split(".")[0] in TEST_ONLY})
    return found


def _system_libraries() -> set[str]:
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}


def unresolved(internal: Path, system: set[str] | None = None) -> list[str]:
    """Every DT_NEEDED of every binary resolves inside the bundle or on this system."""
    system = _system_libraries() if system is None else system
    local = {p.name for p in internal.rglob("*") if p.is_file() or p.is_symlink()}
    problems = []
    for path in sorted(internal.rglob("*")):
        if not path.is_file() or path.is_symlink() or not elf.is_elf(path):
            continue
        for name in elf.dynamic(path).needed:
            if name not in local and name not in system and name not in OPTIONAL_LIBS:
                problems.append(f"{path.relative_to(internal)} needs {name}, which is nowhere")
    return problems


def _modules(bundle: Path) -> list[str]:
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(bundle / bundle.name))
    return list(archive.open_embedded_archive("PYZ.pyz").toc)


def size(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def check(bundle: Path, tarball: Path | None = None) -> list[str]:
    internal = bundle / "_internal"
    problems = [f"missing: {m}" for m in missing(internal)]
    problems += excluded_but_required()
    problems += [f"test-only package in the bundle: {name}" for name in test_only(internal, _modules(bundle))]
    problems += unresolved(internal)
    if (total := size(bundle)) > BUDGET_UNPACKED:
        problems.append(f"the bundle is {total / MB:.1f} MB, over its {BUDGET_UNPACKED / MB:.0f} MB budget")
    if tarball is not None and (packed := tarball.stat().st_size) > BUDGET_TAR_GZ:
        problems.append(f"{tarball.name} is {packed / MB:.1f} MB, over its {BUDGET_TAR_GZ / MB:.0f} MB budget")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--tarball", type=Path)
    args = parser.parse_args(argv)
    problems = check(args.bundle, args.tarball)
    for problem in problems:
        print(f"bundle check: {problem}", file=sys.stderr)
    if problems:
        return 1
    packed = f", {args.tarball.stat().st_size / MB:.1f} MB as {args.tarball.name}" if args.tarball else ""
    print(f"bundle check ok: {sum(len(p) for p in REQUIRED.values())} required files, no test packages, "
          f"every library resolves, {size(args.bundle) / MB:.1f} MB{packed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
