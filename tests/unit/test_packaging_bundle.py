"""The bundle's slimming rules and its checker: what the app needs can neither be dropped nor go missing
unnoticed, and the stand-in libraries behave as their docstring says (answer 0, compute, or stop loudly).

The bundle itself is built and checked by `packaging/build.sh --check` in the test command; these tests
run the same code on small inputs made here, with real Qt and PyAV binaries from the environment.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import getimg_studio

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))  # packaging/ is no package: its tools import as `bundling`
from bundling import appstream, check, deb, elf, rules, stubs  # noqa: E402

SITE = Path(next(p for p in sys.path if p.endswith("site-packages") and (Path(p) / "PySide6").is_dir()))
QT_PLUGINS = SITE / "PySide6" / "Qt" / "plugins"
AV_LIBS = SITE / "av.libs"
METAINFO = ROOT / "packaging" / "io.getimg.Studio.metainfo.xml"


def _sample(pattern: str) -> str:
    return pattern.replace("*", "0")


def _fake_bundle(internal: Path) -> None:
    for patterns in check.REQUIRED.values():
        for pattern in patterns:
            path = internal / _sample(pattern)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")


def _needs_tools(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: scripts/bootstrap.sh test installs it (gcc, binutils)")


def test_no_rule_drops_a_file_the_app_needs() -> None:
    assert check.excluded_but_required() == []
    for spec in rules.STUBS:  # a stand-in for a required library would pass the file check and break the app
        required = [p for patterns in check.REQUIRED.values() for p in patterns]
        assert not [p for p in required if fnmatch.fnmatchcase(_sample(p), spec.pattern)], spec.pattern


def test_a_missing_qt_plugin_fails_the_bundle_check(tmp_path: Path) -> None:
    internal = tmp_path / "_internal"
    _fake_bundle(internal)
    assert check.missing(internal) == []
    (internal / rules.PLUGINS / "platforms" / "libqxcb.so").unlink()
    (internal / "libQt6Charts.so.6").unlink()
    assert check.missing(internal) == [
        f"{rules.PLUGINS}/platforms/libqxcb.so (X11, Wayland and headless windows)",
        "libQt6Charts.so.6 (the Spending charts)",
    ]


def test_a_library_nothing_provides_fails_the_bundle_check(tmp_path: Path) -> None:
    internal = tmp_path / "_internal"
    plugin = internal / rules.PLUGINS / "platforms" / "libqxcb.so"
    plugin.parent.mkdir(parents=True)
    shutil.copyfile(QT_PLUGINS / "platforms" / "libqxcb.so", plugin)
    needed = elf.dynamic(plugin).needed
    assert "libQt6XcbQpa.so.6" in needed
    everything_else = set(needed) - {"libQt6XcbQpa.so.6"}
    assert check.unresolved(internal, system=everything_else) == [
        f"{rules.PLUGINS}/platforms/libqxcb.so needs libQt6XcbQpa.so.6, which is nowhere"]
    (internal / "libQt6XcbQpa.so.6").write_bytes(b"")
    assert check.unresolved(internal, system=everything_else) == []


def test_test_only_packages_are_found_as_files_and_as_modules(tmp_path: Path) -> None:
    (tmp_path / "pytest").mkdir()
    (tmp_path / "numpy").mkdir()
    found = check.test_only(tmp_path, ["keyrings.alt.file", "keyring.backends.SecretService", "getimg_studio.app"])
    assert found == ["pytest", "keyrings"]


def test_elf_reader_agrees_with_readelf() -> None:
    _needs_tools("readelf")
    library = QT_PLUGINS / "platforms" / "libqxcb.so"
    out = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True, check=True).stdout
    listed = [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]
    assert list(elf.dynamic(library).needed) == listed


def test_libraries_only_excluded_parts_need_are_dropped() -> None:
    entries = [rules.Entry("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", "", "BINARY"),
               rules.Entry("libQt6Quick.so.6", "", "BINARY"), rules.Entry("libQt6QmlModels.so.6", "", "BINARY"),
               rules.Entry("libavcodec-1.so.61.19.101", "", "BINARY"), rules.Entry("libQt6Pdf.so.6", "", "BINARY")]
    links = {"PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so": ("libQt6Quick.so.6", "libavcodec.so.61"),
             "libQt6Quick.so.6": ("libQt6QmlModels.so.6",)}

    def needed(entry: rules.Entry) -> tuple[str, ...]:
        # the Quick stub is a leaf: what only Quick linked (QmlModels) goes with it
        return () if entry.dest == "libQt6Quick.so.6" else links.get(entry.dest, ())

    assert rules.unreachable(entries, needed, rules.is_root) == {"libQt6QmlModels.so.6", "libQt6Pdf.so.6"}


def _run_c(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)


def test_x265_stand_in_answers_zero_where_ffmpeg_probes_it(tmp_path: Path) -> None:
    _needs_tools("gcc", "nm", "readelf")
    x265 = next(AV_LIBS.glob("libx265-*"))
    spec = next(s for s in rules.STUBS if fnmatch.fnmatchcase(x265.name, s.pattern))
    stub = stubs.build_stub(x265, x265.name, [next(AV_LIBS.glob("libavcodec-*"))], spec, tmp_path)
    assert stub.stat().st_size < x265.stat().st_size // 100
    symbol = next(iter(stubs.exported_symbols(stub)))
    assert symbol.startswith("x265_api_get_")
    result = _run_c(f"import ctypes; f = ctypes.CDLL({str(stub)!r}).{symbol}; f.restype = ctypes.c_void_p; print(f(8))")
    assert result.stdout.strip() == "None", result.stderr


def test_openblas_stand_in_computes_dots_and_stops_loudly_on_matrix_products(tmp_path: Path) -> None:
    _needs_tools("gcc", "nm", "readelf")
    blas = next((SITE / "numpy.libs").glob("libscipy_openblas*"))
    spec = next(s for s in rules.STUBS if fnmatch.fnmatchcase(blas.name, s.pattern))
    importers = list((SITE / "numpy").rglob("*.so"))
    stub = stubs.build_stub(blas, blas.name, importers, spec, tmp_path)
    dot = _run_c(f"""
import ctypes
lib = ctypes.CDLL({str(stub)!r})
lib.scipy_cblas_sdot64_.restype = ctypes.c_float
x = (ctypes.c_float * 3)(1, 2, 3)
print(lib.scipy_cblas_sdot64_(ctypes.c_int64(3), x, ctypes.c_int64(1), x, ctypes.c_int64(1)))
""")
    assert dot.stdout.strip() == "14.0", dot.stderr
    gemm = _run_c(f"import ctypes; ctypes.CDLL({str(stub)!r}).scipy_cblas_sgemm64_()")
    assert gemm.returncode != 0
    assert f"scipy_cblas_sgemm64_ was called, but {blas.name} is left out of getimg Studio's bundle" in gemm.stderr


def test_metainfo_screenshots_live_under_the_one_repository_url() -> None:
    urls = appstream.screenshots(METAINFO)
    assert urls
    for url in urls:
        assert url.startswith(appstream.SCREENSHOTS_BASE), url
        assert (ROOT / "docs" / "screenshots" / url.removeprefix(appstream.SCREENSHOTS_BASE)).is_file(), url


def test_metainfo_release_and_debian_changelog_follow_pyproject_version() -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    assert version == getimg_studio.__version__ == deb.version()
    assert appstream.release_versions(METAINFO)[0] == version
    entry = deb.changelog(version)
    assert entry.startswith(f"getimg-studio ({version}) unstable; urgency=medium")
    assert max(len(line) for line in entry.splitlines() if not line.startswith(" -- ")) <= 80  # lintian's limit
