#!/usr/bin/env python3
"""console_session.py [--kernel K | --linux] — the interactive console, driven
like a person at the serial terminal (an expect-style driver on QEMU's
stdio): the default initramfs gives a shell with job control (setsid
cttyhack); ^C interrupts the foreground job, ^Z stops it, fg/bg/jobs/kill %N
work, ^D ends cat's input, `exit` powers off. TAP output, one point per step.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import initramfs  # noqa: E402

# PS1 is '\w # ' and the shell stays in /root; ash follows its prompt with a
# cursor position query (ESC [ 6 n), so the prompt is not the last thing.
PROMPT = re.compile(rb"~ # ")


class Console:
    """QEMU with its serial console on pipes; everything read is kept in
    self.transcript (carriage returns dropped)."""

    def __init__(self, command):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        self.transcript = b""
        self.position = 0  # where the next expect starts looking

    def read_some(self, timeout):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return False
        data = os.read(self.process.stdout.fileno(), 65536)
        if not data:
            return None
        self.transcript += data.replace(b"\r", b"")
        return True

    def expect(self, pattern, timeout):
        """Wait until pattern (bytes regex) matches the output after the last
        match; returns the match or None on timeout / QEMU exit."""
        regex = re.compile(pattern) if isinstance(pattern, bytes) else pattern
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.transcript, self.position)
            if match:
                self.position = match.end()
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if self.read_some(min(remaining, 0.2)) is None:
                return None

    def settle(self, seconds):
        """Read whatever arrives for a while (lets the shell redraw)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.read_some(deadline - time.monotonic()) is None:
                return

    def send(self, text):
        self.process.stdin.write(text.encode() if isinstance(text, str) else text)
        self.process.stdin.flush()

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel")
    parser.add_argument("--linux", action="store_true")
    parser.add_argument("--boot-timeout", type=float, default=60)
    arguments = parser.parse_args()

    if arguments.linux:
        kernel = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "rk"), "linux-kernel"],
                                check=True, capture_output=True, text=True).stdout.strip()
        append = "console=ttyS0 quiet panic=-1"
    else:
        kernel = arguments.kernel or os.path.join(ROOT, "build", "x86", "src", "platform-x86", "ringkernel.elf")
        append = "console=ttyS0 quiet"
    initrd = tempfile.NamedTemporaryFile(prefix="rk-console-", suffix=".cpio", delete=False)
    with initrd:
        initramfs.default_tree().write_cpio(initrd)
    command = ["qemu-system-x86_64", "-machine", "pc,accel=tcg", "-m", "256M", "-nographic", "-no-reboot",
               "-nic", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-kernel", kernel, "-initrd", initrd.name, "-append", append]
    console = Console(command)
    steps = []

    def step(name, ok, detail=""):
        steps.append((name, ok, detail))

    try:
        prompt = console.expect(PROMPT, arguments.boot_timeout)
        step("a shell prompt on the console", prompt is not None)
        if prompt is None:
            raise StopIteration
        console.settle(0.5)
        console.position = len(console.transcript)

        console.send("tty; echo job-control=$(set -o | grep -c 'monitor.*on')\n")
        step("the shell's stdin is a terminal", console.expect(rb"/dev/(ttyS0|console)\n", 10) is not None)
        step("job control is on (set -o monitor)", console.expect(rb"job-control=1\n", 10) is not None)
        console.expect(PROMPT, 10)

        console.send("sleep 30\n")
        console.settle(1.0)
        console.send(b"\x03")
        step("^C interrupts a foreground sleep", console.expect(PROMPT, 10) is not None)
        console.send("echo status=$?\n")
        step("its status is 130 (SIGINT)", console.expect(rb"status=130\n", 10) is not None)
        console.expect(PROMPT, 10)

        console.send("sleep 40 &\n")
        console.expect(PROMPT, 10)
        console.send("jobs\n")
        step("jobs lists it as running", console.expect(rb"\[1\]\+? +Running +sleep 40", 10) is not None)
        console.expect(PROMPT, 10)
        console.send("fg\n")
        console.expect(rb"sleep 40\n", 10)
        console.settle(1.0)
        console.send(b"\x1a")
        step("^Z stops the foreground job", console.expect(rb"\[1\]\+? +Stopped +sleep 40", 10) is not None)
        console.expect(PROMPT, 10)
        console.send("bg\n")
        step("bg resumes it in the background", console.expect(rb"\[1\]\+? sleep 40", 10) is not None)
        console.expect(PROMPT, 10)
        # ash reports the job's end before a prompt once it has been reaped:
        # at once, or after the next command if the kill lands later.
        mark = console.position
        console.send("kill %1\n")
        console.expect(PROMPT, 10)
        console.send("sleep 1\n")
        console.position = mark
        step("kill %1 ends it", console.expect(rb"\[1\]\+? +Terminated +sleep 40", 10) is not None)
        console.position = mark
        console.expect(rb"sleep 1\n", 10)
        console.expect(PROMPT, 10)

        console.send("cat\n")
        console.settle(0.5)
        console.send("typed line\n")
        step("cat echoes a typed line (canonical mode)", console.expect(rb"typed line\ntyped line\n", 10) is not None)
        console.send(b"\x04")
        step("^D ends cat's input", console.expect(PROMPT, 10) is not None)

        console.send("echo abcX\x7fd | tr a-z A-Z\n")
        step("erase (DEL) removes the last character", console.expect(rb"\nABCD\n", 10) is not None)
        console.expect(PROMPT, 10)

        console.send("echo one | cat | wc -l\n")
        step("a pipeline at the prompt", console.expect(rb"\n1\n", 10) is not None)
        console.expect(PROMPT, 10)

        console.send("exit\n")
        deadline = time.monotonic() + 20
        while console.process.poll() is None and time.monotonic() < deadline:
            if console.read_some(0.2) is None:
                break
        try:
            console.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        step("exit powers the machine off", console.process.poll() is not None)
    except StopIteration:
        pass
    finally:
        console.close()
        os.unlink(initrd.name)

    print(f"1..{len(steps)}")
    failures = 0
    for number, (name, ok, detail) in enumerate(steps, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {name}")
        failures += not ok
    if failures:
        print("# the console transcript:")
        for line in console.transcript.decode(errors="replace").splitlines()[-80:]:
            print(f"#   {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
