#!/usr/bin/env bash
# run_qemu_test.sh CASE QEMU KERNEL — boot ringkernel.elf in QEMU (TCG) for
# one integration case, print the whole serial output (so it lands in the
# Meson test log), then check it. Exit 0 on pass, 1 on failure.
#
# Cases:
#   selftest  rk.test=all: QEMU exits 1 (status 0) and the serial output has
#             "selftest summary: N passed, 0 failed" with N > 0.
#   boot      rk.test=boot: the banner line "ringkernel ...", the command
#             line (without the loader's kernel path) and its parsed options
#             are printed; QEMU exits 1.
#   crash     rk.crash=page-fault: a register dump and a symbolized backtrace
#             whose frames include core_crash_on_request; QEMU exits 141
#             (platform_halt's status 70).
#   stack-overflow
#             rk.crash=stack-overflow: a kernel thread runs into its stack's
#             guard page; a double fault (on its IST stack) is reported
#             with a symbolized backtrace; QEMU exits 141.
#   initrd-tree
#             rk.test=tree with a generated cpio (newc) initrd: the tree is
#             listed with the archive's files, /proc and /dev mounted.
#   platform-check
#             KERNEL is platform_check.elf, booted with a generated initrd;
#             QEMU exits 1 and it prints "platform-check summary: N passed,
#             0 failed" with N > 0.
#   platform-check-virtio
#             platform-check with two virtio-net-pci NICs on QEMU user
#             networking (one shared INTx line): also the boot line naming
#             a device, and each NIC's ARP exchange with 10.0.2.2.
set -u

if [ $# -ne 3 ]; then
  echo "usage: $0 selftest|boot|crash|stack-overflow|initrd-tree|platform-check[-virtio] QEMU KERNEL" >&2
  exit 2
fi
case_name=$1
qemu=$2
kernel=$3
timeout_seconds=${RK_QEMU_TIMEOUT:-60}

case $case_name in
  selftest) append="console=ttyS0 rk.test=all"; expected_status=1 ;;
  boot) append="console=ttyS0 rk.test=boot"; expected_status=1 ;;
  crash) append="console=ttyS0 rk.crash=page-fault"; expected_status=141 ;;
  initrd-tree) append="console=ttyS0 rk.test=tree"; expected_status=1 ;;
  stack-overflow) append="console=ttyS0 rk.crash=stack-overflow"; expected_status=141 ;;
  platform-check) append="console=ttyS0 rk.platform-check=1"; expected_status=1 ;;
  platform-check-virtio) append="console=ttyS0 rk.platform-check=1"; expected_status=1 ;;
  *) echo "unknown case $case_name" >&2; exit 2 ;;
esac

raw_log=$(mktemp)
log=$(mktemp)
initrd=$(mktemp)
trap 'rm -f "$raw_log" "$log" "$initrd"' EXIT
initrd_arguments=()
network_arguments=(-nic none)
if [ "$case_name" = platform-check-virtio ]; then
  # Two NICs: the firmware routes both to one INTx line (shared-line dispatch).
  network_arguments=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0
                     -netdev user,id=n1 -device virtio-net-pci,netdev=n1)
fi
if [ "$case_name" = platform-check ] || [ "$case_name" = platform-check-virtio ]; then
  # 5000 bytes starting with RKINITRD, as platform_check.c expects.
  { printf 'RKINITRD'; head -c 4992 /dev/zero; } >"$initrd"
  initrd_arguments=(-initrd "$initrd")
fi
if [ "$case_name" = initrd-tree ]; then
  tree=$(mktemp -d)
  mkdir -p "$tree/etc" "$tree/bin" "$tree/usr/share/doc"
  printf 'hello from the initrd\n' >"$tree/etc/motd"
  chmod 0640 "$tree/etc/motd"
  ln -s motd "$tree/etc/link"
  printf '#!/bin/sh\necho init\n' >"$tree/init"
  chmod 0755 "$tree/init"
  (cd "$tree" && find . | LC_ALL=C sort | cpio --quiet -o -H newc) >"$initrd"
  rm -rf "$tree"
  initrd_arguments=(-initrd "$initrd")
fi

echo "# $qemu -kernel $kernel ${initrd_arguments[*]} -append \"$append\" (timeout ${timeout_seconds}s)"
# RK_QEMU_CPU (e.g. max, for SMEP/SMAP) picks the CPU model; QEMU's default otherwise.
cpu_arguments=()
if [ -n "${RK_QEMU_CPU:-}" ]; then
  cpu_arguments=(-cpu "$RK_QEMU_CPU")
fi
timeout "$timeout_seconds" "$qemu" -machine pc,accel=tcg "${cpu_arguments[@]}" -m 256M -nographic -no-reboot \
  "${network_arguments[@]}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
  -kernel "$kernel" "${initrd_arguments[@]}" -append "$append" </dev/null >"$raw_log" 2>&1
status=$?
# Drop carriage returns and the firmware's terminal escape sequences.
sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' "$raw_log" >"$log"
echo "# ---- serial output ----"
cat "$log"
echo "# ---- end of serial output; QEMU exit status $status ----"

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

if [ "$status" -eq 124 ]; then
  fail "QEMU did not finish within ${timeout_seconds}s"
elif [ "$status" -ne "$expected_status" ]; then
  fail "QEMU exit status $status, expected $expected_status"
fi

case $case_name in
  selftest | platform-check | platform-check-virtio)
    prefix=selftest
    [ "$case_name" != selftest ] && prefix=platform-check
    summary=$(grep -E "^$prefix summary: [0-9]+ passed, [0-9]+ failed\$" "$log" | tail -n 1)
    if [ -z "$summary" ]; then
      fail "no '$prefix summary: N passed, M failed' line"
    else
      passed=$(echo "$summary" | sed -E 's/^.* summary: ([0-9]+) passed.*/\1/')
      failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failed$/\1/')
      [ "$passed" -gt 0 ] || fail "no check passed: $summary"
      [ "$failed" -eq 0 ] || fail "checks failed: $summary"
    fi
    if [ "$case_name" = platform-check-virtio ]; then
      grep -qE '^virtio: 0000:00:[0-9a-f]{2}\.0 network, irq [0-9]+' "$log" ||
        fail "no boot line 'virtio: 0000:00:DD.0 network, irq N'"
      exchanges=$(grep -cE '^platform-check virtio: network device, .* [1-9][0-9]* interrupts, ARP reply from 10\.0\.2\.2 at ([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$log")
      [ "$exchanges" -eq 2 ] ||
        fail "$exchanges of the 2 NICs reported an ARP reply from 10.0.2.2 after interrupts"
    fi
    ;;
  boot)
    grep -qE '^ringkernel [^ ]+' "$log" || fail "no banner line starting 'ringkernel'"
    command_line=$(grep -E '^command line: ' "$log" | head -n 1)
    if [ -z "$command_line" ]; then
      fail "the command line is not printed"
    else
      [ "$command_line" = "command line: $append" ] ||
        fail "command line printed as '${command_line#command line: }', expected '$append'"
    fi
    # The parsed options: lines other than the raw command line naming each key and value.
    options=$(grep -vE '^command line: ' "$log")
    echo "$options" | grep -qE '(^|[^.a-z])rk\.test[ "]*=[ "]*boot"?$' ||
      fail "the parsed option rk.test=boot is not printed"
    echo "$options" | grep -qE '(^|[^.a-z])console[ "]*=[ "]*ttyS0"?$' ||
      fail "the parsed option console=ttyS0 is not printed"
    ;;
  stack-overflow)
    grep -qE 'vector 8 \(double fault\)' "$log" || fail "no double fault reported"
    grep -qE 'cr2 0xffffc94' "$log" || fail "the fault address is not in the kernel stack area"
    grep -qE '#[0-9]+ 0x[0-9a-f]+ overflow_the_stack' "$log" || fail "the backtrace does not name overflow_the_stack"
    grep -qE '#[0-9]+ 0x[0-9a-f]+ thread_start' "$log" || fail "the backtrace does not reach thread_start"
    ;;
  initrd-tree)
    grep -q '^selftest tree: PASS$' "$log" || fail "selftest tree did not pass"
    grep -qE '^tree: - 0640 +22 /etc/motd$' "$log" || fail "/etc/motd (0640, 22 bytes) is not listed"
    grep -qE '^tree: l 0777 +4 /etc/link$' "$log" || fail "the symlink /etc/link -> motd is not listed"
    grep -qE '^tree: - 0755 +[0-9]+ /init$' "$log" || fail "/init (0755) is not listed"
    grep -qE '^tree: d [0-9]+ +[0-9]+ /usr/share/doc$' "$log" || fail "/usr/share/doc is not listed"
    grep -qE '^tree: - 0444 +0 /proc/meminfo$' "$log" || fail "/proc/meminfo is not listed"
    grep -qE '^tree: c 0666 +0 /dev/null$' "$log" || fail "/dev/null is not listed"
    grep -qE 'initramfs: unpacked [0-9]+ entries' "$log" || fail "no initramfs summary line"
    ;;
  crash)
    for register in rip rsp rflags cr2 cr3 rax rbx rcx rdx rsi rdi rbp r8 r9 r10 r11 r12 r13 r14 r15; do
      grep -qE "(^| )$register +0x[0-9a-f]+" "$log" || fail "register dump lacks $register"
    done
    grep -qE 'cr2 +0x0*8( |$)' "$log" || fail "cr2 is not the faulting address 0x8"
    backtrace=$(sed -n '/^backtrace:/,$p' "$log")
    if [ -z "$backtrace" ]; then
      fail "no 'backtrace:' section"
    else
      echo "$backtrace" | grep -qE '0x[0-9a-f]+ .*core_crash_on_request\+0x[0-9a-f]+' ||
        fail "the backtrace has no symbolized core_crash_on_request frame"
      echo "$backtrace" | grep -qE '0x[0-9a-f]+ .*kernel_main\+0x[0-9a-f]+' ||
        fail "the backtrace does not reach kernel_main"
    fi
    ;;
esac

if [ "$failures" -ne 0 ]; then
  echo "# $case_name: $failures check(s) failed"
  exit 1
fi
echo "# $case_name: pass"
exit 0
