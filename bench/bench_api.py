"""Foundation benchmark: GET /api/v1/me with a valid token vs the minimal Flask ceiling.

Both under gunicorn with 2 workers, loaded by wrk from another process on 127.0.0.1.
Both servers run at once; the load alternates between them in rounds (`side_by_side`).
Target: the authenticated request at least 0.7 of the ceiling.
"""
from __future__ import annotations

import argparse

from bench.lib import cpu_per_request, demo_database, login, report, serve, side_by_side


def in_process(url: str, token: str) -> tuple[float, float]:
    """CPU per request of the ceiling's /ping and of /me, each app in this process."""
    import os

    from bench.ceiling import app as ceiling
    from bootstrap import web_api

    os.environ.update(DATABASE_URL=url)
    api = web_api()
    try:
        return (cpu_per_request(ceiling.test_client(), "/ping"),
                cpu_per_request(api.test_client(), "/api/v1/me",
                                {"Authorization": f"Bearer {token}"}))
    finally:
        from bootstrap import stop_web_api
        stop_web_api(api)
        api.extensions["engine"].dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with serve("bench.ceiling:app", probe="/ping") as ceiling, demo_database() as url, \
            serve("api.wsgi:app", env={"DATABASE_URL": url}) as base:
        token = login(base)
        got = side_by_side({"ceiling": (ceiling + "/ping", None),
                            "me": (base + "/api/v1/me", {"Authorization": f"Bearer {token}"})},
                           duration=args.duration, connections=args.connections,
                           rounds=args.rounds)
        cpu_ceiling, cpu_me = in_process(url, token)
    ceil, me = got["ceiling"], got["me"]
    report("GET /api/v1/me (gunicorn, 2 workers, SQLite) vs minimal Flask ceiling, "
           f"side by side in {args.rounds} rounds", [
        ("ceiling req/s", f"{ceil['rps']:.0f}  p50 {ceil['p50_ms']:.2f} ms  p99 {ceil['p99_ms']:.2f} ms"),
        ("/me req/s", f"{me['rps']:.0f}  p50 {me['p50_ms']:.2f} ms  p99 {me['p99_ms']:.2f} ms"
                      f"  non-2xx {me['errors']}"),
        ("ratio", f"{me['ratio']:.2f}, median of the rounds' "
                  f"{', '.join(f'{r:.2f}' for r in me['ratios'])}  (target >= 0.70)"),
        ("in process, CPU", f"/ping {cpu_ceiling:.0f} us, /me {cpu_me:.0f} us per request "
                            "(Flask test client, one thread)"),
    ])


if __name__ == "__main__":
    main()
