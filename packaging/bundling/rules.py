"""What the bundle leaves out, and why: the one list the spec applies and the README's table is made from.

PyInstaller's hooks collect every Qt plugin of a module and every library a collected file links against.
These rules take out what getimg Studio never loads, in three ways:
- EXCLUDED: files dropped by name (plugins for embedded screens, Qt Quick's keyboard, PDF...);
- STUBS: libraries replaced by stand-ins (stubs.py) because something we keep links them, though nothing we
  run calls them (x265, OpenBLAS...);
- the system's own libraries (glibc's friends, X11, GLib, OpenSSL 3...) are left to the system: the .deb
  depends on their packages and the .tar.gz needs a desktop Linux (README).
Then whatever no kept binary needs any more (Qt Pdf, once its image plugin is gone) is dropped as well.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .stubs import OPENBLAS_DOTS, StubSpec, avdevice_identity

PLUGINS = "PySide6/Qt/plugins"


@dataclass(frozen=True)
class Rule:
    label: str
    reason: str
    patterns: tuple[str, ...] = ()

    def matches(self, dest: str) -> bool:
        return any(fnmatch.fnmatchcase(dest, pattern) for pattern in self.patterns)


EXCLUDED: tuple[Rule, ...] = (
    Rule("Qt platforms for embedded screens and test rigs",
         "a desktop session is X11 (xcb) or Wayland; headless runs and the self-check use offscreen",
         tuple(f"{PLUGINS}/platforms/libq{name}.so" for name in
               ("eglfs", "linuxfb", "minimal", "minimalegl", "vnc", "vkkhrdisplay"))),
    Rule("EGLFS device integrations and evdev/TUIO input",
         "only used by the eglfs/linuxfb platforms above, on machines without a window system",
         (f"{PLUGINS}/egldeviceintegrations/*", f"{PLUGINS}/generic/*")),
    Rule("Qt Virtual Keyboard",
         "a Qt Quick on-screen keyboard for kiosks; desktops bring their own (ibus and compose input stay)",
         (f"{PLUGINS}/platforminputcontexts/libqtvirtualkeyboardplugin.so",)),
    Rule("PDF, ICNS, TGA, WBMP and ICO image readers",
         "the app reads PNG, JPEG, GIF, WebP, BMP, TIFF and SVG (frames, thumbnails, icons); the PDF reader "
         "alone pulls in Qt Pdf",
         tuple(f"{PLUGINS}/imageformats/libq{name}.so" for name in ("pdf", "icns", "tga", "wbmp", "ico"))),
    Rule("Qt network information and TLS back ends",
         "the app's HTTP goes through httpx and Python's ssl; nothing asks QtNetwork for TLS or link state",
         (f"{PLUGINS}/networkinformation/*", f"{PLUGINS}/tls/*")),
    Rule("Wayland compositor-side and special-purpose shells",
         "desktop compositors speak xdg-shell (kept, with the Wayland EGL and decoration plugins); these serve "
         "Qt's own compositor, in-vehicle (IVI) and fullscreen-only shells",
         tuple(f"{PLUGINS}/wayland-shell-integration/lib{name}.so" for name in
               ("fullscreen-shell-v1", "ivi-shell", "qt-shell", "wl-shell-plugin"))
         + tuple(f"{PLUGINS}/wayland-graphics-integration-client/lib{name}.so" for name in
                 ("dmabuf-server", "drm-egl-server", "shm-emulation-server", "vulkan-server"))),
    Rule("Qt's own copy of FFmpeg",
         "Qt's multimedia plugin runs on PyAV's FFmpeg, the same 7.1 ABI (one FFmpeg, not two)",
         ("libavcodec.so.61", "libavformat.so.61", "libavutil.so.59", "libswresample.so.5", "libswscale.so.8",
          "libQt6FFmpegStub-*")),
    Rule("Qt's translations",
         "the app's text is English and it installs no QTranslator: Qt's own strings are never looked up",
         ("PySide6/Qt/translations/*",)),
    Rule("Python bindings of Qt modules the app does not import",
         "Qt links these libraries (kept) but the app imports none of their Python modules (notifications use "
         "QSystemTrayIcon, not QtDBus)",
         ("PySide6/QtOpenGL.*", "PySide6/QtOpenGLWidgets.*", "PySide6/QtConcurrent.*", "PySide6/QtDBus.*")),
    Rule("Python's CJK codecs",
         "Shift JIS, GB 18030, Big5, EUC-KR...: the API speaks UTF-8 JSON and every other file is media",
         tuple(f"python3.11/lib-dynload/{name}.*" for name in
               ("_codecs_jp", "_codecs_kr", "_codecs_cn", "_codecs_tw", "_codecs_hk", "_codecs_iso2022",
                "_multibytecodec"))),
    Rule("numpy's random and FFT extensions",
         "numpy loads them on first use and nothing in the app or the simulator uses them",
         ("numpy/random/*", "numpy/fft/*", "numpy/_core/_multiarray_tests.*")),
    Rule("Pillow's Tk bridge", "the app has no Tk (tkinter is left out too)", ("PIL/_imagingtk.*",)),
    Rule("Pillow's AVIF codec",
         "libavif with its own AV1 coders; frames from AVIF files are the rare case (PNG, JPEG and WebP go to "
         "the API as they are; GIF, BMP and TIFF are converted)",
         ("PIL/_avif.*", "libavif-*")),
)

# Qt's multimedia plugin is linked against these sonames; PyAV's copies (renamed by auditwheel) provide them.
FFMPEG_ALIASES: dict[str, str] = {
    "libavcodec.so.61": "libavcodec-*.so.61.*",
    "libavformat.so.61": "libavformat-*.so.61.*",
    "libavutil.so.59": "libavutil-*.so.59.*",
    "libswresample.so.5": "libswresample-*.so.5.*",
    "libswscale.so.8": "libswscale-*.so.8.*",
}

STUBS: tuple[StubSpec, ...] = (
    StubSpec("libx265-*", "the app never encodes HEVC", returns_zero=("x265_api_get_*",)),
    StubSpec("libSvtAv1Enc-*", "the app never encodes AV1"),
    StubSpec("libaom-*", "the app never encodes AV1 and decodes AV1 with dav1d",
             returns_zero=("aom_codec_av1_*", "aom_codec_get_caps", "aom_codec_version*")),
    StubSpec("libopenh264-*", "a second H.264 coder: the app encodes with x264 and decodes with FFmpeg's own"),
    StubSpec("libvorbis-*", "the app never encodes Vorbis; FFmpeg decodes it itself"),
    StubSpec("libvorbisenc-*", "the app never encodes Vorbis; FFmpeg decodes it itself"),
    StubSpec("libmp3lame-*", "the app never encodes MP3; FFmpeg decodes it itself"),
    StubSpec("libtwolame-*", "the app never encodes MPEG-1 Layer II audio"),
    StubSpec("libopencore-amr*", "AMR speech codecs for phone recordings; FFmpeg decodes AMR itself"),
    StubSpec("libspeex-*", "Speex speech audio, found in no video the app makes or plays"),
    StubSpec("libavdevice-*", "FFmpeg's capture devices (ALSA, X11 screen grabs); the app reads and writes files",
             implement=avdevice_identity),
    StubSpec("libxcb-*", "Pillow's screen grab (ImageGrab) on X11, which the app never uses; Qt's xcb uses the "
             "system's libxcb"),
    StubSpec("libgnutls-*", "FFmpeg opens no network URL in the app: clips are local files",
             returns_zero=("gnutls_global_init", "gnutls_global_deinit", "gnutls_check_version")),
    StubSpec("libsrt-*", "FFmpeg opens no network URL in the app: clips are local files",
             returns_zero=("srt_startup", "srt_cleanup")),
    StubSpec("libgmp-*", "FFmpeg's RTMPE handshake is its only user; clips are local files"),
    StubSpec("libscipy_openblas*", "numpy's matrix products and linear algebra (OpenBLAS); the simulator's "
             "rendering is element-wise, and the vector dot products numpy checks at import are computed by the stub",
             implemented=OPENBLAS_DOTS),
    StubSpec("libQt6Quick.so.6", "Qt's multimedia plugin grabs Qt Quick windows for screen capture; the app has "
             "no Qt Quick window and records no screen"),
    StubSpec("libQt6Qml.so.6", "linked by Qt's multimedia plugin without any symbol used"),
)

SYSTEM = Rule("system libraries",
              "the distribution's own: the .deb depends on their packages (dpkg-shlibdeps), the .tar.gz expects "
              "a desktop Linux; bundling them breaks GPU drivers that need a newer libstdc++ or GLib")
UNREACHABLE = Rule("needed only by what was left out",
                   "no binary left in the bundle links against it")
STUBBED = Rule("replaced by a stub", "")


@dataclass(frozen=True)
class Entry:
    dest: str  # path inside the bundle's _internal/
    src: str
    kind: str  # PyInstaller's typecode: BINARY, EXTENSION, DATA...


@dataclass(frozen=True)
class Dropped:
    entry: Entry
    size: int
    rule: Rule


def is_system(src: str, environments: Sequence[str]) -> bool:
    return not any(src.startswith(prefix) for prefix in environments)


def _basename(dest: str) -> str:
    return dest.rsplit("/", 1)[-1]


def unreachable(entries: Iterable[Entry], needed_of: Callable[[Entry], Sequence[str]],
                roots: Callable[[Entry], bool]) -> set[str]:
    """Dests of shared libraries that no root links against, directly or through other kept libraries."""
    libraries = {_basename(e.dest): e for e in entries if e.kind == "BINARY" and not roots(e)}
    reached: set[str] = set()
    todo = [e for e in entries if roots(e)]
    while todo:
        entry = todo.pop()
        for name in needed_of(entry):
            if name in FFMPEG_ALIASES:  # Qt's plugin names PyAV's FFmpeg by its plain soname
                name = next((n for n in libraries if fnmatch.fnmatchcase(n, FFMPEG_ALIASES[name])), name)
            if name in libraries and name not in reached:
                reached.add(name)
                todo.append(libraries[name])
    return {e.dest for name, e in libraries.items() if name not in reached}


def is_root(entry: Entry) -> bool:
    """What is loaded by name rather than linked: Python extensions, Qt plugins, the interpreter itself."""
    return (entry.kind in {"EXTENSION", "EXECUTABLE"} or entry.dest.startswith(PLUGINS + "/")
            or _basename(entry.dest).startswith("libpython"))


def size_of(entry: Entry) -> int:
    path = Path(entry.src)
    return path.stat().st_size if path.is_file() else 0


def report(dropped: Sequence[Dropped]) -> str:
    """The table build.sh prints: one line per rule with what it dropped, largest first."""
    by_rule: dict[str, tuple[Rule, list[Dropped]]] = {}
    for item in dropped:
        by_rule.setdefault(item.rule.label, (item.rule, []))[1].append(item)
    rows = sorted(by_rule.values(), key=lambda row: -sum(d.size for d in row[1]))
    lines = [f"{'MB':>7}  {'files':>5}  what (why)"]
    for rule, items in rows:
        names = ", ".join(sorted({_basename(d.entry.dest) for d in items})[:6])
        more = "" if len(items) <= 6 else f", ... ({len(items)} files)"
        lines.append(f"{sum(d.size for d in items) / 1e6:7.1f}  {len(items):5d}  {rule.label}: {names}{more}"
                     + (f" ({rule.reason})" if rule.reason else ""))
    lines.append(f"{sum(d.size for d in dropped) / 1e6:7.1f}  {len(dropped):5d}  in all")
    return "\n".join(lines)
