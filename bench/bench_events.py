"""Live events: N open streams (default 2,000) on gunicorn (deploy/gunicorn.conf.py, 2 gthread
workers, SQLite), one colleague's availability change fanned out to all of them.

Prints the delivery time from the change's answer to each stream's `presence` event (p50,
p99, max), the workers' memory per open stream, and the ceiling measured in the same run:
the same change delivered to a single open stream (the poll interval and one round trip).
The streams are read by one thread of this process with `selectors` (no client thread each).
"""
from __future__ import annotations

import argparse
import os
import selectors
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.lib import ROOT, demo_database, free_port, report, wait_http
from mobile_client_sim.availability import find_profile, set_availability
from mobile_client_sim.client import AppClient

WATCHER, COLLEAGUE = "+4790000002", "+4790000003"


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _workers_rss_kb(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sum(_rss_kb(int(c)) for c in children)


def _open(port: int, token: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"GET /api/v1/me/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
    return sock


def _until_connected(socks: list[socket.socket]) -> None:
    for sock in socks:
        got = b""
        while b": connected" not in got:
            chunk = sock.recv(4096)
            if not chunk:
                raise RuntimeError("a stream was refused: " + got[:200].decode(errors="replace"))
            got += chunk
        sock.setblocking(False)


def _deliveries(socks: list[socket.socket], started: float, timeout_s: float) -> list[float]:
    """Seconds from `started` until each stream received a presence event."""
    sel = selectors.DefaultSelector()
    for sock in socks:
        sel.register(sock, selectors.EVENT_READ, bytearray())
    times, deadline = [], time.monotonic() + timeout_s
    while len(times) < len(socks) and time.monotonic() < deadline:
        for key, _ in sel.select(0.5):
            buf = key.data
            try:
                buf += key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            if b"event: presence" in buf:
                times.append(time.monotonic() - started)
                sel.unregister(key.fileobj)
    sel.close()
    return times


def _fan_out(port: int, watcher: AppClient, colleague: AppClient, n: int, profile: str,
             master: int) -> dict:
    before = _workers_rss_kb(master)
    socks = [_open(port, watcher.access_token) for _ in range(n)]
    try:
        _until_connected(socks)
        held = _workers_rss_kb(master)
        set_availability(colleague, profile)
        started = time.monotonic()
        times = sorted(_deliveries(socks, started, 30.0))
    finally:
        for sock in socks:
            sock.close()
    q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return {"n": n, "got": len(times), "p50": q[49] * 1000, "p99": q[98] * 1000,
            "max": times[-1] * 1000 if times else float("nan"),
            "kb_per_stream": (held - before) / max(n, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=2000)
    args = ap.parse_args()
    per_worker = args.streams + 50   # the kernel does not split connections evenly
    with demo_database() as url:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development", "PORT": str(port),
               "WEB_CONCURRENCY": "2", "WEB_THREADS": str(per_worker),
               "WEB_CONNECTIONS": str(per_worker * 2)}
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                                 "api.wsgi:app"], cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_http(base + "/healthz")
            watcher, colleague = AppClient(base), AppClient(base)
            watcher.login(WATCHER, "demo")
            colleague.login(COLLEAGUE, "demo")
            find_profile(colleague, "meeting")
            ceiling = _fan_out(port, watcher, colleague, 1, "meeting", proc.pid)
            many = _fan_out(port, watcher, colleague, args.streams, "lunch", proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report(f"Live events: one presence change to {args.streams} open streams "
           "(gunicorn gthread, 2 workers, SQLite)", [
        ("ceiling: 1 stream", f"delivered in {ceiling['max']:.1f} ms"),
        (f"{many['n']} streams", f"{many['got']} delivered  p50 {many['p50']:.1f} ms  "
                                 f"p99 {many['p99']:.1f} ms  max {many['max']:.1f} ms"),
        ("p99 / ceiling", f"{many['p99'] / max(ceiling['max'], 0.001):.1f}x"),
        ("memory per open stream", f"{many['kb_per_stream']:.0f} KiB (workers' RSS)"),
    ])


if __name__ == "__main__":
    main()
