#!/usr/bin/env bash
# Builds the one-folder bundle dist/getimg-studio/ with PyInstaller, then prints its size and the build time.
#   packaging/build.sh           build (installs PyInstaller into .venv when it is missing)
#   packaging/build.sh --check   build, check the bundle's contents, run `getimg-studio --self-check` from it
set -euo pipefail
cd "$(dirname "$0")/.."
# PyInstaller is a test-environment tool (pyproject's `package` extra); the app's own .venv never holds it.
python=.venv-test/bin/python
if [ ! -x "$python" ]; then
  echo "error: no .venv-test: run scripts/bootstrap.sh test first" >&2; exit 1
fi

start=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/getimg-studio.spec
elapsed=$(( $(date +%s) - start ))
bundle=dist/getimg-studio
echo "bundle: $bundle ($(du -sh "$bundle" | cut -f1) on disk, $(find "$bundle" -type f | wc -l) files)"
echo "build time: ${elapsed} s"

if [ "${1:-}" = "--check" ]; then
  # What the player and the window need at run time, which PyInstaller would not miss loudly.
  for needed in _internal/PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so \
                _internal/PySide6/Qt/plugins/platforms/libqoffscreen.so \
                _internal/getimg_studio/resources/getimg-studio.svg \
                _internal/getimg_studio/resources/getimg-studio-256.png; do
    [ -f "$bundle/$needed" ] || { echo "error: the bundle lacks $needed" >&2; exit 1; }
  done
  "$bundle/getimg-studio" --version
  start=$(date +%s)
  QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$bundle/getimg-studio" --self-check
  echo "self-check from the bundle: $(( $(date +%s) - start )) s"
fi
