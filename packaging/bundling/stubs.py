"""Stand-in shared libraries for codecs and back ends the app never calls.

PyAV's FFmpeg links x265, SVT-AV1, GnuTLS...; numpy links OpenBLAS; Qt's multimedia plugin links Qt Quick.
The app never encodes HEVC or AV1, opens no network URL with FFmpeg, multiplies no matrices and has no Qt
Quick window, but the dynamic loader wants every linked library present. A stub has the same soname and the
same symbol versions and defines exactly the symbols the bundle's other binaries import from the original.
A stub function stops the process with a message naming what is missing; the few that the importer calls
while it loads (FFmpeg registering its codecs, for one) return 0 instead, which the importer reads as "not
available". Data symbols are zero-filled blocks of the original's size.

Built at bundle time with the system's C compiler and binutils (`nm`, `readelf`).
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StubSpec:
    pattern: str  # fnmatch on the library's file name in the bundle
    reason: str  # why nothing we run calls into it; printed if something does
    returns_zero: tuple[str, ...] = ()  # functions called at load time: they answer 0 instead of stopping
    implemented: tuple[tuple[str, str], ...] = ()  # (symbol, C definition) for the few that must really work
    implement: Callable[[], tuple[tuple[str, str], ...]] | None = None  # the same, worked out at build time


@dataclass(frozen=True)
class Symbol:
    name: str
    version: str | None
    data_size: int | None  # None for a function


def _nm(args: list[str], path: Path) -> list[str]:
    out = subprocess.run(["nm", "-D", "--with-symbol-versions", *args, str(path)], capture_output=True, text=True,
                         check=True).stdout
    return out.splitlines()


def imported_names(importer: Path) -> set[str]:
    names = set()
    for line in _nm(["--undefined-only"], importer):
        parts = line.split()
        if len(parts) >= 2:
            names.add(parts[-1].split("@")[0])
    return names


def exported_symbols(library: Path) -> dict[str, Symbol]:
    symbols: dict[str, Symbol] = {}
    for line in _nm(["--defined-only", "-S"], library):
        parts = line.split()
        if len(parts) < 3 or parts[-2] in {"A", "a"}:
            continue  # version nodes show as absolute symbols
        kind = parts[-2]
        size = int(parts[1], 16) if len(parts) == 4 else 0
        name, _, tail = parts[-1].partition("@")
        data = kind in "DdBbRrVvGgSs"
        if name not in symbols or "@@" in parts[-1]:  # the default version wins over hidden old ones
            symbols[name] = Symbol(name, tail.lstrip("@") or None, max(size, 8) if data else None)
    return symbols


_VERNEED_FILE = re.compile(r"File:\s*(\S+)")
_VERNEED_NAME = re.compile(r"Name:\s*(\S+)")


def versions_needed(importer: Path, soname: str) -> set[str]:
    """Symbol versions `importer` requires from `soname` (even when it imports no symbol from it)."""
    out = subprocess.run(["readelf", "-V", "-W", str(importer)], capture_output=True, text=True, check=True).stdout
    needed: set[str] = set()
    current = None
    in_needs = False
    for line in out.splitlines():
        if "Version needs section" in line:
            in_needs = True
            continue
        if in_needs and line.startswith("Version") and "needs" not in line:
            in_needs = False
        if not in_needs:
            continue
        if (match := _VERNEED_FILE.search(line)) is not None:
            current = match.group(1)
        elif (match := _VERNEED_NAME.search(line)) is not None and current == soname:
            needed.add(match.group(1))
    return needed


def _c_source(library_name: str, spec: StubSpec, symbols: list[Symbol]) -> str:
    message = f"{library_name} is left out of getimg Studio's bundle ({spec.reason})"
    lines = [
        "#include <stdio.h>",
        "#include <stdlib.h>",
        "static void gone(const char *symbol) {",
        f'    fprintf(stderr, "getimg-studio: %s was called, but {_c_string(message)}\\n", symbol);',
        "    abort();",
        "}",
    ]
    own = dict(spec.implemented + (spec.implement() if spec.implement else ()))
    lines += ["#include <stdint.h>", *own.values()]
    for index, symbol in enumerate(symbols):
        label = f'__asm__("{symbol.name}")'
        if symbol.name in own:
            continue
        if symbol.data_size is not None:
            lines.append(f"__attribute__((aligned(16))) char s{index}[{symbol.data_size}] {label};")
        elif any(fnmatch.fnmatchcase(symbol.name, p) for p in spec.returns_zero):
            lines.append(f"void *s{index}(void) {label};\nvoid *s{index}(void) {{ return 0; }}")
        else:
            lines.append(f'void *s{index}(void) {label};\nvoid *s{index}(void) {{ gone("{symbol.name}"); return 0; }}')
    return "\n".join(lines) + "\n"


def _dot(name: str, real: str) -> tuple[str, str]:
    return name, (f"{real} {name}(int64_t n, const {real} *x, int64_t incx, const {real} *y, int64_t incy) {{\n"
                  "    double sum = 0;\n"
                  "    int64_t ix = incx < 0 ? (1 - n) * incx : 0, iy = incy < 0 ? (1 - n) * incy : 0;\n"
                  "    for (int64_t i = 0; i < n; i++, ix += incx, iy += incy) sum += (double)x[ix] * y[iy];\n"
                  f"    return ({real})sum;\n}}")


def _complex_dot(name: str, real: str, conjugate: bool) -> tuple[str, str]:
    sign = "-" if conjugate else ""
    return name, (f"void {name}(int64_t n, const void *xv, int64_t incx, const void *yv, int64_t incy, void *out) {{\n"
                  f"    const {real} *x = xv, *y = yv; {real} *r = out; double re = 0, im = 0;\n"
                  "    int64_t ix = incx < 0 ? (1 - n) * incx : 0, iy = incy < 0 ? (1 - n) * incy : 0;\n"
                  "    for (int64_t i = 0; i < n; i++, ix += incx, iy += incy) {\n"
                  f"        double a = x[2 * ix], b = {sign}x[2 * ix + 1], c = y[2 * iy], d = y[2 * iy + 1];\n"
                  "        re += a * c - b * d; im += a * d + b * c;\n    }\n"
                  f"    r[0] = ({real})re; r[1] = ({real})im;\n}}")


# numpy checks at import that a float32 dot product of ones is 2 (its guard against broken BLAS builds), and
# np.dot/np.vdot of vectors land here too: those are computed; matrix products and LAPACK stop the process.
OPENBLAS_DOTS = (
    _dot("scipy_cblas_sdot64_", "float"), _dot("scipy_cblas_ddot64_", "double"),
    _complex_dot("scipy_cblas_cdotu_sub64_", "float", False), _complex_dot("scipy_cblas_cdotc_sub64_", "float", True),
    _complex_dot("scipy_cblas_zdotu_sub64_", "double", False),
    _complex_dot("scipy_cblas_zdotc_sub64_", "double", True),
)


def avdevice_identity() -> tuple[tuple[str, str], ...]:
    """PyAV reads libavdevice's version, configuration and licence at import (av.library_versions): the stub
    answers with the real library's, taken from the PyAV that is being bundled."""
    import av._core

    meta = av._core.library_meta["libavdevice"]
    major, minor, micro = meta["version"]
    return (
        ("avdevice_register_all", "void avdevice_register_all(void) {}"),
        ("avdevice_version", f"unsigned avdevice_version(void) {{ return {(major << 16) | (minor << 8) | micro}u; }}"),
        ("avdevice_configuration",
         f'const char *avdevice_configuration(void) {{ return "{_c_string(meta["configuration"])}"; }}'),
        ("avdevice_license", f'const char *avdevice_license(void) {{ return "{_c_string(meta["license"])}"; }}'),
    )


def _c_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")


def _version_script(symbols: list[Symbol], versions: set[str]) -> str | None:
    named = sorted(versions | {s.version for s in symbols if s.version})
    if not named:
        return None
    nodes = []
    for i, version in enumerate(named):
        members = [s.name for s in symbols if s.version == version or (s.version is None and i == 0)]
        body = "".join(f" {name};" for name in members)
        local = " local: *;" if i == len(named) - 1 else ""
        nodes.append(f"{version} {{ global:{body or ' __getimg_stub_unused;'}{local} }};")
    return "\n".join(nodes) + "\n"


def build_stub(library: Path, soname: str, importers: Iterable[Path], spec: StubSpec, workdir: Path) -> Path:
    """Compile the stand-in for `library` into `workdir`; returns its path (named `soname`)."""
    importers = list(importers)
    wanted: set[str] = set()
    versions: set[str] = set()
    for importer in importers:
        wanted |= imported_names(importer)
        versions |= versions_needed(importer, soname)
    exported = exported_symbols(library)
    symbols = [exported[name] for name in sorted(wanted & exported.keys())]
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"{soname}.c"
    source.write_text(_c_source(library.name, spec, symbols), encoding="utf-8")
    command = ["gcc", "-shared", "-fPIC", "-O1", "-s", "-o", str(workdir / soname), str(source),
               f"-Wl,-soname,{soname}", "-Wl,-z,noexecstack", "-Wl,-z,relro", "-Wl,-z,now",
               "-Wl,--no-as-needed", "-lc"]  # a shared library names libc even when it uses little of it
    script = _version_script(symbols, versions)
    if script is not None:
        (workdir / f"{soname}.map").write_text(script, encoding="utf-8")
        command.append(f"-Wl,--version-script={workdir / f'{soname}.map'}")
    subprocess.run(command, check=True, capture_output=True, text=True)
    return workdir / soname
