"""SMS in to reply out through Kannel: a handset texts PASSWORD, the reply with the code comes
back (fake SMSC -> bearerbox -> smsbox -> webhook -> sendsms -> smsbox -> bearerbox -> fake SMSC).

The API runs under gunicorn (2 workers, SQLite demo database). The same-run baseline is a
minimal webhook that answers every SMS with one sendsms call and nothing else: Kannel's own
share of the round trip.
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import lib
from bench.lib import demo_database, report, serve
from mobile_client_sim.handset import Handset
from tests.support.kannel import Kannel

SERVICE = "+4741000000"                                     # Fjordtelefon AS in the demo
USERS = [f"+47{90000002 + i}" for i in range(19)]          # its users


def _pcts(samples: list[float]) -> str:
    s = sorted(samples)
    p99 = s[max(0, int(round(len(s) * 0.99)) - 1)]
    return (f"p50 {statistics.median(s):6.1f} ms   p99 {p99:6.1f} ms   "
            f"min {s[0]:6.1f}   max {s[-1]:6.1f}   (n={len(s)})")


def round_trips(kannel: Kannel, n: int, text: str = "PASSWORD") -> list[float]:
    """n resets one after the other, from the demo users in turn; ms from send to reply."""
    out = []
    with Handset("127.0.0.1", kannel.smsc_port) as phone:
        for i in range(n):
            user = USERS[i % len(USERS)]
            t0 = time.perf_counter()
            phone.send(user, SERVICE, text)
            phone.receive(user, timeout_s=20)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def burst(kannel: Kannel, n: int) -> float:
    """n resets sent at once; seconds until the last reply."""
    with Handset("127.0.0.1", kannel.smsc_port) as phone:
        t0 = time.perf_counter()
        for i in range(n):
            phone.send(USERS[i % len(USERS)], SERVICE, "PASSWORD")
        for i in range(n):
            phone.receive(USERS[i % len(USERS)], timeout_s=60)
        return time.perf_counter() - t0


class _EchoWebhook(BaseHTTPRequestHandler):
    kannel: Kannel

    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        k = self.kannel
        params = urllib.parse.urlencode({"username": k.send_user, "password": k.send_password,
                                         "from": q["to"][0], "to": q["from"][0],
                                         "text": "Your reset code: 123456."})
        urllib.request.urlopen(f"{k.sendsms_url}?{params}").read()
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def baseline(n: int, burst_n: int) -> tuple[list[float], float]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoWebhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    kannel = Kannel(f"http://127.0.0.1:{server.server_port}/in?x=1")
    _EchoWebhook.kannel = kannel
    with kannel:
        round_trips(kannel, 3)  # warm up
        samples = round_trips(kannel, n)
        took = burst(kannel, burst_n)
    server.shutdown()
    return samples, took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=50, help="resets in a row")
    ap.add_argument("--burst", type=int, default=50, help="resets sent at once")
    args = ap.parse_args()
    base, base_took = baseline(args.n, args.burst)
    kannel = Kannel("")  # its ports are chosen now; it starts once the API listens
    secret = "bench-webhook-secret"
    api_port = lib.free_port()
    api = f"http://127.0.0.1:{api_port}"
    kannel.inbound_url = f"{api}/api/v1/sms/inbound?secret={secret}"
    env = {"PBX_SMS_GATEWAY": "kannel", "PBX_KANNEL_SENDSMS_URL": kannel.sendsms_url,
           "PBX_KANNEL_USERNAME": kannel.send_user, "PBX_KANNEL_PASSWORD": kannel.send_password,
           "PBX_SMS_WEBHOOK_SECRET": secret, "PBX_SMS_CALLBACK_BASE_URL": api,
           "PBX_RESET_NUMBER_LIMIT": "100000", "PBX_RESET_TENANT_LIMIT": "100000"}
    lib.free_port = lambda: api_port  # serve() on the port Kannel was configured with
    with demo_database() as url, serve("api.wsgi:app", env={"DATABASE_URL": url, **env}):
        with kannel:
            round_trips(kannel, 3)  # warm the workers
            ours = round_trips(kannel, args.n)
            took = burst(kannel, args.burst)
    report("SMS PASSWORD in -> reply with code out, through Kannel (gunicorn 2 workers, SQLite)", [
        ("baseline (echo webhook)", _pcts(base)),
        ("password reset", _pcts(ours)),
        ("reset minus baseline p50", f"{statistics.median(ours) - statistics.median(base):.1f} ms"),
        (f"baseline burst of {args.burst}",
         f"all {args.burst} replies in {base_took:.2f} s ({args.burst / base_took:.0f}/s)"),
        (f"reset burst of {args.burst}",
         f"all {args.burst} replies in {took:.2f} s ({args.burst / took:.0f}/s)"),
    ])


if __name__ == "__main__":
    main()
