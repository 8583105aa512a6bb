"""Transfer benchmark: from the app's transfer request to the INVITE to the target leaving
the gateway, with the API under gunicorn (several workers) and the gateway in its own process.

    .venv/bin/python -m bench.bench_transfer [--calls 30] [--rate 1] [--workers 4]

SIPp is the trunk (calls a demo user's office number), the user's softphone (answers) and
the target behind the trunk (answers). For each answered call the driver sends one blind
transfer to its own external number (time t0, just before the request) and the target's
SIPp records when that number's INVITE arrived (t1). Figures: t1 - t0 p50/p99 against the
target (p99 under 50 ms) and the API's answer time, with the default settings (the API wakes
the gateway, which polls only as a fallback), then as the same-run baseline with every
wake-up lost (its address points where nobody listens: commands wait for the poll).
"""
from __future__ import annotations

import argparse
import os
import statistics
from collections import Counter
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.bench_gateway import Sink
from bench.lib import ROOT, demo_database, login, report, serve
from tests.support.sip import Sipp, free_port, wait_until

USER = "+4790000002"


def _softphone(url: str, phone_port: int) -> str:
    """The user's only ringing device is a softphone on the SIPp phone; their office number."""
    from sqlalchemy import select, update

    from api.accounts.models import User
    from api.availability.models import Device
    from api.availability.services import ensure_standard
    from bootstrap import benchmark

    with benchmark(url).sessions() as db:
        user = db.scalar(select(User).where(User.mobile == USER))
        ensure_standard(db, user.tenant_id, user.id)
        db.execute(update(Device).where(Device.user_id == user.id).values(enabled=False))
        db.add(Device(tenant_id=user.tenant_id, user_id=user.id, kind="softphone", label="PC",
                      sip_uri=f"sip:pc@127.0.0.1:{phone_port}", enabled=True))
        db.commit()
        return user.office_number


TARGET_P99_MS = 50.0


def _gateway(url: str, tmp: Path, port: int, trunk_port: int, sink: Sink, poll: float | None):
    env = {**os.environ, "DATABASE_URL": url, "SIP_PORT": str(port),
           "SIP_TRUNK_URI": f"sip:127.0.0.1:{trunk_port}",
           "SIP_VOICEMAIL_URI": f"sip:vm@127.0.0.1:{trunk_port}", "SIP_GATEWAY_ID": "bench",
           "SIP_RTP_PORT": str(port + 1000 if port < 60000 else 30000), "PUSH_SINK_URL": sink.url, "SIP_TTS_DIR": str(tmp / "tts")}
    env.pop("SIP_COMMAND_POLL_S", None)
    if poll is not None:
        env["SIP_COMMAND_POLL_S"] = str(poll)
    log_path = tmp / "gateway.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "sip_gateway"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
    wait_until(lambda: "SIP gateway ready" in log_path.read_text() or proc.poll() is not None,
               timeout=30, what="the gateway")
    if proc.poll() is not None:
        raise RuntimeError(log_path.read_text()[-2000:])
    return proc


def _lose_wakeups(url: str) -> None:
    """The baseline: every wake-up goes where nobody listens (as if each datagram were lost)."""
    from api.calls import wakeup
    from bootstrap import benchmark

    with benchmark(url).sessions() as db:
        wakeup.register(db, "bench", "127.0.0.1", free_port())


def _drive(api: str, token: str, calls: int, trunk: Sipp) -> tuple[dict, list, list]:
    """Transfer every answered call once; {target number: t0} and the API answer times."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    sent, answer_ms, seen, refused = {}, [], set(), []
    deadline = time.monotonic() + calls * 2 + 30
    while len(sent) < calls and time.monotonic() < deadline and trunk.proc.poll() is None:
        live = http.get(api + "/api/v1/me/calls", params={"page_size": 100}).json()
        for c in live:
            key = (c["id"], c["since"])  # SQLite may give an ended call's id to a new one
            if c["state"] != "answered" or key in seen:
                continue
            seen.add(key)
            number = f"+47223344{len(sent):02d}"
            t0 = time.time()
            r = http.post(api + f"/api/v1/me/calls/{c['id']}/transfer",
                          json={"target": {"kind": "external", "number": number},
                                "method": "blind"})
            answer_ms.append((time.time() - t0) * 1000)
            if r.status_code == 202:
                sent[number] = t0
            else:
                refused.append((r.status_code, r.json().get("detail")))
        time.sleep(0.01)
    return sent, answer_ms, refused


def _round(url: str, api: str, token: str, tmp: Path, sink: Sink, name: str,
           poll: float | None, calls: int, rate: float) -> list[tuple[str, str]]:
    """One round; run again once when no call got through (a port another process took
    between choosing it and SIPp binding it, on a machine shared with other tests)."""
    for attempt in (1, 2):
        rows, made = _attempt(url, api, token, tmp / f"{name.split()[0]}-{attempt}", sink, name,
                              poll, calls, rate)
        if made:
            break
    return rows


def _attempt(url: str, api: str, token: str, run: Path, sink: Sink, name: str,
             poll: float | None, calls: int, rate: float) -> tuple[list, int]:
    phone_port, trunk_port, gw_port = free_port(), free_port(), free_port()
    office = _softphone(url, phone_port)
    run.mkdir()
    gw = _gateway(url, run, gw_port, trunk_port, sink, poll)
    if poll is not None:
        _lose_wakeups(url)
    try:
        phone = Sipp(run, "phone", "phone_answer.xml", "-d", "0", port=phone_port, calls=calls)
        target = Sipp(run, "target", "phone_answer.xml", "-d", "0", port=trunk_port,
                      calls=calls)
        trunk = Sipp(run, "trunk", "trunk_uac.xml", f"127.0.0.1:{gw_port}", "-s", office,
                     "-key", "caller", "+4791234567", "-r", str(rate), "-l", str(calls),
                     "-d", "2500", calls=calls)
        sent, answer_ms, refused = _drive(api, token, calls, trunk)
        trunk.wait(60)
        for s in (phone, target):
            s.stop()
        arrived = {}
        for direction, when, text in target.messages():
            if direction == "received" and text.startswith("INVITE sip:"):
                arrived[text.split()[1][4:].split("@")[0]] = when
    finally:
        gw.terminate()
        gw.wait(15)
    lat = sorted((arrived[n] - t0) * 1000 for n, t0 in sent.items() if n in arrived)

    def pct(values, q):
        if len(values) < 2:
            return float("nan")
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]
    p99 = pct(lat, 99)
    return [(f"{name}: request -> INVITE to target",
             f"p50 {pct(lat, 50):.1f} ms, p99 {p99:.1f} ms, max {max(lat or [0]):.0f} ms "
             f"(n={len(lat)} of {len(sent)} transfers, {calls} calls)"),
            (f"{name}: target p99 < {TARGET_P99_MS:.0f} ms",
             "met" if p99 < TARGET_P99_MS else "NOT met"),
            (f"{name}: transfers refused",
             ", ".join(f"{n} x {status} {detail}" for (status, detail), n in
                       Counter(refused).items()) or "none"),
            (f"{name}: API answer (202)",
             f"p50 {pct(answer_ms, 50):.1f} ms, p99 {pct(answer_ms, 99):.1f} ms")], len(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--rate", type=float, default=1.0, help="calls per second")
    parser.add_argument("--workers", type=int, default=4, help="API workers (gunicorn)")
    parser.add_argument("--baseline-poll", type=float, default=0.25,
                        help="poll interval (s) of the baseline round without wake-ups; 0 skips it")
    args = parser.parse_args()
    rows = []
    with demo_database() as url, tempfile.TemporaryDirectory(prefix="xfer-bench-") as d:
        sink = Sink()
        env = {"DATABASE_URL": url, "APP_ENV": "development"}
        with serve("api.wsgi:app", env=env, workers=args.workers) as api:
            token = login(api, USER)
            rows += _round(url, api, token, Path(d), sink, "default (wake-up)", None,
                           args.calls, args.rate)
            if args.baseline_poll > 0:
                rows += _round(url, api, token, Path(d), sink,
                               f"baseline (poll {args.baseline_poll * 1000:.0f} ms only)",
                               args.baseline_poll, args.calls, args.rate)
    report(f"Transfer: API request -> INVITE to the target ({args.workers} API workers, "
           "gateway in its own process, SQLite, 127.0.0.1)", rows)


if __name__ == "__main__":
    main()
