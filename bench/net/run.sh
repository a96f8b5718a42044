#!/usr/bin/env bash
# bench/net/run.sh [-k KERNEL] [-s SEND_MIB] [-l LOOPBACK_MIB] [-c CONNECTS]
# — the network benchmarks (net_bench.c, static musl) on ringkernel and on
# Debian's Linux in the same QEMU (TCG), one boot each through tools/rk
# exec (virtio-net on QEMU user networking; Linux gets its virtio_net
# module from tools/rk): TCP guest->host through slirp to a host sink on
# 127.0.0.1 (the guest sees it as 10.0.2.2), TCP over the guest's loopback,
# and connect+accept+close over loopback. Prints both and the ratios
# (ringkernel / Linux: above 1 means ringkernel is faster).
set -euo pipefail
cd "$(dirname "$0")/../.."

kernel=build/x86/src/platform-x86/ringkernel.elf
send_mib=16
loopback_mib=64
connects=500
while getopts "k:s:l:c:" option; do
  case $option in
    k) kernel=$OPTARG ;;
    s) send_mib=$OPTARG ;;
    l) loopback_mib=$OPTARG ;;
    c) connects=$OPTARG ;;
    *) echo "usage: $0 [-k KERNEL] [-s SEND_MIB] [-l LOOPBACK_MIB] [-c CONNECTS]" >&2; exit 2 ;;
  esac
done
[ -f "$kernel" ] || { echo "bench/net: no kernel at $kernel (make build-x86)" >&2; exit 1; }

work=$(mktemp -d)
sink_pid=
cleanup() {
  [ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/overlay/rk"
musl-gcc -static -O2 -Wall -Wextra -Werror -o "$work/overlay/rk/net_bench" bench/net/net_bench.c

python3 bench/net/sink.py "$work/port" &
sink_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")

command="/rk/net_bench send 10.0.2.2 $port $send_mib; /rk/net_bench loopback $loopback_mib; /rk/net_bench connect $connects"
run_bench() { # KERNEL-ARGUMENTS... -> bench lines on stdout
  tools/rk exec "$@" --overlay "$work/overlay" --timeout 600 -- "$command" | grep '^bench ' || true
}
echo "bench/net: ringkernel ($kernel) and Debian's Linux, QEMU TCG, guest CLOCK_MONOTONIC"
echo "  send $send_mib MiB to the host, $loopback_mib MiB over loopback, $connects connections"
run_bench --kernel "$kernel" >"$work/ringkernel"
run_bench --linux >"$work/linux"

awk '
  FILENAME == ARGV[1] { ring[$2] = $4; unit[$2] = $3; order[++count] = $2 }
  FILENAME == ARGV[2] { linux[$2] = $4; unit[$2] = $3; if (!($2 in ring)) order[++count] = $2 }
  END {
    printf "%-30s %-11s %12s %12s %8s\n", "benchmark", "unit", "ringkernel", "linux", "ratio"
    for (i = 1; i <= count; i++) {
      name = order[i]
      r = (name in ring) ? ring[name] : "-"
      l = (name in linux) ? linux[name] : "-"
      ratio = (r != "-" && l != "-" && l > 0) ? sprintf("%.2f", r / l) : "-"
      printf "%-30s %-11s %12s %12s %8s\n", name, unit[name], r, l, ratio
    }
  }' "$work/ringkernel" "$work/linux"
