#!/usr/bin/env bash
# run_robustness.sh KERNEL PROGRAM_DIR — boot KERNEL once (tools/rk exec)
# with the robustness programs in /robustness and run them with fixed seeds:
# the regression cases, the spinners, the syscall fuzzer and the malformed
# ELF execs. Passes (exit 0) only when the guest survives (no kernel fault,
# panic or hang: tools/rk exits 125/124 otherwise) and every program prints
# its "kernel alive" line.
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 KERNEL PROGRAM_DIR" >&2
  exit 2
fi
kernel=$1
programs=$2
root=$(cd "$(dirname "$0")/../../.." && pwd)
overlay=$(mktemp -d)
trap 'rm -rf "$overlay"' EXIT
mkdir -p "$overlay/robustness"
for name in robustness_fuzz robustness_elf robustness_spin robustness_regressions; do
  cp "$programs/$name" "$overlay/robustness/$name" || exit 1
done
command='cd /robustness && ./robustness_regressions; ./robustness_spin; ./robustness_fuzz 2 2 4 1500; ./robustness_fuzz 100 2 4 1500; ./robustness_fuzz 102 2 4 1500; ./robustness_elf 1 60 /bin/busybox ./robustness_spin; ./robustness_elf 2 60 /bin/busybox ./robustness_spin'
output=$(python3 "$root/tools/rk" exec --timeout "${RK_ROBUSTNESS_TIMEOUT:-150}" --overlay "$overlay" \
         --kernel "$kernel" --append loglevel=3 -- "$command" 2>&1)
status=$?
printf '%s\n' "$output"
if [ $status -ne 0 ] && [ $status -ne 1 ]; then
  echo "FAIL: tools/rk exec exited $status (124: hang, 125: kernel fault or panic)"
  exit 1
fi
expected=7
alive=$(printf '%s\n' "$output" | grep -c 'kernel alive$')
if [ "$alive" -ne $expected ]; then
  echo "FAIL: $alive of $expected programs printed \"kernel alive\""
  exit 1
fi
echo "PASS: the kernel survived every robustness program"
