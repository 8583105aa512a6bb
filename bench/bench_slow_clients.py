"""Slow clients (slowloris) against the API: N connections that send a request line and one
header, then one more header before each health check, never finishing; meanwhile 5 health
checks, each given 3 s. Per setting and N: how many checks were answered, the slowest.

    .venv/bin/python -m bench.bench_slow_clients [--counts 2,50,100,200]

Settings: gunicorn's `sync` workers (what `make run` had before), the `gthread` workers of
`deploy/gunicorn.conf.py` (what it runs now), and, when nginx is installed, nginx with the
site of `deploy/nginx/` (TLS taken out) in front of the gthread workers.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.lib import ROOT, VENV_BIN, demo_database, free_port, report, wait_http

CHECKS, CHECK_TIMEOUT_S = 5, 3.0
SETTINGS = [("gunicorn sync x2 (before)", ["-k", "sync", "--threads", "1"]),
            ("gunicorn gthread 2x64 (make run)", [])]


@contextlib.contextmanager
def running(cmd: list[str], port: int, env: dict | None = None):
    """`cmd` until the block ends, once /healthz on `port` answers; yields the port."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield port
    finally:
        proc.terminate()
        proc.wait(15)


def gunicorn(database_url: str, extra: list[str]):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port), "ACCESS_LOG": "0"}
    return running([str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", *extra,
                    "api.wsgi:app"], port, env)


@contextlib.contextmanager
def nginx(upstream_port: int):
    """nginx with the deploy site, plain HTTP on a free port, in front of `upstream_port`."""
    d = tempfile.mkdtemp(prefix="pbx-nginx-")
    port = free_port()
    site = (ROOT / "deploy" / "nginx" / "pbx-companion.conf").read_text()
    site = re.sub(r"\n\s*(ssl_\w+|add_header Strict)[^\n]*", "", site)
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{free_port()};")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    temp = " ".join(f"{k}_temp_path {d}/{k};" for k in ("client_body", "proxy", "fastcgi",
                                                          "uwsgi", "scgi"))
    conf = (f"worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log; daemon off;\n"
            f"events {{ worker_connections 2048; }}\n"
            f"http {{ access_log off; {temp}\n{site}\n}}\n")
    Path(d, "nginx.conf").write_text(conf)
    try:
        with running(["nginx", "-c", f"{d}/nginx.conf"], port):
            yield port
    finally:
        shutil.rmtree(d, ignore_errors=True)


def probe(port: int, slow_count: int) -> str:
    slow = []
    for _ in range(slow_count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(s)
    answered, slowest = 0, 0.0
    try:
        for i in range(CHECKS):
            for n, s in enumerate(slow):
                try:
                    s.sendall(f"X-Slow-{i}-{n}: 1\r\n".encode())
                except OSError:
                    pass         # the server gave up on this one: fine
            start = time.monotonic()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",
                                            timeout=CHECK_TIMEOUT_S) as resp:
                    answered += resp.status == 200
            except OSError:
                pass
            slowest = max(slowest, time.monotonic() - start)
    finally:
        for s in slow:
            s.close()
    return f"{answered} of {CHECKS} answered, slowest {slowest * 1000:.0f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counts", default="2,50,100,200")
    counts = [int(c) for c in ap.parse_args().counts.split(",")]
    rows = []
    with demo_database() as url:
        for label, extra in SETTINGS:
            with gunicorn(url, extra) as port:
                rows += [(f"{label}, {n} slow", probe(port, n)) for n in counts]
        if shutil.which("nginx"):
            with gunicorn(url, []) as port, nginx(port) as front:
                rows += [(f"nginx + gthread, {n} slow", probe(front, n))
                         for n in [*counts, 2 * counts[-1]]]
        else:
            rows.append(("nginx + gthread", "nginx not installed: not measured"))
    report("health checks answered while slow clients hold connections", rows)


if __name__ == "__main__":
    main()
