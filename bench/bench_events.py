"""Live events: N open streams (default 2,000) on gunicorn (deploy/gunicorn.conf.py, 2 gthread
workers), one colleague's availability change fanned out to all of them, on SQLite and on
PostgreSQL (`--db sqlite|postgresql|both`).

Prints the delivery time from the change's answer to each stream's `presence` event (p50,
p99, max), the workers' memory per open stream, how the streams were spread over the two
workers (the change is made through one of them: the other's streams hear it through the
database), and ceilings measured in the same run: the same change delivered to a single
open stream, and on PostgreSQL a bare LISTEN/NOTIFY round trip between two connections.
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
from bench.notify import notify_round_trips
from mobile_client_sim.availability import find_profile, set_availability
from mobile_client_sim.client import AppClient

WATCHER, COLLEAGUE = "+4790000002", "+4790000003"


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _workers(master: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def _workers_rss_kb(master: int) -> int:
    return sum(_rss_kb(pid) for pid in _workers(master))


def _threads(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


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
    threads = {pid: _threads(pid) for pid in _workers(master)}
    socks = [_open(port, watcher.access_token) for _ in range(n)]
    try:
        _until_connected(socks)
        held = _workers_rss_kb(master)
        # each open stream holds a thread of the worker serving it (started on demand)
        spread = sorted(max(0, _threads(pid) - k) for pid, k in threads.items())
        set_availability(colleague, profile)
        started = time.monotonic()
        times = sorted(_deliveries(socks, started, 30.0))
    finally:
        for sock in socks:
            sock.close()
    q = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return {"n": n, "got": len(times), "p50": q[49] * 1000, "p99": q[98] * 1000,
            "max": times[-1] * 1000 if times else float("nan"),
            "kb_per_stream": (held - before) / max(n, 1), "spread": spread}


def run(kind: str, streams: int) -> None:
    per_worker = streams + 50   # the kernel does not split connections evenly
    with demo_database(kind) as url:
        bare = notify_round_trips(url) if kind == "postgresql" else None
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
            many = _fan_out(port, watcher, colleague, streams, "lunch", proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    one = max(ceiling["max"], 0.001)
    rows = [("ceiling: 1 stream", f"delivered in {ceiling['max']:.1f} ms"),
            (f"{many['n']} streams", f"{many['got']} delivered  p50 {many['p50']:.1f} ms  "
                                     f"p99 {many['p99']:.1f} ms  max {many['max']:.1f} ms"),
            ("streams per worker", " / ".join(str(k) for k in many["spread"])),
            ("p50 / p99 against 1 stream", f"{many['p50'] / one:.1f}x / {many['p99'] / one:.1f}x"),
            ("fan-out cost per stream", f"{(many['p99'] - one) / max(many['n'], 1) * 1000:.0f} us "
                                        "((p99 - 1 stream) / streams)")]
    if bare is not None:
        rows += [("ceiling: bare LISTEN/NOTIFY", f"p50 {bare['p50']:.2f} ms  "
                                                f"p99 {bare['p99']:.2f} ms  ({bare['n']} trips)"),
                 ("p50 / p99 against LISTEN/NOTIFY",
                  f"{many['p50'] / bare['p50']:.0f}x / {many['p99'] / bare['p99']:.0f}x")]
    rows.append(("memory per open stream", f"{many['kb_per_stream']:.0f} KiB (workers' RSS)"))
    report(f"Live events: one presence change to {streams} open streams "
           f"(gunicorn gthread, 2 workers, {kind})", rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=2000)
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = ap.parse_args()
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        run(kind, args.streams)


if __name__ == "__main__":
    main()
