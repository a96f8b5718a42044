#!/usr/bin/env python3
"""run_network.py — the network cases that need the host's side: one QEMU
boot per case through tools/rk exec (virtio-net on QEMU user networking,
guest 10.0.2.15, host 10.0.2.2), the host's side in this script; TAP output.

  run_network.py [--kernel K | --linux] [--only NAME]... [--timeout S]

Cases:
  httpd-hostfwd     BusyBox httpd in the guest serves a 1 MiB file; the host
                    fetches it through --hostfwd and compares it byte for byte
  wget-host         the guest's wget fetches a 1 MiB file from a host HTTP
                    server on 127.0.0.1 (reached as 10.0.2.2); sha256 compared
                    in the guest, then a 404 (wget's status 1)
  nc-guest-listen   nc -l -e cat in the guest, reached through --hostfwd: the
                    host sends 256 KiB and reads them back (echo), then EOF
  nc-guest-connect  the guest's nc sends 256 KiB to a host echo server on
                    127.0.0.1 (as 10.0.2.2) and checksums what comes back
  udp-host          UDP through QEMU's user network: the guest's
                    udp_echo_client.c sends datagrams of 1 to 8000 bytes
                    (fragmented) to a host echo socket, checks every echo
  bench-smoke       bench/net/net_bench.c with small sizes (2 MiB to the host,
                    8 MiB over loopback, 50 connections): figures printed

Ports: the host side binds port 0 on 127.0.0.1 and reads the port back;
forwarded host ports are chosen the same way just before QEMU starts.
Waits are deterministic: the host waits for the guest's "@@ready" line on
the console, and a forwarded connection made before the guest listens is
retried (the guest side always speaks first, so a connection that QEMU
accepted but the guest refused is recognised by its immediate EOF).
"""
import argparse
import hashlib
import http.server
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RK = os.path.join(ROOT, "tools", "rk")
BLOB_SIZE = 1024 * 1024
ECHO_SIZE = 256 * 1024
HOST_TIMEOUT = 60.0


def blob(size, seed):
    """size deterministic pseudo-random bytes (the same on every run)."""
    return random.Random(seed).randbytes(size)


def free_port():
    """A TCP port on 127.0.0.1 that nothing uses right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Guest:
    """One tools/rk exec run: its console output read line by line."""

    def __init__(self, kernel_arguments, overlay, command, hostfwd=(), timeout=60.0):
        arguments = [sys.executable, RK, "exec", "--overlay", overlay, "--timeout", str(timeout)]
        for rule in hostfwd:
            arguments += ["--hostfwd", rule]
        arguments += kernel_arguments + ["--", command]
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.output = b""
        self.deadline = time.monotonic() + timeout + 10

    def wait_text(self, marker):
        """Read the console until marker appears (rk exec holds a line's last
        newline back until more output comes, so no whole line is awaited);
        True when seen, False at the end of the output."""
        while marker.encode() not in self.output:
            data = os.read(self.process.stdout.fileno(), 65536)
            if not data:
                return False
            self.output += data
        return True

    def finish(self):
        """The rest of the output; returns (status, the output's lines, stderr)."""
        while True:
            data = os.read(self.process.stdout.fileno(), 65536)
            if not data:
                break
            self.output += data
        try:
            self.process.wait(timeout=max(1.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        stderr = self.process.stderr.read().decode(errors="replace")
        return self.process.returncode, self.output.decode(errors="replace").splitlines(), stderr


def connect_to_guest(port, greeting, deadline):
    """Connect to a forwarded port until the guest's side answers with
    greeting (retrying while QEMU's connection gets an immediate EOF because
    nothing listens in the guest yet). Returns the connected socket."""
    while time.monotonic() < deadline:
        try:
            connection = socket.create_connection(("127.0.0.1", port), timeout=HOST_TIMEOUT)
        except ConnectionRefusedError:  # QEMU not listening yet
            time.sleep(0.05)
            continue
        received = b""
        try:
            while len(received) < len(greeting):
                data = connection.recv(len(greeting) - len(received))
                if not data:
                    break
                received += data
        except (ConnectionResetError, socket.timeout):
            received = b""
        if received == greeting:
            return connection
        connection.close()
        if received:
            raise RuntimeError(f"unexpected greeting {received!r}")
        time.sleep(0.05)
    raise RuntimeError("the guest never answered on the forwarded port")


def case_httpd_hostfwd(kernel_arguments, work, timeout):
    data = blob(BLOB_SIZE, 1)
    os.makedirs(os.path.join(work, "www"))
    with open(os.path.join(work, "www", "blob"), "wb") as output:
        output.write(data)
    http_port, control_port = free_port(), free_port()
    command = ("httpd -p 80 -h /www || exit 1; echo @@ready; "
               "echo released | nc -l -p 81 >/dev/null; echo guest: released")
    guest = Guest(kernel_arguments, work, command,
                  [f"tcp:127.0.0.1:{http_port}-:80", f"tcp:127.0.0.1:{control_port}-:81"], timeout)
    problems = []
    if not guest.wait_text("@@ready"):
        problems.append("the guest never printed @@ready")
    else:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/blob", timeout=HOST_TIMEOUT) as response:
                fetched = response.read()
                status = response.status
            if status != 200:
                problems.append(f"HTTP status {status}")
            if fetched != data:
                problems.append(f"fetched {len(fetched)} bytes, sha256 {hashlib.sha256(fetched).hexdigest()}, "
                                f"expected {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
        except Exception as problem:  # noqa: BLE001 - reported as the case's failure
            problems.append(f"fetch through hostfwd failed: {problem!r}")
        try:
            connect_to_guest(control_port, b"released\n", time.monotonic() + 20).close()
        except Exception as problem:  # noqa: BLE001
            problems.append(f"release failed: {problem!r}")
    status, lines, stderr = guest.finish()
    if status != 0:
        problems.append(f"rk exec status {status}: {stderr.strip()[-300:]}")
    elif "guest: released" not in [line.strip() for line in lines]:
        problems.append("the guest did not finish")
    return problems, lines


class BlobHandler(http.server.BaseHTTPRequestHandler):
    """Serves the server's blob at /blob, 404 elsewhere."""

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path != "/blob":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(self.server.blob)))
        self.end_headers()
        self.wfile.write(self.server.blob)

    def log_message(self, *arguments):
        pass


def case_wget_host(kernel_arguments, work, timeout):
    data = blob(BLOB_SIZE, 2)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BlobHandler)
    server.blob = data
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    command = (f"wget -q -O /tmp/blob http://10.0.2.2:{port}/blob; echo wget status $?; "
               f"sha256sum /tmp/blob; wc -c </tmp/blob; "
               f"wget -q -O /tmp/missing http://10.0.2.2:{port}/missing 2>/dev/null; echo missing: wget status $?")
    try:
        guest = Guest(kernel_arguments, work, command, (), timeout)
        status, lines, stderr = guest.finish()
    finally:
        server.shutdown()
        server.server_close()
    expected = ["wget status 0", f"{hashlib.sha256(data).hexdigest()}  /tmp/blob", str(len(data)),
                "missing: wget status 1"]
    problems = []
    if status != 0:
        problems.append(f"rk exec status {status}: {stderr.strip()[-300:]}")
    if [line.strip() for line in lines] != expected:
        problems.append(f"guest output {lines!r}, expected {expected!r}")
    return problems, lines


def case_nc_guest_listen(kernel_arguments, work, timeout):
    data = blob(ECHO_SIZE, 3)
    port = free_port()
    # The greeting makes "someone listens" visible to the host: echo, then cat.
    command = "echo @@ready; nc -l -p 7 -e sh -c 'echo hello; exec cat'; echo guest: nc status $?"
    guest = Guest(kernel_arguments, work, command, [f"tcp:127.0.0.1:{port}-:7"], timeout)
    problems = []
    try:
        if not guest.wait_text("@@ready"):
            raise RuntimeError("the guest never printed @@ready")
        connection = connect_to_guest(port, b"hello\n", time.monotonic() + 30)
        received = bytearray()

        def reader():
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                received.extend(chunk)

        thread = threading.Thread(target=reader)
        thread.start()
        connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)
        thread.join(HOST_TIMEOUT)
        connection.close()
        if bytes(received) != data:
            problems.append(f"echoed {len(received)} bytes (expected {len(data)}), equal: {bytes(received) == data}")
    except Exception as problem:  # noqa: BLE001
        problems.append(f"host side failed: {problem!r}")
    status, lines, stderr = guest.finish()
    if status != 0:
        problems.append(f"rk exec status {status}: {stderr.strip()[-300:]}")
    elif "guest: nc status 0" not in [line.strip() for line in lines]:
        problems.append("the guest's nc did not exit 0")
    return problems, lines


def case_nc_guest_connect(kernel_arguments, work, timeout):
    data = blob(ECHO_SIZE, 4)
    with open(os.path.join(work, "payload"), "wb") as output:
        output.write(data)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(timeout)
    port = listener.getsockname()[1]
    host_received = bytearray()

    def echo_server():
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(HOST_TIMEOUT)
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                host_received.extend(chunk)
                connection.sendall(chunk)

    thread = threading.Thread(target=echo_server, daemon=True)
    thread.start()
    command = f"nc 10.0.2.2 {port} </payload | sha256sum; echo guest: done"
    guest = Guest(kernel_arguments, work, command, (), timeout)
    status, lines, stderr = guest.finish()
    thread.join(5)
    listener.close()
    problems = []
    expected = [f"{hashlib.sha256(data).hexdigest()}  -", "guest: done"]
    if status != 0:
        problems.append(f"rk exec status {status}: {stderr.strip()[-300:]}")
    if bytes(host_received) != data:
        problems.append(f"the host received {len(host_received)} bytes (expected {len(data)}), "
                        f"equal: {bytes(host_received) == data}")
    if [line.strip() for line in lines] != expected:
        problems.append(f"guest output {lines!r}, expected {expected!r}")
    return problems, lines


def build_static(work, source, name):
    """Compile source (a path under ROOT) with musl-gcc -static into
    work/rk/name; returns None, or a problem's description."""
    compiler = shutil.which("musl-gcc")
    if compiler is None:
        return "musl-gcc is missing (tools/setup.sh installs musl-tools)"
    os.makedirs(os.path.join(work, "rk"), exist_ok=True)
    build = subprocess.run([compiler, "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o",
                            os.path.join(work, "rk", name), os.path.join(ROOT, source)],
                           capture_output=True, text=True)
    if build.returncode != 0:
        return f"{source} does not build: {build.stderr.strip()[-300:]}"
    return None


def case_udp_host(kernel_arguments, work, timeout):
    """UDP both ways through QEMU's user network: a host echo socket on
    127.0.0.1, the guest's udp_echo_client sends datagrams up to 8000 bytes
    (fragmented) to 10.0.2.2 and checks the echoes."""
    problem = build_static(work, "test/qemu/udp_echo_client.c", "udp_echo_client")
    if problem:
        return [problem], []
    echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    echo.bind(("127.0.0.1", 0))
    echo.settimeout(0.5)
    port = echo.getsockname()[1]
    running = [True]
    datagrams = [0]

    def echo_loop():
        while running[0]:
            try:
                data, sender = echo.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            datagrams[0] += 1
            echo.sendto(data, sender)

    thread = threading.Thread(target=echo_loop, daemon=True)
    thread.start()
    guest = Guest(kernel_arguments, work, f"/rk/udp_echo_client 10.0.2.2 {port}", (), timeout)
    status, lines, stderr = guest.finish()
    running[0] = False
    thread.join(5)
    echo.close()
    problems = []
    if status != 0:
        problems.append(f"rk exec status {status}: {stderr.strip()[-300:]}")
    if datagrams[0] != 7:
        problems.append(f"the host echoed {datagrams[0]} datagrams, expected 7")
    return problems, lines


def case_bench_smoke(kernel_arguments, work, timeout):
    """bench/net/net_bench.c with small sizes: each benchmark prints its line
    with a positive figure (no figure is judged: timing is never asserted)."""
    problem = build_static(work, "bench/net/net_bench.c", "net_bench")
    if problem:
        return [problem], []
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(timeout)
    port = listener.getsockname()[1]
    sunk = [0]

    def sink():
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(HOST_TIMEOUT)
            while True:
                data = connection.recv(1 << 20)
                if not data:
                    return
                sunk[0] += len(data)

    thread = threading.Thread(target=sink, daemon=True)
    thread.start()
    command = (f"/rk/net_bench send 10.0.2.2 {port} 2 && /rk/net_bench loopback 8 && "
               f"/rk/net_bench connect 50")
    guest = Guest(kernel_arguments, work, command, (), timeout)
    status, lines, stderr = guest.finish()
    thread.join(5)
    listener.close()
    problems = []
    if status != 0:
        problems.append(f"rk exec status {status}: {stderr.strip()[-300:]}")
    figures = {}
    for line in lines:
        words = line.split()
        if len(words) == 4 and words[0] == "bench":
            figures[words[1]] = float(words[3])
    for name in ("tcp-send-host", "tcp-loopback", "tcp-connect-accept-close"):
        if figures.get(name, 0) <= 0:
            problems.append(f"no positive figure for {name}")
    if sunk[0] != 2 << 20:
        problems.append(f"the host sink got {sunk[0]} bytes, expected {2 << 20}")
    return problems, lines


CASES = [
    ("httpd-hostfwd", case_httpd_hostfwd),
    ("wget-host", case_wget_host),
    ("nc-guest-listen", case_nc_guest_listen),
    ("nc-guest-connect", case_nc_guest_connect),
    ("udp-host", case_udp_host),
    ("bench-smoke", case_bench_smoke),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel")
    parser.add_argument("--linux", action="store_true")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per boot (60, Linux 120)")
    parser.add_argument("--only", action="append", help="run only cases whose name contains this")
    arguments = parser.parse_args()
    kernel_arguments = ["--linux"] if arguments.linux else (["--kernel", arguments.kernel]
                                                            if arguments.kernel else [])
    timeout = arguments.timeout or (120.0 if arguments.linux else 60.0)
    cases = [(name, run) for name, run in CASES
             if not arguments.only or any(pattern in name for pattern in arguments.only)]
    print(f"1..{len(cases)}", flush=True)
    failures = 0
    for number, (name, run) in enumerate(cases, 1):
        work = tempfile.mkdtemp(prefix=f"rk-net-{name}-")
        started = time.monotonic()
        try:
            problems, lines = run(kernel_arguments, work, timeout)
        except Exception as problem:  # noqa: BLE001
            problems, lines = [f"the case raised {problem!r}"], []
        finally:
            shutil.rmtree(work, ignore_errors=True)
        elapsed = time.monotonic() - started
        if problems:
            failures += 1
            print(f"not ok {number} - {name}")
            for problem in problems:
                print(f"#   {problem}")
            for line in lines[-20:]:
                print(f"#   guest: {line}")
        else:
            print(f"ok {number} - {name} # {elapsed:.1f} s")
        sys.stdout.flush()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
