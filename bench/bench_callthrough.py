"""Call-through benchmark: calls placed from the app at a steady rate, the API under gunicorn
and the gateway in its own process.

    .venv/bin/python -m bench.bench_callthrough [--calls 200] [--rate 20] [--workers 2]

SIPp plays the user's softphone (answers at once, hangs up after a second) and the trunk
(answers the destination at once). The driver sends `POST /api/v1/me/calls` at `--rate` per
second, each to its own number (t0 just before the request). Figures, from the SIPp message
traces: API request -> the device's INVITE, and the device's 200 OK -> the destination's
INVITE at the trunk, p50/p99; each as a ratio against the ceiling measured in the same run:
SIPp calling SIPp directly at the same rate (INVITE sent -> 200 OK received, one call setup
with nothing in between).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench.bench_gateway import Sink
from bench.bench_transfer import USER, _gateway, _softphone
from bench.lib import demo_database, login, report, serve
from tests.support.sip import Sipp, free_port, header


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _number(n: int) -> str:
    return f"+4722{n:06d}"


def _softphone_id(api: str, token: str) -> int:
    mine = requests.get(api + "/api/v1/me/devices",
                        headers={"Authorization": f"Bearer {token}"}).json()
    return [d["id"] for d in mine if d["kind"] == "softphone" and d["enabled"]][-1]


def _drive(api: str, token: str, calls: int, rate: float) -> tuple[dict, list, list]:
    """Place `calls` calls at `rate` per second from a few threads: {number: t0}, the API's
    answer times (ms) and the refusals."""
    sent, answer_ms, refused = {}, [], []
    device = _softphone_id(api, token)
    lock, start = threading.Lock(), time.monotonic() + 0.2

    def worker(k: int, step: int) -> None:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        for n in range(k, calls, step):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)   # the schedule of a steady rate, not a wait for an event
            number, t0 = _number(n), time.time()
            r = http.post(api + "/api/v1/me/calls", json={"number": number, "device_id": device},
                          headers={"Idempotency-Key": f"bench-{n}-{t0}"})
            with lock:
                answer_ms.append((time.time() - t0) * 1000)
                if r.status_code == 202:
                    sent[number] = t0
                else:
                    refused.append(r.status_code)

    threads = [threading.Thread(target=worker, args=(k, 8)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sent, answer_ms, refused


def _device_times(phone: Sipp) -> tuple[dict, dict]:
    """{destination number: device INVITE arrived}, {number: device's 200 OK sent}."""
    invited, answered, by_call = {}, {}, {}
    for direction, when, text in phone.messages():
        if direction == "received" and text.startswith("INVITE "):
            number = (header(text, "From") or "").split("sip:", 1)[-1].split("@")[0]
            invited.setdefault(number, when)
            by_call[header(text, "Call-ID")] = number
        elif direction == "sent" and text.startswith("SIP/2.0 200") and \
                "INVITE" in (header(text, "CSeq") or ""):
            number = by_call.get(header(text, "Call-ID"))
            if number:
                answered.setdefault(number, when)
    return invited, answered


def _trunk_times(trunk: Sipp) -> dict:
    return {text.split()[1][4:].split("@")[0]: when for direction, when, text in
            trunk.messages() if direction == "received" and text.startswith("INVITE sip:")}


def _ceiling(tmp: Path, calls: int, rate: float) -> list[float]:
    """SIPp calling SIPp directly: INVITE sent -> 200 OK received, ms per call."""
    phone = Sipp(tmp, "ceiling-phone", "phone_answer.xml", "-d", "0", calls=calls)
    uac = Sipp(tmp, "ceiling-uac", "trunk_uac.xml", f"127.0.0.1:{phone.port}", "-s",
               "+4722000000", "-key", "caller", "+4791234567", "-r", str(rate), "-d", "0",
               calls=calls)
    uac.wait(calls / rate + 60)
    phone.stop()
    sent, out = {}, []
    for direction, when, text in uac.messages():
        call_id = header(text, "Call-ID")
        if direction == "sent" and text.startswith("INVITE "):
            sent.setdefault(call_id, when)
        elif direction == "received" and text.startswith("SIP/2.0 200") and \
                "INVITE" in (header(text, "CSeq") or "") and call_id in sent:
            out.append((when - sent.pop(call_id)) * 1000)
    return sorted(out)


def _round(url: str, api: str, token: str, tmp: Path, calls: int, rate: float
           ) -> list[tuple[str, str]]:
    phone_port, trunk_port, gw_port = free_port(), free_port(), free_port()
    _softphone(url, phone_port)
    gw = _gateway(url, tmp, gw_port, trunk_port, Sink(), None)
    try:
        phone = Sipp(tmp, "phone", "phone_answer_hang_up.xml", "-d", "1000", port=phone_port,
                     calls=calls)
        trunk = Sipp(tmp, "trunk", "phone_answer.xml", "-d", "0", port=trunk_port,
                     calls=calls)
        sent, answer_ms, refused = _drive(api, token, calls, rate)
        for s in (phone, trunk):
            try:
                s.wait(calls / rate + 30)
            except Exception:
                s.stop()
        invited, answered = _device_times(phone)
        dest = _trunk_times(trunk)
    finally:
        gw.terminate()
        gw.wait(40)
    ceiling = _ceiling(tmp, calls, rate)
    first = sorted((invited[n] - t0) * 1000 for n, t0 in sent.items() if n in invited)
    second = sorted((dest[n] - answered[n]) * 1000 for n in sent if n in dest and n in answered)
    c50, c99 = pct(ceiling, 50), pct(ceiling, 99)

    def line(values):
        p50, p99 = pct(values, 50), pct(values, 99)
        return (f"p50 {p50:.1f} ms ({p50 / c50:.1f}x ceiling), p99 {p99:.1f} ms "
                f"({p99 / c99:.1f}x ceiling), n={len(values)} of {len(sent)}")
    return [("ceiling: SIPp -> SIPp INVITE -> 200 OK",
             f"p50 {c50:.2f} ms, p99 {c99:.2f} ms (n={len(ceiling)})"),
            ("API request -> device INVITE", line(first)),
            ("device 200 OK -> destination INVITE", line(second)),
            ("API answer (202)", f"p50 {pct(answer_ms, 50):.1f} ms, "
                                 f"p99 {pct(answer_ms, 99):.1f} ms"),
            ("refused", ", ".join(map(str, refused)) or "none")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="call-throughs per second")
    parser.add_argument("--workers", type=int, default=2, help="API workers (gunicorn)")
    args = parser.parse_args()
    with demo_database() as url, tempfile.TemporaryDirectory(prefix="ct-bench-") as d:
        env = {"DATABASE_URL": url, "APP_ENV": "development"}
        with serve("api.wsgi:app", env=env, workers=args.workers) as api:
            rows = _round(url, api, login(api, USER), Path(d), args.calls, args.rate)
    report(f"Call-through at {args.rate:g}/s ({args.calls} calls, {args.workers} API workers, "
           "gateway in its own process, SQLite, 127.0.0.1)", rows)


if __name__ == "__main__":
    main()
