#!/bin/sh
# run-on-linux.sh — run the syscall suite's cases on the host's Linux kernel,
# the reference: every expected value in test_*.c must pass here.
# Needs root (it mounts tmpfs, proc and devtmpfs and chroots into them).
#   test/syscall/run-on-linux.sh [OUTPUT_DIR] [FAMILY...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-/tmp/rk-syscall-linux}
[ $# -gt 0 ] && shift
mkdir -p "$out"
families=${*:-$(cd "$here" && ls test_*.c | sed 's/^test_//; s/\.c$//')}
includes="-I$root/src/include/platform-api -I$root/src/include/service-api -I$root/src/include/core"
cc=${CC:-cc}
$cc -std=gnu11 -O1 -g -c -DSYSCALL_TEST_LINUX $includes "$here/harness.c" -o "$out/harness.o"
$cc -std=gnu11 -O1 -g -c "$here/harness_linux.c" -o "$out/harness_linux.o"
status=0
for family in $families; do
    $cc -std=gnu11 -O1 -g -DSYSCALL_TEST_LINUX $includes "$here/test_$family.c" \
        "$out/harness.o" "$out/harness_linux.o" -lcmocka -lpthread -o "$out/test-$family"
    "$out/test-$family" || status=1
done
exit $status
