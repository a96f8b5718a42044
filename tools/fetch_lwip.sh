#!/usr/bin/env bash
# Put lwIP's upstream tarball into subprojects/packagecache/ from Debian's
# `lwip` source package, so the Meson wrap (subprojects/lwip.wrap) never
# downloads. Idempotent and quiet when the tarball is already there.
# Without a deb-src entry, one is derived from the machine's Debian sources
# (deb822 debian.sources, or classic sources.list lines).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tarball=lwip_2.1.3+dfsg1.orig.tar.xz
sha256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
cache="$root/subprojects/packagecache"

# Meson copies the project's build description over the unpacked source
# only when it unpacks; keep an unpacked tree's copy current.
overlay="$root/subprojects/packagefiles/lwip/meson.build"
unpacked="$root/subprojects/lwip-2.1.3/meson.build"
if [ -f "$unpacked" ] && ! cmp -s "$overlay" "$unpacked"; then
  cp "$overlay" "$unpacked"
fi

if [ -f "$cache/$tarball" ] && echo "$sha256  $cache/$tarball" | sha256sum --check --status; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

# Does apt already know a deb-src entry?
have_deb_src() {
  grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

# Write a deb-src twin of the Debian sources.
derive_deb_src() {
  local deb822=/etc/apt/sources.list.d/debian.sources
  if [ -f "$deb822" ]; then
    sed -E 's/^Types:.*$/Types: deb-src/' "$deb822" |
      $sudo tee /etc/apt/sources.list.d/ringkernel-src.sources >/dev/null
  elif [ -f /etc/apt/sources.list ] && grep -qE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    grep -E '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list | sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' |
      $sudo tee /etc/apt/sources.list.d/ringkernel-src.list >/dev/null
  else
    echo "fetch_lwip: no Debian sources list to derive a deb-src entry from" >&2
    exit 1
  fi
}

echo "fetch_lwip: fetching $tarball from Debian's lwip source package"
if ! have_deb_src; then
  derive_deb_src
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt-get source runs as this user; the temporary folder must be writable by _apt too.
chmod 0777 "$work"
(cd "$work" && apt-get source --download-only -q lwip >/dev/null)
if ! echo "$sha256  $work/$tarball" | sha256sum --check --status; then
  echo "fetch_lwip: $tarball has an unexpected checksum" >&2
  exit 1
fi
mkdir -p "$cache"
mv "$work/$tarball" "$cache/$tarball"
