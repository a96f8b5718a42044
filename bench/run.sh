#!/usr/bin/env bash
# Run the benchmarks (`make bench`): the hosted context-switch benchmark from
# build/hosted, then bench/boot_time.sh when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/hosted
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dplatform=hosted
fi
ninja -C "$build" bench/context_switch bench/syscall_path
"$build/bench/context_switch"
"$build/bench/syscall_path"

if [ -f bench/boot_time.sh ]; then
  bash bench/boot_time.sh
fi

# User space on ringkernel and on Debian's Linux in the same QEMU, and
# boot-to-/init for both (bench/user/run.sh; downloads Linux once).
bash bench/user/run.sh

# Networking on both kernels in the same QEMU: TCP to the host, over
# loopback, connection setup (bench/net/run.sh).
bash bench/net/run.sh
