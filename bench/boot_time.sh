#!/usr/bin/env bash
# boot_time.sh [-n RUNS] [-k KERNEL] [-q QEMU] — boot ringkernel.elf with
# rk.test=boot RUNS times (default 5) under each firmware (SeaBIOS, QEMU's
# default, and qboot) and print the mean and minimum wall time from QEMU's
# launch to (a) the banner line "ringkernel ..." on the serial console and
# (b) QEMU's exit after the kernel powers off. TCG only (never KVM).
set -euo pipefail

runs=5
kernel=build/x86/src/platform-x86/ringkernel.elf
qemu="qemu-system-x86_64"
qboot_rom=/usr/share/qemu/qboot.rom
timeout_seconds=60

usage() {
  echo "usage: $0 [-n RUNS] [-k KERNEL] [-q QEMU]" >&2
  exit 2
}

while getopts "n:k:q:h" option; do
  case $option in
    n) runs=$OPTARG ;;
    k) kernel=$OPTARG ;;
    q) qemu=$OPTARG ;;
    *) usage ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage
[ -f "$kernel" ] || { echo "boot_time: no kernel at $kernel (build it: make build-x86)" >&2; exit 1; }

# boot_once FIRMWARE-ARGUMENTS...: one boot; prints "BANNER_SECONDS EXIT_SECONDS STATUS".
# BANNER_SECONDS is "-" when the banner never appeared.
boot_once() {
  local start banner=- line status end fd pid
  start=$EPOCHREALTIME
  exec {fd}< <(timeout "$timeout_seconds" "$qemu" -machine pc,accel=tcg -m 256M -nographic -no-reboot \
    -nic none -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" \
    -kernel "$kernel" -append "console=ttyS0 rk.test=boot" </dev/null 2>&1)
  pid=$!
  while IFS= read -r line <&"$fd"; do
    line=${line%$'\r'}
    if [ "$banner" = - ] && [[ $line == ringkernel* ]]; then
      banner=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }')
    fi
  done
  status=0
  wait "$pid" || status=$?
  end=$EPOCHREALTIME
  exec {fd}<&-
  echo "$banner $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }') $status"
}

# measure NAME FIRMWARE-ARGUMENTS...: RUNS boots, then one summary line.
measure() {
  local name=$1 results="" result
  shift
  for _ in $(seq "$runs"); do
    result=$(boot_once "$@")
    results+="$result"$'\n'
  done
  printf '%s' "$results" | awk -v name="$name" -v runs="$runs" '
    $1 != "-" { banner_sum += $1; banner_count++; if (banner_min == "" || $1 < banner_min) banner_min = $1 }
    { exit_sum += $2; if (exit_min == "" || $2 < exit_min) exit_min = $2 }
    $3 != 1 { bad++ }
    END {
      if (banner_count == 0) {
        printf "%-8s no banner in %d runs (this firmware cannot boot the image)\n", name, runs
        exit
      }
      printf "%-8s banner: mean %.3f s, min %.3f s   power-off: mean %.3f s, min %.3f s   (%d runs",
             name, banner_sum / banner_count, banner_min, exit_sum / NR, exit_min, runs
      if (banner_count < NR) printf ", %d without banner", NR - banner_count
      if (bad) printf ", %d with an exit status other than 1", bad
      printf ")\n"
    }'
}

echo "boot_time: $kernel, rk.test=boot, $runs runs per firmware, QEMU TCG"
measure seabios
if [ -f "$qboot_rom" ]; then
  measure qboot -bios "$qboot_rom"
else
  echo "qboot    skipped: $qboot_rom not found"
fi
