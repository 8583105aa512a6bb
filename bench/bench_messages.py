"""Messages from the app through Kannel: how long the app waits for `POST /api/v1/messages`
(the SMS go out after the answer), and how long until every recipient has the SMS and every
delivery report is in the history.

The API runs under gunicorn (2 workers, SQLite demo database); the sender is the demo's team
leader Anna; recipients are numbers played by one handset on the fake SMSC.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request

from bench import lib
from bench.lib import demo_database, report, serve
from mobile_client_sim.handset import Handset
from tests.support.kannel import Kannel


def _post(api: str, token: str, body: dict) -> tuple[float, dict]:
    req = urllib.request.Request(f"{api}/api/v1/messages", method="POST",
                                 data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as resp:
        answer = json.loads(resp.read())
    return (time.perf_counter() - t0) * 1000, answer


def _get(api: str, token: str, path: str) -> dict:
    req = urllib.request.Request(api + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read())


def _numbers(first: int, n: int) -> list[str]:
    return [f"+47{first + i}" for i in range(n)]


def _pcts(samples: list[float]) -> str:
    s = sorted(samples)
    return f"p50 {statistics.median(s):6.1f} ms   max {s[-1]:6.1f} ms   (n={len(s)})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20, help="messages per size")
    ap.add_argument("--recipients", type=int, default=100, help="recipients of the big one")
    args = ap.parse_args()
    kannel = Kannel("")
    api_port = lib.free_port()
    api = f"http://127.0.0.1:{api_port}"
    kannel.inbound_url = f"{api}/api/v1/sms/inbound?secret=bench"
    big = args.recipients
    env = {"PBX_SMS_GATEWAY": "kannel", "PBX_KANNEL_SENDSMS_URL": kannel.sendsms_url,
           "PBX_KANNEL_USERNAME": kannel.send_user, "PBX_KANNEL_PASSWORD": kannel.send_password,
           "PBX_SMS_WEBHOOK_SECRET": "bench", "PBX_SMS_CALLBACK_BASE_URL": api,
           "PBX_MESSAGES_USER_PER_HOUR": "100000", "PBX_MESSAGES_USER_PER_DAY": "100000",
           "PBX_MESSAGES_COMPANY_PER_HOUR": "100000", "PBX_MESSAGES_COMPANY_PER_DAY": "100000",
           "PBX_MESSAGES_MAX_RECIPIENTS": str(max(big, 200))}
    lib.free_port = lambda: api_port
    with demo_database() as url, serve("api.wsgi:app", env={"DATABASE_URL": url, **env}):
        with kannel, Handset("127.0.0.1", kannel.smsc_port) as phone:
            token = lib.login(api, "+4790000002", "demo")
            one = [_post(api, token, {"text": f"one {i}", "numbers": ["+4791200000"]})[0]
                   for i in range(args.n)]
            for _ in range(args.n):
                phone.receive("+4791200000", timeout_s=30)
            many = []
            for i in range(args.n):  # each on idle workers: the previous one was handed over
                ms, answer = _post(api, token, {"text": f"many {i}",
                                                "numbers": _numbers(91300000 + i * big, big)})
                many.append(ms)
                while "queued" in _get(api, token, f"/api/v1/messages/{answer['id']}")["states"]:
                    time.sleep(0.05)
            t0 = time.perf_counter()
            _ms, msg = _post(api, token, {"text": "Timed", "numbers": _numbers(91900000, big)})
            for number in _numbers(91900000, big):
                phone.receive(number, timeout_s=120)
            arrived = time.perf_counter() - t0
            while _get(api, token, f"/api/v1/messages/{msg['id']}")["states"] != \
                    {"delivered": big}:
                time.sleep(0.05)
            reported = time.perf_counter() - t0
    report("Messages from the app through Kannel (gunicorn 2 workers, SQLite)", [
        ("POST, 1 recipient", _pcts(one)),
        (f"POST, {big} recipients", _pcts(many)),
        (f"{big} recipients: all SMS at the handset", f"{arrived:.2f} s after the POST"),
        (f"{big} recipients: all delivered in the history", f"{reported:.2f} s after the POST"),
    ])


if __name__ == "__main__":
    main()
