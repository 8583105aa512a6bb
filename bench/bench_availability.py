"""Availability benchmark.

1. The pure routing decision for a user with 10 profiles, 20 schedule entries and 10 caller
   exceptions: decisions per second on one core (target >= 50,000).
2. GET /api/v1/me/routing-preview under gunicorn (2 workers, SQLite, the same user data made
   through the API) against the minimal Flask ceiling, both served at once and loaded in
   turn (target >= 0.5 of it), then open-loop at half the preview's closed-loop rate, twice:
   p99 (target < 15 ms, in both runs).

    .venv/bin/python -m bench.bench_availability [--duration 10]
"""
from __future__ import annotations

import argparse
import json
import time
import urllib.request
from datetime import datetime, timedelta, timezone

from api.availability.inputs import (RING, VOICEMAIL, Caller, CallerException, Destination,
                                     Device, Profile, RoutingInputs, ScheduleEntry)
from api.availability.routing import decide
from bench.lib import demo_database, fixed_rate, login, report, serve, side_by_side

KEYS = ["available", "busy", "meeting", "lunch", "away", "out_of_office", "gone_for_day", "dnd",
        None, None]


def heavy_user() -> RoutingInputs:
    excs = tuple(CallerException("number", frozenset({f"+479100000{i}"}), f"VIP {i}", RING,
                                 ("mobile",)) for i in range(9)) + \
        (CallerException("colleagues", destination=Destination("queue", "3")),)
    profiles = tuple(Profile(i + 1, f"P{i}", key=KEYS[i], is_default=i == 0, priority=10 * i,
                             announce=i % 2 == 1, when_free=RING if i % 3 else VOICEMAIL,
                             ring_order="mobile_after", mobile_delay=5,
                             exceptions=excs if i == 3 else ()) for i in range(10))
    base = datetime(2026, 1, 5, 8, 0)
    schedules = tuple(ScheduleEntry(n + 1, (n % 9) + 2, base + timedelta(hours=n % 10),
                                    base + timedelta(hours=n % 10, minutes=45),
                                    ("daily", "weekly", "monthly", "yearly", "none")[n % 5],
                                    frozenset({0, 2, 4})) for n in range(20))
    devices = (Device(1, "softphone", "sip:a@pbx"), Device(2, "deskphone", "sip:2101@pbx"),
               Device(3, "mobile", "+4790000002"))
    return RoutingInputs(7, "Europe/Oslo", "nb", "+4721000002", profiles, devices, schedules)


def pure_rate(seconds: float = 3.0) -> tuple[float, str]:
    inputs = heavy_user()
    caller = Caller("+4799999999")
    at = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)
    plan = decide(inputs, caller, at, False)
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for minute in range(1000):
            decide(inputs, caller, at + timedelta(minutes=minute), minute % 7 == 0)
        n += 1000
    return n / (time.perf_counter() - start), plan.reason


def _call(base: str, token: str, method: str, path: str, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"null")


def furnish(base: str, token: str) -> None:
    """The demo user gets 2 own profiles, 20 schedule entries and 10 exceptions."""
    profiles = _call(base, token, "GET", "/api/v1/me/profiles")
    for name in ("Training", "Customer visit"):
        profiles.append(_call(base, token, "POST", "/api/v1/me/profiles", {"name": name}))
    excs = [{"match": "number", "numbers": [f"+479100000{i}"], "label": f"VIP {i}",
             "destination": {"kind": "ring"}, "devices": ["mobile"]} for i in range(9)]
    excs.append({"match": "colleagues", "destination": {"kind": "voicemail"}})
    for p in profiles:
        _call(base, token, "PATCH", f"/api/v1/me/profiles/{p['id']}", {"exceptions": excs})
    for n in range(20):
        start = datetime(2026, 1, 5, 8) + timedelta(hours=n % 10)
        _call(base, token, "POST", "/api/v1/me/schedules", {
            "profile_id": profiles[1 + n % 9]["id"], "starts": start.isoformat(),
            "ends": (start + timedelta(minutes=45)).isoformat(),
            "recurrence": ("daily", "weekly", "monthly", "yearly", "none")[n % 5],
            "weekdays": [0, 2, 4]})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    rate, reason = pure_rate()
    report("Routing decision alone (10 profiles, 20 schedule entries, 10 exceptions), 1 core", [
        ("decisions/s", f"{rate:,.0f}  (target >= 50,000)"),
        ("sample reason", reason),
    ])
    ap_rounds = args.rounds
    with serve("bench.ceiling:app", probe="/ping") as ceiling, demo_database() as url, \
            serve("api.wsgi:app", env={"DATABASE_URL": url}) as base:
        token = login(base)
        furnish(base, token)
        headers = {"Authorization": f"Bearer {token}"}
        path = base + "/api/v1/me/routing-preview?caller=%2B4799999999"
        got = side_by_side({"ceiling": (ceiling + "/ping", None), "preview": (path, headers)},
                           duration=args.duration, connections=args.connections,
                           rounds=ap_rounds)
        ceil, closed = got["ceiling"], got["preview"]
        opened = [fixed_rate(path, rate=closed["rps"] / 2, duration=args.duration,
                             headers=headers) for _ in range(2)]
    report("GET /api/v1/me/routing-preview (gunicorn, 2 workers, SQLite) vs Flask ceiling, "
           f"side by side in {ap_rounds} rounds", [
        ("ceiling req/s", f"{ceil['rps']:.0f}  p50 {ceil['p50_ms']:.2f} ms  "
                          f"p99 {ceil['p99_ms']:.2f} ms"),
        ("preview req/s", f"{closed['rps']:.0f}  p50 {closed['p50_ms']:.2f} ms  "
                          f"p99 {closed['p99_ms']:.2f} ms  non-2xx {closed['errors']}"),
        ("ratio", f"{closed['ratio']:.2f}, median of the rounds' "
                  f"{', '.join(f'{r:.2f}' for r in closed['ratios'])}  (target >= 0.50)"),
        *((f"at half load, run {n}", f"{o['rate']:.0f} req/s open loop: p50 "
                                     f"{o['p50_ms']:.2f} ms  p99 {o['p99_ms']:.2f} ms  "
                                     f"errors {o['errors']}  (target p99 < 15 ms)")
          for n, o in enumerate(opened, 1)),
    ])


if __name__ == "__main__":
    main()
