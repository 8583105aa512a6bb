"""CPU of one request of the hot API reads, in process: `GET /api/v1/me`, the routing
preview and the caller-id lookup on the demo database, SQLite and PostgreSQL.

A Flask test client in one thread (the median of 5 rounds of 500 requests, after 200 to warm
up), beside the minimal Flask ceiling's `/ping`; then each app called directly as a server
calls it (`called directly`: no test client, whose own work is 60-65 us a request): what the app itself costs per request,
which the load of other processes on the machine hardly moves (the HTTP benchmarks'
ratios do move with it). On PostgreSQL it includes this process's side of every round
trip to the server, not the server's.
"""
from __future__ import annotations

import argparse
import os

from bench.lib import cpu_per_call, cpu_per_request, demo_database, report

PATHS = ("/api/v1/me", "/api/v1/me/routing-preview",
         "/api/v1/callerid/lookup?number=%2B4790000003")


def measure(kind: str) -> dict[str, float]:
    from bench.ceiling import app as ceiling
    from bootstrap import stop_web_api, web_api

    with demo_database(kind) as url:
        os.environ["DATABASE_URL"] = url
        api = web_api()
        try:
            client = api.test_client()
            r = client.post("/api/v1/auth/login",
                            json={"username": "+4790000002", "password": "demo"})
            headers = {"Authorization": f"Bearer {r.get_json()['access_token']}"}
            got = {"/ping (ceiling)": cpu_per_request(ceiling.test_client(), "/ping")}
            for path in PATHS:
                status = client.get(path, headers=headers).status_code
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                got[path.split("?")[0]] = cpu_per_request(client, path, headers)
            got["/ping (ceiling), called directly"] = cpu_per_call(ceiling, "/ping")
            for path in PATHS:
                got[f"{path.split('?')[0]}, called directly"] = cpu_per_call(api, path, headers)
            return got
        finally:
            stop_web_api(api)
            api.extensions["engine"].dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = ap.parse_args()
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        report(f"CPU per request in process, {kind} (Flask test client, one thread)",
               [(path, f"{us:.0f} us") for path, us in measure(kind).items()])


if __name__ == "__main__":
    main()
