#!/usr/bin/env bash
# Installs what getimg Studio needs on a Debian-like machine, then starts the app or runs the tests.
#   scripts/bootstrap.sh app [ARGS...]   install, then start the app (demo mode when there is no API key)
#   scripts/bootstrap.sh test [PYTEST ARGS...]  install, then ruff, mypy, the bundle self-check and the whole
#                                               test suite, headless
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"
[ $# -gt 0 ] && shift

# Qt's xcb and offscreen platforms, QtMultimedia's audio, fonts for text, and Xvfb for screenshots.
SYSTEM_PACKAGES=(
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0 libfontconfig1 libdbus-1-3 libpulse0
  libxrandr2 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 libxcb-glx0
  fonts-dejavu-core xvfb xauth
  desktop-file-utils appstream  # validators for packaging/ (tests/unit/test_packaging_metadata.py)
)

install_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: this system has no apt-get; install Qt 6's runtime libraries (OpenGL/EGL, xkbcommon, fontconfig," >&2
    echo "      D-Bus, PulseAudio client, xcb-cursor) with your package manager if the app does not start." >&2
    return 0
  fi
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: missing system packages (${missing[*]}) and no root or sudo to install them" >&2; exit 1
    fi
  fi
  echo "installing system packages: ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "error: getimg Studio needs Python 3.11 or newer (apt-get install python3 python3-venv)" >&2
  exit 1
}

ensure_venv_support() {
  # Debian splits venv and ensurepip out of python3; without them `python3 -m venv` fails half-way.
  if command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip, venv' 2>/dev/null; then return 0; fi
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing python3 and python3-venv" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3 python3-venv >&2
  fi
}

install_python_packages() {
  [ -x .venv/bin/python ] || ensure_venv_support
  local python; python="$(find_python)"
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv || { echo "error: could not create .venv (apt-get install python3-venv)" >&2; exit 1; }
  fi
  # Reinstall only when the dependency list changed: a second start takes a second, not a minute.
  local stamp; stamp="$(sha256sum pyproject.toml | cut -c1-16)"
  if [ "$(cat .venv/.installed 2>/dev/null)" != "$stamp" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >&2
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" >&2
    echo "$stamp" > .venv/.installed
  fi
}

install_system_packages
install_python_packages

case "$mode" in
  app)
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "no display found: starting the app on a virtual screen (xvfb-run)" >&2
      exec xvfb-run -a .venv/bin/getimg-studio "$@"
    fi
    exec .venv/bin/getimg-studio "$@"
    ;;
  test)
    .venv/bin/ruff check .
    .venv/bin/mypy
    # The app as creators install it: build the bundle and run --self-check from it (about a minute).
    # GETIMG_SKIP_BUNDLE=1 leaves it out of a quick local run.
    if [ -z "${GETIMG_SKIP_BUNDLE:-}" ]; then bash packaging/build.sh --check; fi
    # pytest last, so its summary is the run's closing line.
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: scripts/bootstrap.sh app|test [ARGS...]" >&2; exit 2 ;;
esac
