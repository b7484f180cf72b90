#!/usr/bin/env python3
"""bench/idle_clients.py: opens N keep-alive connections to 127.0.0.1:PORT, sends one GET on each,
reads its whole response, then holds them all open, idle, until stdin closes or --hold seconds pass.

Usage: python3 bench/idle_clients.py PORT [--count 10000] [--path /plaintext] [--hold 120]
Prints `READY <open> <failed>` once every connection has its response (bench/memory.sh waits for it).
The connections stay open until stdin closes, --hold seconds pass, or the process is terminated.
Loopback only: the address is fixed to 127.0.0.1. At most --inflight connections are being set up at once,
so the listen backlog never overflows.
"""
import argparse
import errno
import selectors
import socket
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--path", default="/plaintext")
    ap.add_argument("--hold", type=float, default=120.0)
    ap.add_argument("--inflight", type=int, default=128)
    ap.add_argument("--setup-timeout", type=float, default=60.0)
    a = ap.parse_args()

    request = f"GET {a.path} HTTP/1.1\r\nHost: 127.0.0.1:{a.port}\r\nUser-Agent: idle_clients\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    done = []       # sockets whose response arrived: held idle
    failed = 0
    started = 0
    pending = 0
    deadline = time.monotonic() + a.setup_timeout

    def start_one():
        nonlocal started, pending
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex(("127.0.0.1", a.port))
        if err not in (0, errno.EINPROGRESS):
            raise OSError(err, "connect failed")
        sel.register(s, selectors.EVENT_WRITE, {"state": "connect", "buf": b""})
        started += 1
        pending += 1

    while (started < a.count or pending) and time.monotonic() < deadline:
        while started < a.count and pending < a.inflight:
            start_one()
        for key, _ in sel.select(timeout=1.0):
            s, st = key.fileobj, key.data
            try:
                if st["state"] == "connect":
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, "connect failed")
                    s.sendall(request)
                    st["state"] = "read"
                    sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(65536)
                if not chunk:
                    raise OSError("closed by server")
                st["buf"] += chunk
                head, sep, body = st["buf"].partition(b"\r\n\r\n")
                if not sep:
                    continue
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if len(body) >= length:
                    sel.unregister(s)
                    done.append(s)
                    pending -= 1
            except OSError:
                sel.unregister(s)
                s.close()
                failed += 1
                pending -= 1

    print(f"READY {len(done)} {failed + (a.count - started) + pending}", flush=True)
    # Hold until stdin closes (the caller is done measuring) or --hold seconds pass.
    # (stdin may be /dev/null or a file, which epoll refuses: then only the time, or a signal, ends the hold.)
    hold = selectors.DefaultSelector()
    end = time.monotonic() + a.hold
    try:
        hold.register(sys.stdin, selectors.EVENT_READ)
    except (OSError, ValueError):
        time.sleep(a.hold)
    else:
        while time.monotonic() < end:
            if hold.select(timeout=max(0.0, end - time.monotonic())):
                if not sys.stdin.buffer.read1(4096):
                    break
    for s in done:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
