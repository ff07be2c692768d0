#!/usr/bin/env bash
# Installs what getimg Studio needs on a Debian-like machine, then starts the app or runs the tests.
#   scripts/bootstrap.sh app [ARGS...]   install, then start the app (demo mode when there is no API key)
#   scripts/bootstrap.sh test [PYTEST ARGS...]  install, then ruff, mypy, the bundle self-check and the whole
#                                               test suite, headless
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"
[ $# -gt 0 ] && shift

# What the app needs from the system: Qt's xcb, Wayland and offscreen platforms, QtMultimedia's audio, fonts for
# text, a keyring service's client side, and Xvfb for a machine without a screen. The .deb's Depends come from
# the same libraries (dpkg-shlibdeps), so building it needs them installed.
APP_PACKAGES=(
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0 libfontconfig1 libdbus-1-3 libpulse0
  libxrandr2 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 libxcb-glx0
  libwayland-client0 libwayland-cursor0 libwayland-egl1
  fonts-dejavu-core xvfb xauth
)
# What only the checks need: the validators of packaging/ (tests/unit/test_packaging_metadata.py), and the
# C compiler, binutils, ICU's tools and Debian's packaging tools that packaging/build.sh uses.
TEST_PACKAGES=(
  desktop-file-utils appstream
  gcc libc6-dev binutils icu-devtools dpkg-dev lintian
)

install_system_packages() {
  local wanted=("$@")
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: this system has no apt-get; install Qt 6's runtime libraries (OpenGL/EGL, xkbcommon, fontconfig," >&2
    echo "      D-Bus, PulseAudio client, xcb-cursor) with your package manager if the app does not start." >&2
    return 0
  fi
  local missing=()
  for pkg in "${wanted[@]}"; do
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

# Three environments, so the app never runs with what only the tests need (keyrings.alt's plain-text keyring would
# otherwise pass for "the system keyring") and the bundle is built from exactly the app's packages:
#   .venv        the app: pyproject's [project] dependencies only. `app` creates and starts this one.
#   .venv-test   the checks: pytest and its plugins, hypothesis, keyrings.alt, ruff, mypy ([test] extra).
#   .venv-build  PyInstaller ([package] extra), which packaging/build.sh runs: what it sees is the app's packages.
# The last two sit on top of .venv's packages (a .pth file adds .venv's site-packages after their own), so Qt,
# PyAV and numpy are installed once, and tests and bundle use exactly the app's versions.
APP_ENV=.venv
TEST_ENV=.venv-test
BUILD_ENV=.venv-build

make_venv() {
  local dir="$1"
  [ -x "$dir/bin/python" ] && return 0
  ensure_venv_support
  "$(find_python)" -m venv "$dir" || { echo "error: could not create $dir (apt-get install python3-venv)" >&2; exit 1; }
}

site_packages() {
  "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))'
}

pip_install() {
  local dir="$1"; shift
  "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >&2
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "$@" >&2
}

# Reinstall only when the dependency list changed: a second start takes a second, not a minute. The stamp names the
# environment, so a .venv made before the split (test tools inside, stamp without a name) is made again.
fresh() {
  local dir="$1" stamp="$2"
  if [ -f "$dir/.installed" ] && ! grep -q '^[a-z]* ' "$dir/.installed"; then
    echo "$dir was made with the test tools inside: making it again" >&2; rm -rf "$dir"
  fi
  [ "$(cat "$dir/.installed" 2>/dev/null)" = "$stamp" ]
}

install_app_env() {
  local stamp; stamp="app $(sha256sum pyproject.toml | cut -c1-16)"
  if ! fresh "$APP_ENV" "$stamp"; then
    make_venv "$APP_ENV"
    pip_install "$APP_ENV" -e .
    echo "$stamp" > "$APP_ENV/.installed"
  fi
}

# An environment layered on .venv with one of pyproject's extras: install_layered_env DIR EXTRA
install_layered_env() {
  local dir="$1" extra="$2"
  install_app_env
  local stamp; stamp="$extra $(cut -d' ' -f2 "$APP_ENV/.installed")"
  if ! fresh "$dir" "$stamp"; then
    make_venv "$dir"
    # addsitedir, not a bare path line: .venv's own .pth files (the editable install's finder) then work too.
    local app_site; app_site="$(realpath "$(site_packages "$APP_ENV")")"
    echo "import site; site.addsitedir('$app_site')" > "$(site_packages "$dir")/zz_getimg_app_env.pth"
    # pip sees the app's packages through that line and installs only the extra's tools into $dir; it never
    # uninstalls anything from .venv ("outside environment").
    pip_install "$dir" -e ".[$extra]"
    echo "$stamp" > "$dir/.installed"
  fi
}

case "$mode" in
  app)
    install_system_packages "${APP_PACKAGES[@]}"
    install_app_env
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "no display found: starting the app on a virtual screen (xvfb-run)" >&2
      exec xvfb-run -a "$APP_ENV/bin/getimg-studio" "$@"
    fi
    exec "$APP_ENV/bin/getimg-studio" "$@"
    ;;
  test)
    install_system_packages "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    install_layered_env "$TEST_ENV" test
    if [ -z "${GETIMG_SKIP_BUNDLE:-}" ]; then install_layered_env "$BUILD_ENV" package; fi
    "$TEST_ENV/bin/ruff" check .
    "$TEST_ENV/bin/mypy"
    # The app as creators install it: build the bundle, its .tar.gz and the .deb, check them, run --self-check
    # from the bundle, then install the .deb, self-check the installed app and remove it (packaging/README.md).
    # GETIMG_SKIP_BUNDLE=1 leaves all that out of a quick local run.
    if [ -z "${GETIMG_SKIP_BUNDLE:-}" ]; then
      bash packaging/build.sh --check --deb
      bash packaging/test-deb.sh
    fi
    # pytest last, so its summary is the run's closing line; one worker per core (pytest-xdist) keeps the whole
    # command inside CI's 15 minutes on two cores. GETIMG_TEST_WORKERS=0 runs the tests in this one process.
    exec "$TEST_ENV/bin/python" -m pytest -n "${GETIMG_TEST_WORKERS:-auto}" "$@"
    ;;
  *)
    echo "usage: scripts/bootstrap.sh app|test [ARGS...]" >&2; exit 2 ;;
esac
