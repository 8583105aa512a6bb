"""Routing a call through the gateway port, in process (SQLite, the demo companies).

1. `Store.route` for a call from an outsider to a user's office number and to her mobile
   number (the same use case as the routing preview, settling included): ms per call.
2. A call's live row written and removed as the gateway's recorder does
   (`call_started` + `call_ended`: the user's live call and presence events), ms per call.
3. A queue with every user of the company as a member, half of them back from a lunch that
   has ended: `ring_next` settling the members before the distribution, ms per round.

    .venv/bin/python -m bench.bench_route_call [--calls 2000]
"""
from __future__ import annotations

import argparse
import time
from datetime import timedelta

from bench.lib import demo_database, report

URIS = {"trunk": "sip:10.0.0.5:5060", "voicemail": "sip:vm-{number}@10.0.0.9",
        "queue": "sip:queue-{id}@10.0.0.9", "self": "sip:10.0.0.1:5060"}
OUTSIDER = "+4791234567"


def _per_call(fn, n: int) -> float:
    for _ in range(min(200, n)):
        fn()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n * 1000)
    return best


def _live_call_rows(factory, tenant_id: int, user_id: int, n: int) -> float:
    """ms per call for the recorder's writes of a call to a user in no queue: its live row
    ringing then ended, each in its own transaction with its events (call and presence)."""
    from itertools import count

    from api import gateway_port as port

    ids = count()

    def one() -> None:
        with factory() as db:
            call_id = port.call_started(db, tenant_id, user_id, "bench", f"bench-{next(ids)}",
                                        "incoming", OUTSIDER)
        with factory() as db:
            port.call_ended(db, call_id)

    return _per_call(one, n)


def _queue_with_everyone(db, tenant, users) -> int:
    from api.availability import services as availability
    from api.availability.models import Profile
    from api.core import clock
    from api.queues import membership, services as queues

    queue = queues.create_queue(db, tenant, {"name": "Everyone", "ring_when_empty": True})
    start = clock.now()
    clock.freeze(start - timedelta(hours=1))
    for n, user in enumerate(users):
        queues.set_member(db, queue, user.id, {"priority": 0})
        membership.set_login(db, tenant.id, user.id, None, True, by_user_id=None)
        if n % 2:  # lunch until a minute ago, logged out of every queue meanwhile
            lunch = db.query(Profile).filter_by(user_id=user.id, key="lunch").one()
            lunch.queue_logout = "all"
            db.commit()
            availability.set_availability(db, tenant.id, user.id, user.id, lunch.id,
                                          start - timedelta(minutes=1), None)
    clock.freeze(None)
    return queue.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with demo_database() as url:
        from bootstrap import benchmark
        from sqlalchemy import select

        from api.accounts.models import Tenant, User
        from api.queues import calls
        from sip_gateway.store import Store

        factory = benchmark(url).sessions
        with factory() as db:
            alice = db.scalar(select(User).where(User.mobile == "+4790000002"))
            tenant = db.get(Tenant, alice.tenant_id)
            users = list(db.scalars(select(User).where(User.tenant_id == tenant.id)))
            live = _live_call_rows(factory, tenant.id, alice.id, args.calls)
            queue_id = _queue_with_everyone(db, tenant, users)
            office, mobile = alice.office_number, alice.mobile
        store = Store(factory, URIS)
        rows = [(f"route() to the office number ({args.calls} calls)",
                 f"{_per_call(lambda: store.route(office, OUTSIDER, set()), args.calls):.3f} ms"),
                (f"route() to the mobile number ({args.calls} calls)",
                 f"{_per_call(lambda: store.route(mobile, OUTSIDER, set()), args.calls):.3f} ms"),
                (f"a call's live row started and ended, with its events ({args.calls} calls)",
                 f"{live:.3f} ms")]
        with factory() as db:
            call_id = calls.enqueue(db, tenant.id, queue_id, caller_number=OUTSIDER).call.id
            first = time.perf_counter()
            ringing = calls.ring_next(db, tenant.id, call_id).ring
            first_ms = (time.perf_counter() - first) * 1000
            rounds = max(50, args.calls // 20)
            later = _per_call(lambda: calls.ring_next(db, tenant.id, call_id), rounds)
        rows += [(f"ring_next, {len(users)} members, half back from lunch (first round)",
                  f"{first_ms:.2f} ms, rings {len(ringing)}"),
                 (f"ring_next, later rounds ({rounds})", f"{later:.3f} ms")]
        report("Routing a call (in process, SQLite)", rows)


if __name__ == "__main__":
    main()
