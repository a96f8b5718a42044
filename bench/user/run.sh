#!/usr/bin/env bash
# bench/user/run.sh [-k KERNEL] — the user-space benchmarks (user_bench.c,
# static musl) on ringkernel and on Debian's Linux in the same QEMU (TCG),
# each in one boot through tools/rk exec; prints both and the ratios
# (Linux / ringkernel: above 1 means ringkernel is faster), then the time
# from QEMU's launch to /init's first line for both kernels (host clock).
set -euo pipefail
cd "$(dirname "$0")/../.."

kernel=build/x86/src/platform-x86/ringkernel.elf
boots=3
while getopts "k:n:" option; do
  case $option in
    k) kernel=$OPTARG ;;
    n) boots=$OPTARG ;;
    *) echo "usage: $0 [-k KERNEL] [-n BOOTS]" >&2; exit 2 ;;
  esac
done
[ -f "$kernel" ] || { echo "bench/user: no kernel at $kernel (make build-x86)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/overlay/rk"
musl-gcc -static -O2 -Wall -Wextra -Werror -o "$work/overlay/rk/user_bench" bench/user/user_bench.c

run_bench() { # KERNEL-ARGUMENTS... -> bench lines on stdout
  tools/rk exec "$@" --overlay "$work/overlay" --timeout 300 -- '/rk/user_bench' | grep '^bench ' || true
}
echo "bench/user: ringkernel ($kernel) and Debian's Linux, QEMU TCG, guest CLOCK_MONOTONIC"
run_bench --kernel "$kernel" >"$work/ringkernel"
run_bench --linux >"$work/linux"

awk '
  FILENAME == ARGV[1] { ring[$2] = $4; order[++count] = $2 }
  FILENAME == ARGV[2] { linux[$2] = $4; if (!($2 in ring)) order[++count] = $2 }
  END {
    printf "%-26s %14s %14s %8s\n", "operation", "ringkernel ns", "linux ns", "ratio"
    for (i = 1; i <= count; i++) {
      name = order[i]
      r = (name in ring) ? ring[name] : "-"
      l = (name in linux) ? linux[name] : "-"
      ratio = (r != "-" && l != "-" && r > 0) ? sprintf("%.2f", l / r) : "-"
      printf "%-26s %14s %14s %8s\n", name, r, l, ratio
    }
  }' "$work/ringkernel" "$work/linux"

boot_time() { # KERNEL-ARGUMENTS... -> mean seconds to /init's first line
  local total=0 seconds
  for _ in $(seq "$boots"); do
    seconds=$(tools/rk exec "$@" --boot-time --timeout 120 -- 'true' 2>&1 >/dev/null |
              sed -n 's/^rk: boot-to-init \([0-9.]*\) s$/\1/p')
    [ -n "$seconds" ] || { echo "-"; return; }
    total=$(awk -v a="$total" -v b="$seconds" 'BEGIN { print a + b }')
  done
  awk -v t="$total" -v n="$boots" 'BEGIN { printf "%.3f", t / n }'
}
echo "boot to /init's first line (QEMU launch to the line, host clock, mean of $boots):"
echo "  ringkernel $(boot_time --kernel "$kernel") s"
echo "  linux      $(boot_time --linux) s"
