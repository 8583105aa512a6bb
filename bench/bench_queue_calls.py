"""Queue calls through the SIP gateway with SIPp: 20 callers at once in one queue with 10
members whose phones answer after random delays (some ring out and the next member rings),
talk for a random time and hang up.

    .venv/bin/python -m bench.bench_queue_calls

Prints whether every call was answered or routed to the overflow (voicemail) at the end of
the queue's total time, that none was lost (every caller's call ended cleanly, every queue
call closed), that no member was rung inside their wrap-up (or while talking), and the wait
in the queue (p50/p99) of the answered calls and of all of them. Bounded: about 30 s.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.bench_gateway import SCENARIOS, Sink, _port, _settle, _sipp, gateway_process
from bench.lib import demo_database, report

CALLERS, MEMBERS = 20, 10
RING_S, MAX_WAIT_S, WRAPUP_S = 3, 6, 2
QUEUE_NUMBER = "+4723999000"


def _prepare(url: str, phone_port: int) -> int:
    """One queue in the first demo company with MEMBERS new members, all logged in, each with
    a softphone on the SIPp phone; the overflow is voicemail. Returns the queue's id."""
    from sqlalchemy import select

    from api.accounts import admin
    from api.accounts.models import Tenant
    from api.availability.models import Device
    from bootstrap import benchmark
    from api.queues import membership, services

    factory = benchmark(url).sessions
    with factory() as db:
        tenant = db.scalars(select(Tenant).order_by(Tenant.id)).first()
        queue = services.create_queue(db, tenant, {
            "name": "Bench queue", "number": QUEUE_NUMBER, "distribution": "round_robin",
            "overflow_kind": "voicemail", "no_answer_policy": "keep",
            "callback_on_abandon": True})
        queue.ring_time_s, queue.max_wait_s, queue.wrapup_s = RING_S, MAX_WAIT_S, WRAPUP_S
        for n in range(MEMBERS):
            u = admin.create_user(db, tenant, {"mobile": f"+4794{n:06d}",
                                               "first_name": f"Member{n}"})
            db.flush()
            db.add(Device(tenant_id=tenant.id, user_id=u.id, kind="softphone", label="PC",
                          sip_uri=f"sip:member{u.id}@127.0.0.1:{phone_port}", enabled=True))
            services.set_member(db, queue, u.id, {"priority": 0})
            membership.set_login(db, tenant.id, u.id, None, True, by_user_id=None)
        db.commit()
        return queue.id


def _ts(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _utc(value) -> float:
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()


def _check(url: str, queue_id: int, log_path: Path) -> list:
    from sqlalchemy import select

    from bootstrap import benchmark
    from api.queues.models import QueueCall

    factory = benchmark(url).sessions
    with factory() as db:
        calls = list(db.scalars(select(QueueCall).where(QueueCall.queue_id == queue_id)))
    busy: dict[int, list[tuple[float, float]]] = {}   # member -> (answered, wrap-up end)
    for c in calls:
        if c.status == "answered":
            busy.setdefault(c.answered_by_user_id, []).append(
                (_utc(c.answered_at), _utc(c.ended_at) + WRAPUP_S))
    rung, inside = 0, []
    for line in log_path.read_text().splitlines():
        if '"event": "queue_ring"' not in line:
            continue
        rec = json.loads(line)
        at = _ts(rec["asked_at"])  # the distribution decided at this instant or just after
        for uid in rec["ring"]:
            rung += 1
            inside += [uid for start, end in busy.get(uid, []) if start < at < end]
    by_status: dict[str, int] = {}
    for c in calls:
        by_status[c.status] = by_status.get(c.status, 0) + 1
    answered = [_utc(c.answered_at) - _utc(c.entered_at) for c in calls if c.answered_at]
    every = [(_utc(c.answered_at or c.ended_at) - _utc(c.entered_at)) for c in calls
             if c.answered_at or c.ended_at]
    vm = log_path.read_text().count('"kind": "voicemail"')

    def pct(values, q):
        if len(values) < 2:
            return float("nan")
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]
    closed = by_status.get("answered", 0) + by_status.get("timed_out", 0)
    return [
        ("queue calls", f"{len(calls)} of {CALLERS}: " + ", ".join(
            f"{k} {v}" for k, v in sorted(by_status.items()))),
        ("answered or routed on timeout", f"{closed} of {CALLERS} "
                                          f"({'all' if closed == CALLERS else 'NOT all'}); "
                                          f"overflow INVITEs to voicemail {vm}"),
        ("members rung inside wrap-up or a call", f"{len(inside)} of {rung} rings "
                                                  f"({'none' if not inside else inside})"),
        ("wait, answered calls", f"p50 {pct(answered, 50):.2f} s, p99 {pct(answered, 99):.2f} s "
                                 f"(n={len(answered)})"),
        ("wait, every call", f"p50 {pct(every, 50):.2f} s, p99 {pct(every, 99):.2f} s "
                             f"(n={len(every)})"),
    ]


def _phone(tmp: Path, port: int) -> subprocess.Popen:
    """Members' phones and voicemail alike: ring a random time, answer, talk, hang up."""
    return subprocess.Popen(
        ["sipp", "-sf", str(SCENARIOS / "queue_member.xml"), "-i", "127.0.0.1", "-p",
         str(port), "-nostdin", "-m", "1000", "-max_socket", "2000", "-timeout", "90s"],
        cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _callers(tmp: Path, gw_port: int, log_path: Path) -> list:
    started = time.monotonic()
    got = _sipp([f"127.0.0.1:{gw_port}", "-sf", str(SCENARIOS / "trunk_uac_hung_up.xml"),
                 "-s", QUEUE_NUMBER, "-key", "caller", "+4791234567", "-i", "127.0.0.1",
                 "-p", str(_port()), "-r", str(CALLERS), "-m", str(CALLERS), "-l",
                 str(CALLERS)], tmp, "callers", timeout=MAX_WAIT_S + 40)
    took = time.monotonic() - started
    _settle(log_path)
    lost = "none lost" if got["ok"] == CALLERS else "LOST"
    return [("callers (SIPp trunk)", f"ok {got['ok']} failed {got['failed']} of {CALLERS}, "
                                     f"all done in {took:.1f} s ({lost})")]


def run() -> None:
    with demo_database() as url, tempfile.TemporaryDirectory(prefix="queue-bench-") as d:
        tmp = Path(d)
        phone_port, vm_port, gw_port = _port(), _port(), _port()
        queue_id = _prepare(url, phone_port)
        with gateway_process(url, tmp, gw_port, Sink(), trunk_port=phone_port,
                             voicemail_port=vm_port) as (_gw, log_path):
            phones = [_phone(tmp, phone_port), _phone(tmp, vm_port)]
            try:
                rows = _callers(tmp, gw_port, log_path) + _check(url, queue_id, log_path)
            finally:
                for p in phones:
                    p.kill()
                    p.wait()
    report(f"Queue calls: {CALLERS} callers, {MEMBERS} members answering after random delays "
           f"(ring time {RING_S} s, max wait {MAX_WAIT_S} s, wrap-up {WRAPUP_S} s)", rows)


if __name__ == "__main__":
    run()
