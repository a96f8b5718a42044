#!/usr/bin/env python3
"""run_scenarios.py — run many guest command lines in ONE boot (tools/rk exec)
and compare each one's transcript (its output, then "[status N]") with the
expected transcript; the result is TAP (one test point per case), so Meson
lists every case in the log.

  run_scenarios.py [--kernel K | --linux] [--timeout S] [--update]
                   [--scenarios DIR]... [--programs BIN_DIR --expected DIR]
                   [--differential]

Cases:
  --scenarios DIR   every DIR/NAME.sh is a case (run with sh in a fresh
                    directory /tmp/NAME, stdin /dev/null); its expected
                    transcript is DIR/NAME.expected.
  --programs BIN    every executable BIN/NAME is a case (static C test
                    programs); expected transcripts in --expected DIR/NAME.expected.
Modes:
  default           compare with the expected files
  --update          write the expected files from this run (use with --linux:
                    Linux is the reference), then review them with git diff
  --differential    boot Debian's Linux too (one boot) and compare the two
                    kernels' transcripts case by case (the live differential)

Kernel log lines ("[ seconds ] text") inside a case's output are not part of
its transcript: they are printed as TAP comments.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RK = os.path.join(ROOT, "tools", "rk")
BEGIN = "@@rk-case-begin "
END = "\n@@rk-case-end "
KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d+\] ")

# The guest side: each case in its own directory, its status after it. The
# timeout (SIGKILL after CASE_TIMEOUT s) keeps one hung case from taking the
# others with it when signals work.
GUEST_RUNNER = """#!/bin/sh
for case_path in $(cat /rk/cases); do
  name=${case_path##*/}
  name=${name%.sh}
  mkdir -p /tmp/$name
  cd /tmp/$name
  echo "@@rk-case-begin $name"
  case $case_path in
    *.sh) timeout -s KILL @CASE_TIMEOUT@ sh $case_path </dev/null ;;
    *) timeout -s KILL @CASE_TIMEOUT@ $case_path </dev/null ;;
  esac
  printf '\\n@@rk-case-end %s %d\\n' "$name" "$?"
  cd /
done
"""


class Case:
    def __init__(self, name, guest_path, host_path, expected_path):
        self.name = name
        self.guest_path = guest_path
        self.host_path = host_path
        self.expected_path = expected_path


def collect_cases(arguments):
    cases = []
    for directory in arguments.scenarios or []:
        group = os.path.basename(os.path.normpath(directory))
        for file_name in sorted(os.listdir(directory)):
            if file_name.endswith(".sh"):
                name = file_name[:-3]
                cases.append(Case(f"{group}/{name}", f"/rk/cases.d/{group}/{file_name}",
                                  os.path.join(directory, file_name),
                                  os.path.join(directory, name + ".expected")))
    if arguments.programs:
        for file_name in sorted(os.listdir(arguments.programs)):
            path = os.path.join(arguments.programs, file_name)
            if os.path.isfile(path) and os.access(path, os.X_OK) and "." not in file_name:
                # --differential needs no expected files (Linux is run live).
                expected = os.path.join(arguments.expected, file_name + ".expected") if arguments.expected else None
                cases.append(Case(f"programs/{file_name}", f"/rk/cases.d/programs/{file_name}", path, expected))
    if arguments.only:
        cases = [case for case in cases if any(pattern in case.name for pattern in arguments.only)]
    return cases


def run_guest(cases, kernel_arguments, timeout, case_timeout):
    """One boot running every case; returns (transcripts by name, kernel
    lines by name, rk's exit status, rk's stderr)."""
    overlay = tempfile.mkdtemp(prefix="rk-cases-")
    try:
        for case in cases:
            target = os.path.join(overlay, case.guest_path.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(case.host_path, target)
        with open(os.path.join(overlay, "rk", "cases"), "w", encoding="utf-8") as listing:
            listing.write("\n".join(case.guest_path for case in cases) + "\n")
        runner = os.path.join(overlay, "rk", "run-cases")
        with open(runner, "w", encoding="utf-8") as script:
            script.write(GUEST_RUNNER.replace("@CASE_TIMEOUT@", str(case_timeout)))
        os.chmod(runner, 0o755)
        command = [sys.executable, RK, "exec", "--overlay", overlay, "--timeout", str(timeout)]
        command += kernel_arguments + ["--", "/rk/run-cases"]
        result = subprocess.run(command, capture_output=True)
    finally:
        shutil.rmtree(overlay, ignore_errors=True)
    output = result.stdout.decode(errors="replace")
    transcripts, kernel_lines = parse_output(output)
    return transcripts, kernel_lines, result.returncode, result.stderr.decode(errors="replace")


def parse_output(output):
    transcripts = {}
    kernel_lines = {}
    position = 0
    while True:
        begin = output.find(BEGIN, position)
        if begin < 0:
            break
        line_end = output.find("\n", begin)
        if line_end < 0:
            break
        name = output[begin + len(BEGIN):line_end].strip()
        end = output.find(END + name + " ", line_end)
        if end < 0:
            body = output[line_end + 1:]
            status_text = None
            position = len(output)
        else:
            body = output[line_end + 1:end]
            status_end = output.find("\n", end + len(END))
            status_text = output[end + len(END) + len(name) + 1:status_end if status_end >= 0 else None]
            position = status_end if status_end >= 0 else len(output)
        kept, noise = [], []
        for line in body.splitlines(keepends=True):
            (noise if KERNEL_LINE.match(line) else kept).append(line)
        text = "".join(kept)
        if status_text is None:
            text += "[unfinished: the boot ended inside this case]\n"
        else:
            if text and not text.endswith("\n"):
                text += "\n[no newline at the end]\n"
            text += f"[status {status_text.strip()}]\n"
        transcripts[name] = text
        kernel_lines[name] = noise
    return transcripts, kernel_lines


def short_name(case):
    return case.name.split("/", 1)[1]


def diff(expected, actual, expected_label, actual_label):
    lines = difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                 expected_label, actual_label, n=2)
    return "".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel")
    parser.add_argument("--linux", action="store_true")
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--case-timeout", type=int, default=20)
    parser.add_argument("--scenarios", action="append")
    parser.add_argument("--programs")
    parser.add_argument("--expected")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--differential", action="store_true")
    parser.add_argument("--only", action="append", help="run only cases whose name contains this")
    arguments = parser.parse_args()
    if arguments.programs and not arguments.expected and not arguments.differential:
        parser.error("--programs needs --expected DIR (or --differential)")

    cases = collect_cases(arguments)
    if not cases:
        print("1..0 # SKIP no cases")
        return 0
    kernel_arguments = ["--linux"] if arguments.linux else (["--kernel", arguments.kernel]
                                                            if arguments.kernel else [])
    print(f"# {len(cases)} cases in one boot: tools/rk exec {' '.join(kernel_arguments)}", flush=True)
    transcripts, kernel_lines, status, stderr = run_guest(cases, kernel_arguments, arguments.timeout,
                                                          arguments.case_timeout)
    boot_problem = None
    if status != 0:
        boot_problem = (stderr.strip().splitlines() or [f"rk exec exited {status}"])[-1]
        print(f"# the boot ended badly (rk exec status {status}): {boot_problem}")
    if arguments.update and boot_problem:
        print("Bail out! not updating expected files from a failed boot")
        return 1
    reference = {}
    reference_label = "expected"
    if arguments.differential:
        reference_label = "linux"
        print("# the reference: the same cases on Debian's Linux (one boot)", flush=True)
        reference, _, linux_status, linux_stderr = run_guest(cases, ["--linux"], arguments.timeout,
                                                             arguments.case_timeout)
        if linux_status != 0:
            print(f"# Linux's boot ended badly (status {linux_status}): {linux_stderr.strip()[-300:]}")

    print(f"1..{len(cases)}")
    failures = 0
    for number, case in enumerate(cases, 1):
        name = short_name(case)
        actual = transcripts.get(name)
        if actual is None:
            actual = f"[not run: {boot_problem or 'no output for this case'}]\n"
        if arguments.update:
            with open(case.expected_path, "w", encoding="utf-8") as expected_file:
                expected_file.write(actual)
            print(f"ok {number} - {case.name} # updated {os.path.relpath(case.expected_path, ROOT)}")
            continue
        if arguments.differential:
            expected = reference.get(name, "[no Linux transcript]\n")
        elif os.path.exists(case.expected_path):
            with open(case.expected_path, encoding="utf-8") as expected_file:
                expected = expected_file.read()
        else:
            expected = "[no expected file]\n"
        if actual == expected:
            print(f"ok {number} - {case.name}")
        else:
            failures += 1
            print(f"not ok {number} - {case.name}")
            for line in diff(expected, actual, reference_label, "ringkernel" if not arguments.linux
                             else "this run").splitlines():
                print(f"#   {line}")
            # The kernel's own lines during this case, each distinct text once.
            seen = []
            for line in kernel_lines.get(name, []):
                text = KERNEL_LINE.sub("", line).rstrip()
                if text not in seen:
                    seen.append(text)
            for text in seen[:10]:
                print(f"#   kernel said: {text}")
    sys.stdout.flush()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
