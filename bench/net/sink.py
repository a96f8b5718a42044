#!/usr/bin/env python3
"""sink.py PORT_FILE — a TCP sink for bench/net: listens on 127.0.0.1 at a
port the kernel chooses (written to PORT_FILE), and for every connection
reads until EOF, then closes (what net_bench send waits for). Runs until
killed; one thread per connection."""
import os
import socket
import sys
import threading


def serve(connection):
    with connection:
        while connection.recv(1 << 20):
            pass


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    with open(sys.argv[1] + ".tmp", "w", encoding="utf-8") as note:
        note.write(f"{listener.getsockname()[1]}\n")
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection,), daemon=True).start()


if __name__ == "__main__":
    main()
