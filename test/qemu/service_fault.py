#!/usr/bin/env python3
"""service_fault.py --kernel K — a page fault inside a service on x86_64 is
contained (docs/containment.md): boot with rk.inject=proc:read:null:nth=1 (a
real NULL dereference in the proc service's first read), then in the guest
`cat /proc/uptime` fails with EIO, the kernel goes on, the supervisor
restarts proc and a later `cat /proc/uptime` succeeds; the kernel log has
the "service fault:" line with kind=page-fault and the counters in
/proc/sys/kernel/fault_stats say injected 1, contained 1, restarts 1.
TAP output, one point per check.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RK = os.path.join(ROOT, "tools", "rk")

# The first read faults; the retries wait (bounded) for the restart, which
# comes after the supervisor's backoff (10 ms by default).
GUEST = ("cat /proc/uptime; echo first-status=$?; "
         "attempt=0; while [ $attempt -lt 100 ]; do attempt=$((attempt + 1)); "
         "if cat /proc/uptime; then break; fi; sleep 0.1; done; echo later-status=$? attempts=$attempt; "
         "cat /proc/sys/kernel/fault_stats")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--timeout", type=float, default=90)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rk-service-fault-") as work:
        console_log = os.path.join(work, "console.log")
        command = [sys.executable, RK, "exec", "--kernel", arguments.kernel, "--no-network",
                   "--timeout", str(arguments.timeout), "--console-log", console_log,
                   "--append", "rk.inject=proc:read:null:nth=1", "--", GUEST]
        result = subprocess.run(command, capture_output=True)
        output = result.stdout.decode(errors="replace").replace("\r", "")
        try:
            with open(console_log, encoding="utf-8", errors="replace") as log:
                console = log.read().replace("\r", "")
        except OSError:
            console = output
    checks = [
        ("the guest command ran to its end (the kernel stayed up)", result.returncode == 0),
        ("the first cat /proc/uptime failed with EIO",
         re.search(r"cat: read error: Input/output error\nfirst-status=1\n", output) is not None),
        ("a later cat /proc/uptime succeeded",
         re.search(r"^\d+\.\d\d \d+\.\d\d\nlater-status=0 ", output, re.M) is not None),
        ("the kernel logged the service fault as a page fault in proc's read",
         re.search(r"service fault: filesystem/proc operation=read kind=page-fault address=0 .*\(injected\)",
                   console) is not None),
        ("no kernel panic or Core fault", re.search(r"KERNEL (PANIC|FAULT)", console) is None),
        ("fault_stats: injected 1", re.search(r"^injected 1$", output, re.M) is not None),
        ("fault_stats: manifested 1, contained 1",
         re.search(r"^manifested 1$", output, re.M) is not None and re.search(r"^contained 1$", output, re.M)
         is not None),
        ("fault_stats: restarts 1", re.search(r"^restarts 1$", output, re.M) is not None),
    ]
    print(f"1..{len(checks)}")
    failed = 0
    for number, (name, ok) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {name}")
        failed += not ok
    if failed:
        print("# guest output:")
        for line in output.splitlines()[-40:]:
            print(f"#   {line}")
        print(f"# rk exec status {result.returncode}: {result.stderr.decode(errors='replace').strip()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
