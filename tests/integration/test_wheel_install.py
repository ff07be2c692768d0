"""The wheel built from pyproject.toml carries every module and the resources, and works once installed.

It is installed (not editable) into a fresh virtual environment. The heavy dependencies (Qt, PyAV,
numpy...) are not reinstalled there: a .pth file appends the test environment's site-packages (and the
app environment's, which .venv-test sits on) after the new environment's own, so imports of getimg_studio
resolve to the installed wheel while its dependencies come from what is already on this machine. The build
works on a copy of the sources so no build/ or egg-info folder lands in the working tree (setuptools would
reuse a stale build/lib).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import getimg_studio
from getimg_studio.resources_path import ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import importlib, pkgutil, sys
import getimg_studio
from getimg_studio.resources_path import resource, icon_png
names = [m.name for m in pkgutil.walk_packages(getimg_studio.__path__, "getimg_studio.")]
# Importing the UI pulls in Qt widgets; they need no display to import.
for name in names:
    if not name.endswith("__main__"):
        importlib.import_module(name)
print("package", getimg_studio.__file__)
print("svg", resource("getimg-studio.svg"))
print("png", icon_png(512))
print("modules", len(names))
"""


def _run(args: list[str | Path], *, cwd: Path, timeout: float = 90,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                            check=False, env=env)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _source_copy(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "getimg_studio", dest / "getimg_studio", ignore=ignore)
    shutil.copytree(ROOT / "resources", dest / "resources", ignore=ignore)
    return dest


def _module_names(package_dir: Path, prefix: str) -> set[str]:
    return {prefix + "/" + path.relative_to(package_dir).as_posix() for path in package_dir.rglob("*.py")}


def test_wheel_installs_into_a_clean_venv_and_finds_its_resources(tmp_path: Path) -> None:
    source = _source_copy(tmp_path / "src")
    wheels = tmp_path / "wheels"
    # Build isolation fetches setuptools>=68 and wheel from the configured index, as any user's build does.
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
          "-w", wheels, source], cwd=tmp_path, timeout=110)
    (wheel,) = wheels.glob("getimg_studio-*.whl")
    assert wheel.name.startswith(f"getimg_studio-{getimg_studio.__version__}-")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    resources = {"getimg_studio/resources/__init__.py", "getimg_studio/resources/getimg-studio.svg"}
    resources |= {f"getimg_studio/resources/getimg-studio-{size}.png" for size in ICON_SIZES}
    assert resources <= names, f"missing from the wheel: {sorted(resources - names)}"
    # Every module of the checkout ships (pyproject lists packages one by one: a new one is easy to forget).
    expected = _module_names(source / "getimg_studio", "getimg_studio")
    assert expected <= names, f"modules missing from the wheel: {sorted(expected - names)}"
    assert not any(n.startswith(("tests/", "packaging/")) for n in names)
    assert "getimg-studio = getimg_studio.app:main" in entry_points

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--disable-pip-version-check",
          "--no-deps", "--no-index", wheel], cwd=tmp_path)
    venv_site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          cwd=tmp_path).stdout.strip())
    # Bare path lines, not addsitedir: the checkout's editable install must stay invisible to the probe.
    dependencies = [sysconfig.get_path("purelib")] + [p for p in sys.path if p.endswith("site-packages")]
    (venv_site / "zz_test_dependencies.pth").write_text("\n".join(dict.fromkeys(dependencies)) + "\n",
                                                        encoding="utf-8")

    # Away from the checkout, with nothing of ours on PYTHONPATH: only the installed wheel can answer.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    probe = _run([python, "-c", PROBE], cwd=tmp_path, env=env).stdout
    report = dict(line.split(" ", 1) for line in probe.splitlines())
    for key in ("package", "svg", "png"):
        assert Path(report[key]).is_relative_to(venv_site), f"{key} came from {report[key]}, not the wheel"
    assert Path(report["svg"]).read_bytes() == (ROOT / "resources" / "getimg-studio.svg").read_bytes()

    version = _run([venv / "bin" / "getimg-studio", "--version"], cwd=tmp_path, env=env).stdout
    assert version.strip() == f"getimg-studio {getimg_studio.__version__}"
