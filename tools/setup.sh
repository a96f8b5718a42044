#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, when missing.
# Idempotent and quiet when everything is there; runs apt-get update first
# otherwise (a fresh machine has stale or empty package lists).
# Extra package names as arguments are installed too (make fuzz-afl: afl++).
set -euo pipefail

packages=(meson ninja-build gcc clang libclang-rt-dev pkg-config binutils python3 linux-libc-dev libuv1-dev
          libcmocka-dev qemu-system-x86 busybox-static cpio musl-tools "$@")

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  bash "$(dirname "$0")/fetch_lwip.sh"   # lwIP's tarball from Debian's source package
  exit 0
fi

echo "setup: installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

bash "$(dirname "$0")/fetch_lwip.sh"   # lwIP's tarball from Debian's source package
