"""Shared benchmark plumbing: serve an app under gunicorn, load it, print figures.

Load goes to 127.0.0.1 only, bounded in time.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout_s}s")


@contextlib.contextmanager
def serve(app_spec: str, *, env: dict | None = None, workers: int = 2, probe: str = "/healthz"):
    """Run `gunicorn app_spec` on a free port; yield its base URL."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}",
                             "--workers", str(workers), "--log-level", "warning", app_spec],
                            cwd=ROOT, env=full_env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + probe)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@contextlib.contextmanager
def demo_database(kind: str = "sqlite"):
    """A fresh database (SQLite file, or a throwaway PostgreSQL server), migrated and seeded
    with the demo companies; yields its URL."""
    with _empty_database(kind) as url:
        env = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
        for command in ("migrate", "seed-demo"):
            subprocess.run([sys.executable, "-m", "api.cli", command], cwd=ROOT, env=env,
                           check=True, capture_output=True)
        yield url


@contextlib.contextmanager
def _empty_database(kind: str):
    if kind == "postgresql":
        from tests.support.pg import ThrowawayPostgres

        server = ThrowawayPostgres().start()
        try:
            yield server.create_database("bench")
        finally:
            server.stop()
        return
    d = tempfile.mkdtemp(prefix="pbx-bench-")
    try:
        yield f"sqlite:///{d}/bench.db"
    finally:
        shutil.rmtree(d, ignore_errors=True)


def login(base: str, mobile: str = "+4790000002", password: str = "demo") -> str:
    import json
    req = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                 data=json.dumps({"username": mobile, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())["access_token"]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    if m is None:
        raise RuntimeError(f"unexpected latency figure from wrk: {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, *, headers: dict | None = None, duration: int = 10, connections: int = 16,
        threads: int = 1) -> dict:
    """Closed-loop load with wrk: requests/s, p50 and p99 in ms, errors."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk")
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99,
            "errors": int(non2xx.group(1)) if non2xx else 0}


def side_by_side(targets: dict[str, tuple[str, dict | None]], *, duration: int = 10,
                 connections: int = 16, rounds: int = 5, against: str = "ceiling") -> dict:
    """Closed-loop load on each target in turn, `rounds` times over (`duration` seconds per
    target in all), so that each is measured beside its ceiling while the machine's other
    load is about the same. Per target: requests/s over all its slices, the median of the
    slices' p50, the highest slice p99, errors, and `ratio`: the median over the rounds of
    its requests/s against `against`'s in the same round (robust to load that comes and
    goes on a shared machine). `targets` maps a name to (url, headers)."""
    slice_s = max(2, round(duration / rounds))
    slices: dict[str, list[dict]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (url, headers) in targets.items():
            slices[name].append(wrk(url, headers=headers, duration=slice_s,
                                    connections=connections))
    out = {}
    for name, runs in slices.items():
        ratios = sorted(r["rps"] / c["rps"] for r, c in zip(runs, slices[against]))
        out[name] = {"rps": statistics.fmean(r["rps"] for r in runs),
                     "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                     "p99_ms": max(r["p99_ms"] for r in runs),
                     "errors": sum(r["errors"] for r in runs),
                     "ratio": statistics.median(ratios),
                     "ratios": ratios}
    return out


def cpu_per_request(client, path: str, headers: dict | None = None, *, n: int = 500,
                    rounds: int = 5) -> float:
    """CPU time of one request in process, in microseconds (a Flask test client, one thread;
    the median of `rounds` rounds of `n`): what the app itself costs, without the server
    and untouched by other processes' load."""
    return _median_cpu_us(lambda: client.get(path, headers=headers), warm_up=200, n=n,
                          rounds=rounds)


def _median_cpu_us(call, *, warm_up: int, n: int, rounds: int, check=None) -> float:
    """The median over `rounds` rounds of `n` of the CPU time of one `call()`, in
    microseconds, after `warm_up` calls (and `check()`, which may refuse what they did)."""
    for _ in range(warm_up):
        call()
    if check is not None:
        check()
    per = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(n):
            call()
        per.append((time.process_time() - started) / n * 1e6)
    return statistics.median(per)


def cpu_per_call(app, path: str, headers: dict | None = None, *, n: int = 2000,
                 rounds: int = 5) -> float:
    """CPU time of one request with the WSGI app called directly, as a server calls it (a
    prepared environ, the body iterated and closed), in microseconds: without the Flask test
    client's own 60-65 us per request, which `cpu_per_request` includes."""
    import io

    from werkzeug.test import EnvironBuilder

    route, _, query = path.partition("?")
    environ = EnvironBuilder(path=route, query_string=query, headers=headers).get_environ()
    statuses = []

    def start_response(status, _headers, _exc_info=None):
        statuses.append(status)

    def call() -> None:
        body = app({**environ, "wsgi.input": io.BytesIO(b"")}, start_response)
        try:
            b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()

    def answered() -> None:
        if not statuses[-1].startswith("200"):
            raise SystemExit(f"{path} answered {statuses[-1]}")

    return _median_cpu_us(call, warm_up=1000, n=n, rounds=rounds, check=answered)


def fixed_rate(url: str, *, rate: float, duration: float = 10, headers: dict | None = None,
               workers: int = 8) -> dict:
    """Open-loop load at a fixed rate (latency measured from the scheduled send time)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    total = int(rate * duration)
    start = time.perf_counter() + 0.2
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        for i in counter:
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            resp.read()
            took = (time.perf_counter() - due) * 1000
            with lock:
                lat.append(took)
                if resp.status >= 400:
                    errors[0] += 1
        conn.close()

    pool = [threading.Thread(target=worker) for _ in range(workers)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    lat.sort()
    return {"rate": rate, "sent": len(lat), "p50_ms": statistics.median(lat),
            "p99_ms": lat[int(len(lat) * 0.99) - 1], "errors": errors[0]}


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n== {title}")
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k.ljust(width)}  {v}")
