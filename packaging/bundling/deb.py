"""Builds dist/getimg-studio_<version>_amd64.deb from the bundle with Debian's own tools.

    python packaging/bundling/deb.py [--lintian]

The bundle goes to /usr/lib/getimg-studio/, the launcher to /usr/bin/getimg-studio (a link to it), the menu
entry, the hicolor icons and the AppStream metainfo to /usr/share. The libraries the bundle leaves to the
system become the package's Depends through dpkg-shlibdeps (run over every binary of the bundle), so
`apt install ./getimg-studio_*.deb` pulls them in. dpkg-deb writes the package with root-owned files.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import textwrap
import tomllib
from datetime import UTC, datetime
from pathlib import Path

if __package__ in {None, ""}:  # run as a script: make `bundling` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bundling import elf

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
BUNDLE = ROOT / "dist" / "getimg-studio"
NAME = "getimg-studio"
APP_DIR = f"usr/lib/{NAME}"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
MAINTAINER = "getimg Studio contributors <studio@getimg.invalid>"
# Plugins whose libraries the system may not have: Qt skips a plugin it cannot load, so their packages are
# recommendations, not dependencies (GTK 3 for the GTK theme and file dialogs).
OPTIONAL_PLUGINS = ("PySide6/Qt/plugins/platformthemes/libqgtk3.so",)
RECOMMENDS = ("libgtk-3-0t64 | libgtk-3-0", "gnome-keyring | keepassxc")  # keepassxc: a Secret Service too
SUMMARY = "make short videos with the getimg.ai API"
DESCRIPTION = """\
 getimg Studio is a desktop app for creators who make short videos with the
 getimg.ai API: write a prompt, set what the model allows, add first, last or
 reference frames, see the cost before submitting, and follow each generation
 in a live queue until the finished clip plays in the app.
 .
 A demo mode runs the whole workflow offline, without an API key, against a
 built-in simulator of the API that renders real videos."""


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def _install(src: Path, dest: Path, mode: int = 0o644) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(mode)


def _gzip(text: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    # mtime 0 and no file name inside: the same input makes the same package (lintian checks this too)
    with dest.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as fh:
        fh.write(text.encode("utf-8"))
    dest.chmod(0o644)


def stage(root: Path, ver: str) -> None:
    """Lays out the package's files under `root`."""
    if root.exists():
        shutil.rmtree(root)
    app = root / APP_DIR
    shutil.copytree(BUNDLE, app, symlinks=True)
    for path in app.rglob("*"):  # dpkg-deb keeps modes as they are: make them what policy wants
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.name == NAME or (elf.is_elf(path) and ".so" not in path.name)
        path.chmod(0o755 if executable else 0o644)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin" / NAME).symlink_to(f"../lib/{NAME}/{NAME}")
    share = root / "usr/share"
    _install(PACKAGING / f"{NAME}.desktop", share / "applications" / f"{NAME}.desktop")
    _install(PACKAGING / "io.getimg.Studio.metainfo.xml", share / "metainfo" / "io.getimg.Studio.metainfo.xml")
    resources = ROOT / "resources"
    _install(resources / f"{NAME}.svg", share / "icons/hicolor/scalable/apps" / f"{NAME}.svg")
    for size in ICON_SIZES:
        _install(resources / f"{NAME}-{size}.png", share / f"icons/hicolor/{size}x{size}/apps/{NAME}.png")
    doc = share / "doc" / NAME
    _install(PACKAGING / "debian" / "copyright", doc / "copyright")
    _gzip(changelog(ver), doc / "changelog.gz")
    _gzip((PACKAGING / "debian" / f"{NAME}.1").read_text(encoding="utf-8"), share / "man/man1" / f"{NAME}.1.gz")
    _install(PACKAGING / "debian" / "lintian-overrides", share / "lintian/overrides" / NAME)
    for path in root.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def changelog(ver: str) -> str:
    """A Debian changelog entry for this version, dated by the metainfo's release date."""
    import xml.etree.ElementTree as ET

    releases = ET.parse(PACKAGING / "io.getimg.Studio.metainfo.xml").getroot().findall("releases/release")
    release = next((r for r in releases if r.get("version") == ver), None)
    if release is None:
        raise SystemExit(f"error: the metainfo lists no release {ver} (pyproject's version)")
    when = datetime.strptime(release.get("date", ""), "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
    text = " ".join((release.findtext("description/p") or "Release.").split())
    entry = textwrap.fill(text, width=78, initial_indent="  * ", subsequent_indent="    ")
    return (f"{NAME} ({ver}) unstable; urgency=medium\n\n{entry}\n\n"
            f" -- {MAINTAINER}  {when.strftime('%a, %d %b %Y %H:%M:%S %z')}\n")


def depends(root: Path) -> str:
    """dpkg-shlibdeps over every ELF file of the bundle, bundled libraries counted as private."""
    app = root / APP_DIR
    optional = {app / "_internal" / p for p in OPTIONAL_PLUGINS}
    binaries = [p for p in sorted(app.rglob("*")) if p.is_file() and not p.is_symlink() and elf.is_elf(p)
                and p not in optional]
    work = root.parent / "shlibdeps"
    (work / "debian").mkdir(parents=True, exist_ok=True)
    (work / "debian" / "control").write_text(f"Source: {NAME}\n\nPackage: {NAME}\nArchitecture: amd64\n",
                                             encoding="utf-8")
    private = sorted({str(p.parent) for p in binaries})
    out = subprocess.run(["dpkg-shlibdeps", "-O", *(f"-l{d}" for d in private), *map(str, binaries)],
                         cwd=work, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"error: dpkg-shlibdeps failed:\n{out.stderr}")
    line = next(x for x in out.stdout.splitlines() if x.startswith("shlibs:Depends="))
    return line.split("=", 1)[1]


def control(root: Path, ver: str, deps: str) -> str:
    size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    return (f"Package: {NAME}\nVersion: {ver}\nArchitecture: amd64\nMaintainer: {MAINTAINER}\n"
            f"Installed-Size: {size_kib}\nDepends: {deps}\nRecommends: {', '.join(RECOMMENDS)}\n"
            f"Section: video\nPriority: optional\nHomepage: https://getimg.ai\n"
            f"Description: {SUMMARY}\n{DESCRIPTION}\n")


def md5sums(root: Path) -> str:
    import hashlib

    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.relative_to(root).parts:
            lines.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def build(out_dir: Path) -> Path:
    ver = version()
    if not (BUNDLE / NAME).is_file():
        raise SystemExit(f"error: no bundle at {BUNDLE}: run packaging/build.sh first")
    root = ROOT / "build" / "deb" / "root"
    stage(root, ver)
    (root / "DEBIAN").mkdir()  # before dpkg-shlibdeps: it marks what lies under it as the package's own
    deps = depends(root)
    (root / "DEBIAN" / "control").write_text(control(root, ver, deps), encoding="utf-8")
    (root / "DEBIAN" / "md5sums").write_text(md5sums(root), encoding="utf-8")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{NAME}_{ver}_amd64.deb"
    # xz at level 0: 62 MB in half a minute on two busy cores, where level 1 takes a minute for 59 MB and the
    # default, 6, three minutes for 54 MB. (zstd is quicker still, but lintian calls a zstd .deb malformed.)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z0", "--build", str(root), str(target)],
                   check=True, capture_output=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    target = build(args.out)
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
