#!/usr/bin/env bash
# Builds the one-folder bundle dist/getimg-studio/ with PyInstaller and its .tar.gz, then prints sizes and times.
#   packaging/build.sh           build the bundle and dist/getimg-studio-<version>-linux-x86_64.tar.gz
#   packaging/build.sh --check   also check its contents (bundling/check.py) and run --self-check from it
#   packaging/build.sh --deb     also build dist/getimg-studio_<version>_amd64.deb and run lintian on it
# The flags combine. Needs .venv-build (PyInstaller on top of the app's .venv, made by scripts/bootstrap.sh test),
# a C compiler, binutils, icu-devtools, and for --deb dpkg-dev and lintian: bootstrap installs them all.
set -euo pipefail
cd "$(dirname "$0")/.."
check=""; deb=""
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    --deb) deb=1 ;;
    *) echo "usage: packaging/build.sh [--check] [--deb]" >&2; exit 2 ;;
  esac
done
# PyInstaller runs from .venv-build: the app's packages and PyInstaller, nothing of the tests' (their pygments,
# pluggy... would otherwise be collected wherever something tries to import them).
python=.venv-build/bin/python
if [ ! -x "$python" ]; then
  echo "error: no .venv-build: run scripts/bootstrap.sh test first (without GETIMG_SKIP_BUNDLE)" >&2; exit 1
fi
version="$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
bundle=dist/getimg-studio
tarball="dist/getimg-studio-$version-linux-x86_64.tar.gz"

start=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/getimg-studio.spec
built=$(date +%s)
tar -C dist -cf - getimg-studio | gzip -6 > "$tarball"
echo "bundle: $bundle ($(du -sb "$bundle" | awk '{printf "%.1f MB", $1 / 1e6}') on disk, $(find "$bundle" -type f | wc -l) files)"
echo "$tarball: $(stat -c %s "$tarball" | awk '{printf "%.1f MB", $1 / 1e6}')"
echo "build time: $(( built - start )) s, .tar.gz $(( $(date +%s) - built )) s"
echo "left out (build/pyinstaller/getimg-studio/excluded.txt):"
cut -c1-118 build/pyinstaller/getimg-studio/excluded.txt

if [ -n "$check" ]; then
  "$python" packaging/bundling/check.py "$bundle" --tarball "$tarball"
  "$bundle/getimg-studio" --version
  start=$(date +%s)
  QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$bundle/getimg-studio" --self-check
  echo "self-check from the bundle: $(( $(date +%s) - start )) s"
fi

if [ -n "$deb" ]; then
  start=$(date +%s)
  package="$("$python" packaging/bundling/deb.py 2>build/deb-shlibdeps.log)"
  echo "package: $package ($(stat -c %s "$package" | awk '{printf "%.1f MB", $1 / 1e6}'), $(( $(date +%s) - start )) s)"
  start=$(date +%s)
  # Errors and warnings fail the build; packaging/debian/lintian-overrides says why each remaining tag stays.
  lintian --fail-on error,warning "$package"
  echo "lintian: clean ($(( $(date +%s) - start )) s)"
fi
