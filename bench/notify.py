"""The ceiling of PostgreSQL's fan-out: a bare LISTEN/NOTIFY round trip between two
connections (the listener waits, the other notifies and commits), timed in this process."""
from __future__ import annotations

import statistics
import time


def notify_round_trips(url: str, n: int = 200) -> dict:
    """{n, p50, p99} in ms from NOTIFY's commit to the listener receiving it."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    times = []
    with psycopg.connect(dsn, autocommit=True) as listener, \
            psycopg.connect(dsn, autocommit=True) as sender:
        listener.execute("LISTEN bench_ceiling")
        for i in range(n):
            started = time.perf_counter()
            sender.execute(f"NOTIFY bench_ceiling, '{i}'")
            got = next(iter(listener.notifies(timeout=5.0, stop_after=1)), None)
            if got is None:
                raise RuntimeError("a NOTIFY never arrived")
            times.append((time.perf_counter() - started) * 1000)
    q = statistics.quantiles(times, n=100)
    return {"n": n, "p50": q[49], "p99": q[98]}
