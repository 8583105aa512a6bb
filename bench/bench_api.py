"""Foundation benchmark: GET /api/v1/me with a valid token vs the minimal Flask ceiling.

Both under gunicorn with 2 workers, loaded by wrk from another process on 127.0.0.1.
Target: the authenticated request at least 0.6 of the ceiling.
"""
from __future__ import annotations

import argparse

from bench.lib import demo_database, login, report, serve, wrk


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    with serve("bench.ceiling:app", probe="/ping") as ceiling:
        ceil = wrk(ceiling + "/ping", duration=args.duration, connections=args.connections)
    with demo_database() as url, serve("api.wsgi:app", env={"DATABASE_URL": url}) as base:
        token = login(base)
        me = wrk(base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                 duration=args.duration, connections=args.connections)
    ratio = me["rps"] / ceil["rps"]
    report("GET /api/v1/me (gunicorn, 2 workers, SQLite) vs minimal Flask ceiling", [
        ("ceiling req/s", f"{ceil['rps']:.0f}  p50 {ceil['p50_ms']:.2f} ms  p99 {ceil['p99_ms']:.2f} ms"),
        ("/me req/s", f"{me['rps']:.0f}  p50 {me['p50_ms']:.2f} ms  p99 {me['p99_ms']:.2f} ms"
                      f"  non-2xx {me['errors']}"),
        ("ratio", f"{ratio:.2f}  (target >= 0.60)"),
    ])


if __name__ == "__main__":
    main()
