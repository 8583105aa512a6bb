"""Queues benchmark.

1. The pure distribution function: decisions per second with 50 members, per method
   (members in 5 priority groups, a mix of logged out, paused, busy and in wrap-up).
2. GET /api/v1/me/queues (live status of a member's 3 queues of 10-19 members, with
   calls waiting) and GET /api/v1/queues/{id}/status, under gunicorn (2 workers, SQLite)
   against the same-run minimal Flask ceiling, with GET /api/v1/me as a reference.
"""
from __future__ import annotations

import argparse
import json
import time
import urllib.request
from datetime import datetime, timedelta, timezone

from api.queues.distribution import METHODS, Member, Settings, decide
from bench.lib import demo_database, login, report, serve, wrk

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def fifty_members() -> list[Member]:
    out = []
    for i in range(50):
        out.append(Member(user_id=i + 1, priority=i % 5, logged_in=i % 7 != 0,
                          paused=i % 11 == 0, in_call=i % 4 == 0,
                          wrapup_until=T0 + timedelta(seconds=5) if i % 9 == 0 else None,
                          idle_since=T0 - timedelta(seconds=37 * i)))
    return out


def bench_distribution(seconds: float) -> list[tuple[str, str]]:
    members = fifty_members()
    rows = []
    for method in METHODS:
        settings = Settings(method, 20)
        n, start = 0, time.perf_counter()
        deadline = start + seconds
        while time.perf_counter() < deadline:
            for k in range(100):
                decide(settings, members, T0 + timedelta(seconds=k), started_at=T0,
                       tried=frozenset({3, 8}))
            n += 100
        rate = n / (time.perf_counter() - start)
        rows.append((f"{method} decisions/s", f"{rate:,.0f}  ({1e6 / rate:.1f} us each)"))
    return rows


def _call(base: str, token: str, method: str, path: str, body: dict | None = None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or "null")


def seed_queues(base: str, db_url: str) -> int:
    """Three queues in the demo company; the member +4790000002 is in all of them."""
    from bootstrap import benchmark
    from api.queues import calls

    admin = login(base, "+4790000001")
    users = _call(base, admin, "GET", "/api/v1/users?page_size=100")
    qids = []
    for n, name in enumerate(("Support", "Sales", "Switchboard")):
        q = _call(base, admin, "POST", "/api/v1/queues", {"name": name})
        qids.append(q["id"])
        for k, u in enumerate(users[1:10 + 4 * n]):
            _call(base, admin, "PUT", f"/api/v1/queues/{q['id']}/members/{u['id']}",
                  {"priority": k % 3})
    for u in users[1:8]:
        token = login(base, u["mobile"])
        _call(base, token, "POST", "/api/v1/me/queues/login", {})
    tenant_id = _call(base, admin, "GET", "/api/v1/me")["tenant"]["id"]
    db = benchmark(db_url).sessions()
    for qid in qids:
        for k in range(4):
            calls.enqueue(db, tenant_id, qid, caller_number=f"+479100000{k}")
    db.close()
    return qids[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--pure-seconds", type=float, default=2.0)
    args = ap.parse_args()
    report("queue distribution, 50 members (pure function, one core)",
           bench_distribution(args.pure_seconds))
    with serve("bench.ceiling:app", probe="/ping") as ceiling:
        ceil = wrk(ceiling + "/ping", duration=args.duration, connections=args.connections)
    with demo_database() as url, serve("api.wsgi:app", env={"DATABASE_URL": url}) as base:
        qid = seed_queues(base, url)
        headers = {"Authorization": f"Bearer {login(base)}"}
        me = wrk(base + "/api/v1/me", headers=headers, duration=args.duration,
                 connections=args.connections)
        mine = wrk(base + "/api/v1/me/queues", headers=headers, duration=args.duration,
                   connections=args.connections)
        one = wrk(base + f"/api/v1/queues/{qid}/status", headers=headers,
                  duration=args.duration, connections=args.connections)

    def line(r):
        return (f"{r['rps']:.0f}  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms"
                f"  non-2xx {r.get('errors', 0)}")
    report("queue status under gunicorn (2 workers, SQLite) vs minimal Flask ceiling", [
        ("ceiling req/s", line(ceil)),
        ("/me req/s (reference)", line(me)),
        ("/me/queues req/s", line(mine)),
        ("/queues/{id}/status req/s", line(one)),
        ("ratio /me/queues", f"{mine['rps'] / ceil['rps']:.2f}"),
        ("ratio /queues/{id}/status", f"{one['rps'] / ceil['rps']:.2f}"),
        ("ratio /me (reference)", f"{me['rps'] / ceil['rps']:.2f}"),
    ])


if __name__ == "__main__":
    main()
