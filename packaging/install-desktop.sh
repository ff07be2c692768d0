#!/usr/bin/env bash
# Adds getimg Studio to the desktop's application menu for the current user (no root needed):
# the .desktop entry, the icons in every size, the AppStream metainfo, and `getimg-studio` on ~/.local/bin
# pointing at the bundle when one was built (packaging/build.sh).
#   packaging/install-desktop.sh              install
#   packaging/install-desktop.sh --uninstall  remove what install added
set -euo pipefail
cd "$(dirname "$0")/.."
data="${XDG_DATA_HOME:-$HOME/.local/share}"
bin="${GETIMG_STUDIO_BIN_DIR:-$HOME/.local/bin}"
sizes=(16 24 32 48 64 128 256 512)

files=("$data/applications/getimg-studio.desktop" "$data/metainfo/io.getimg.Studio.metainfo.xml"
       "$data/icons/hicolor/scalable/apps/getimg-studio.svg")
for size in "${sizes[@]}"; do files+=("$data/icons/hicolor/${size}x${size}/apps/getimg-studio.png"); done

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "${files[@]}"
  [ -L "$bin/getimg-studio" ] && rm -f "$bin/getimg-studio"
  echo "removed the getimg Studio desktop entry"
  exit 0
fi

install -Dm644 packaging/getimg-studio.desktop "$data/applications/getimg-studio.desktop"
install -Dm644 packaging/io.getimg.Studio.metainfo.xml "$data/metainfo/io.getimg.Studio.metainfo.xml"
install -Dm644 resources/getimg-studio.svg "$data/icons/hicolor/scalable/apps/getimg-studio.svg"
for size in "${sizes[@]}"; do
  install -Dm644 "resources/getimg-studio-$size.png" "$data/icons/hicolor/${size}x${size}/apps/getimg-studio.png"
done
if [ -x dist/getimg-studio/getimg-studio ]; then
  mkdir -p "$bin"
  ln -sfn "$PWD/dist/getimg-studio/getimg-studio" "$bin/getimg-studio"
  echo "linked $bin/getimg-studio to the bundle"
elif ! command -v getimg-studio >/dev/null 2>&1; then
  echo "note: no getimg-studio on PATH yet: build the bundle (packaging/build.sh) and run this again," >&2
  echo "      or install the package (pip install .) so its getimg-studio command exists" >&2
fi
# Menus pick the entry up by themselves; these refresh caches where the tools exist.
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "installed the getimg Studio desktop entry under $data"
