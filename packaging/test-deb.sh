#!/usr/bin/env bash
# Installs dist/getimg-studio_*.deb with apt (which pulls in its Depends), runs `getimg-studio --self-check`
# from the installed package, purges it, and fails if any of its files is left behind.
#   packaging/test-deb.sh [PACKAGE.deb]
# Needs root (or sudo): it changes the machine's installed packages, then puts them back.
set -euo pipefail
cd "$(dirname "$0")/.."
package="${1:-$(ls -t dist/getimg-studio_*_amd64.deb | head -1)}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: installing $package needs root or sudo" >&2; exit 1
  fi
fi
apt_get() { DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 -y -qq "$@"; }

# One install at a time on this machine: several checkouts may run their test command at once.
exec 9>/tmp/getimg-studio-deb-test.lock
flock 9
if dpkg-query -W -f='${Status}' getimg-studio 2>/dev/null | grep -q "ok installed"; then
  echo "error: getimg-studio is already installed here; remove it first (apt-get purge getimg-studio)" >&2; exit 1
fi
before="$(mktemp)"; files="$(mktemp)"
trap 'rm -f "$before" "$files"' EXIT
dpkg-query -W -f='${Package}\n' | sort > "$before"
apt_get install --no-install-recommends "./$package" >/dev/null
pulled="$(comm -13 "$before" <(dpkg-query -W -f='${Package}\n' | sort) | grep -vx getimg-studio || true)"
echo "installed $package${pulled:+ (apt added: $(echo $pulled))}"
dpkg-query -L getimg-studio > "$files"
[ "$(command -v getimg-studio)" = /usr/bin/getimg-studio ] || { echo "error: getimg-studio is not on PATH" >&2; exit 1; }
start=$(date +%s)
status=0
# As a user would run it, from a neutral folder, without the checkout's environment.
(cd / && env -u PYTHONPATH -u VIRTUAL_ENV QT_QPA_PLATFORM=offscreen getimg-studio --self-check) || status=$?
echo "self-check from the installed package: $(( $(date +%s) - start )) s"
apt_get purge getimg-studio >/dev/null
left=()
while IFS= read -r path; do
  # Directories such as /usr/share/applications belong to other packages too; files and our own folders must go.
  if [ -e "$path" ] || [ -L "$path" ]; then
    if [ ! -d "$path" ] || [[ "$path" == /usr/lib/getimg-studio* || "$path" == /usr/share/doc/getimg-studio* ]]; then
      left+=("$path")
    fi
  fi
done < "$files"
if [ ${#left[@]} -gt 0 ]; then
  echo "error: the purge left ${#left[@]} files behind, e.g. ${left[0]}" >&2; exit 1
fi
echo "removed getimg-studio: none of its $(wc -l < "$files") paths is left"
exit "$status"
