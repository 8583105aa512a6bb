"""Push benchmark against the local APNs double (HTTP/2 + TLS on 127.0.0.1, own process).

1. latency: Notifier.incoming_call at a fixed 200/s, measured from the call to the instant the
   double has read the request's last byte (CLOCK_MONOTONIC is shared by both processes);
   target p99 under 3 ms.
2. sustained rate on one HTTP/2 connection: a burst of notifications, from the first call to
   the last request read; target at least 2,000/s and 0.6 of the ceiling, at most 0.5 ms of
   CPU per push in this process (sender thread, its database threads, the caller).
3. the relay path, as the SIP gateway pushes: notify in this process -> `push.relay.Relay` ->
   the relay process (`bench.push_relay_path`), latency at the same rate and a burst; its
   ceiling sends the same datagrams to a bare process posting with `h2` at once.
The same run measures the ceiling: a bare HTTP/2 client (`h2` on an asyncio TLS stream)
posting the same requests (same headers, body and JWT) on one connection, without the
sender, device lookups or push log.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.lib import ROOT, demo_database, free_port, report
from bench.push_relay_path import HIT, ceiling, feed, relay_path

BUNDLE, KEY_ID, TEAM_ID = "no.example.pbx", "BENCHKEY01", "BENCHTEAM1"
TOKEN = "c3" * 32


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(len(values) * q + 0.5) - 1))]


def start_double(tmp: Path, port: int):
    from push.testing.tls import make_apns_key, make_ca_and_server_cert

    certs = make_ca_and_server_cert(tmp / "tls")
    private, public = make_apns_key()
    (tmp / "public.pem").write_bytes(public)
    proc = subprocess.Popen([sys.executable, "-m", "push.testing.apns_double", "--port",
                             str(port), "--cert", certs["cert"], "--key", certs["key"],
                             "--public-key", str(tmp / "public.pem"), "--key-id", KEY_ID,
                             "--team-id", TEAM_ID, "--topic", BUNDLE], cwd=ROOT)
    import socket
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, certs, private
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("APNs double did not start")


def arrivals(base: str, ca: str, prefix: str) -> dict[str, int]:
    import ssl
    ctx = ssl.create_default_context(cafile=ca)
    with httpx.Client(http2=True, verify=ctx, base_url=base, timeout=30) as c:
        rows = c.get("/_double/arrivals").json()["arrivals"]
    return {cid: ns for cid, ns, status in rows if cid and cid.startswith(prefix) and status == 200}


def add_device(url: str) -> tuple[int, int]:
    from sqlalchemy import select

    from api.accounts.models import User
    from bootstrap import benchmark
    from api.pushdevices.models import PushDevice

    with benchmark(url).sessions() as db:
        user = db.scalar(select(User).where(User.mobile == "+4790000002"))
        db.add(PushDevice(tenant_id=user.tenant_id, user_id=user.id, platform="ios", token=TOKEN,
                          token_kind="voip", app_id=BUNDLE, environment="production"))
        db.commit()
        return user.tenant_id, user.id


def sample_request(private: bytes):
    from push import payloads
    from push.apns import ProviderToken, request_parts
    from push.ports import Target

    target = Target(1, "ios", TOKEN, "voip", BUNDLE, "production", None)
    jwt = ProviderToken(private, KEY_ID, TEAM_ID, 3000).current()

    def build(call_id: str):
        data = {"caller": {"number": "+4722334455", "name": "Kari Nordmann",
                           "company": "Fjord AS", "source": "directory"}, "ring_timeout": 25}
        [msg], _ = payloads.plan("incoming_call", call_id, data, [target], {})
        headers, body = request_parts(msg, 25, time.time())
        headers["authorization"] = f"bearer {jwt}"
        return headers, body
    return build


async def paced(n: int, rate: float | None, prefix: str, sent: dict[str, int]):
    """Call ids `prefix0`.. at `rate` a second (None: at once), each stamped as it goes."""
    start = time.perf_counter()
    for i in range(n):
        if rate:
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        cid = f"{prefix}{i}"
        sent[cid] = time.monotonic_ns()
        yield cid


async def bare_client(port: int, ca: str, build, cids, connected=None) -> None:
    """The ceiling: the same requests written straight with `h2` on one TLS connection, one
    per call id from the async iterator `cids`; `connected()` once the connection is up."""
    import ssl

    import h2.config
    import h2.connection
    import h2.events

    ctx = ssl.create_default_context(cafile=ca)
    ctx.set_alpn_protocols(["h2"])
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=ctx)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    writer.write(conn.data_to_send())
    waiting: dict[int, asyncio.Future] = {}
    window = asyncio.Event()

    async def read() -> None:
        while data := await reader.read(65536):
            for ev in conn.receive_data(data):
                if isinstance(ev, h2.events.StreamEnded) and ev.stream_id in waiting:
                    waiting.pop(ev.stream_id).set_result(None)
                elif isinstance(ev, (h2.events.WindowUpdated, h2.events.RemoteSettingsChanged)):
                    window.set()
            writer.write(conn.data_to_send())

    reading = asyncio.create_task(read())
    if connected is not None:
        connected()
    async for cid in cids:
        headers, body = build(cid)
        while conn.outbound_flow_control_window < len(body):
            window.clear()
            await window.wait()
        sid = conn.get_next_available_stream_id()
        conn.send_headers(sid, [(":method", "POST"), (":scheme", "https"),
                                (":authority", "127.0.0.1"), (":path", f"/3/device/{TOKEN}"),
                                *headers.items()])
        conn.send_data(sid, body, end_stream=True)
        writer.write(conn.data_to_send())
        waiting[sid] = asyncio.get_running_loop().create_future()
        if len(waiting) >= 900:  # stay under the server's concurrent stream limit
            await asyncio.wait(list(waiting.values()), return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*waiting.values())
    reading.cancel()
    writer.close()


def bare(port: int, ca: str, build, *, rate: float | None, n: int, prefix: str
         ) -> dict[str, int]:
    sent: dict[str, int] = {}
    asyncio.run(bare_client(port, ca, build, paced(n, rate, prefix, sent)))
    return sent


HANDOFF_NS: list[int] = []


def ours(svc, tenant_id: int, user_id: int, *, rate: float | None, n: int, prefix: str
         ) -> dict[str, int]:
    from push import Notifier

    notifier = Notifier(svc)

    def send(cid: str) -> None:
        t0 = time.monotonic_ns()
        notifier.incoming_call(tenant_id, user_id, cid, "+4722334455", hit=HIT)
        HANDOFF_NS.append(time.monotonic_ns() - t0)

    sent = feed(send, n, rate, prefix)
    if not svc.drain(120):
        raise RuntimeError("the sender did not finish")
    return sent


def latency(sent: dict[str, int], got: dict[str, int]) -> dict:
    lat = [(got[c] - t) / 1e6 for c, t in sent.items() if c in got]
    return {"n": len(lat), "lost": len(sent) - len(lat), "p50": statistics.median(lat),
            "p99": pct(lat, 0.99), "max": max(lat)}


def throughput(sent: dict[str, int], got: dict[str, int]) -> float:
    first = min(sent.values())
    last = max(got[c] for c in sent if c in got)
    return len([c for c in sent if c in got]) / ((last - first) / 1e9)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--burst", type=int, default=10000)
    ap.add_argument("--switch-interval", type=float, default=0.0005,
                    help="sys.setswitchinterval, as the SIP gateway process sets it")
    args = ap.parse_args()
    sys.setswitchinterval(args.switch_interval)
    n_paced = int(args.rate * args.seconds)

    from push.apns import ApnsTransport, ProviderToken
    from push.service import PushService

    with tempfile.TemporaryDirectory(prefix="pbx-push-bench-") as d, demo_database() as url:
        port = free_port()
        proc, certs, private = start_double(Path(d), port)
        base = f"https://127.0.0.1:{port}"
        try:
            build = sample_request(private)
            c_sent = bare(port, certs["ca"], build, rate=args.rate, n=n_paced, prefix="cp")
            c_lat = latency(c_sent, arrivals(base, certs["ca"], "cp"))
            cpu = time.process_time()
            c_sent = bare(port, certs["ca"], build, rate=None, n=args.burst, prefix="cb")
            c_cpu = (time.process_time() - cpu) / args.burst
            c_rate = throughput(c_sent, arrivals(base, certs["ca"], "cb"))

            tenant_id, user_id = add_device(url)
            from api.pushdevices.store import DeviceStore
            from bootstrap import benchmark, freeze_startup_objects
            transport = ApnsTransport(ProviderToken(private, KEY_ID, TEAM_ID, 3000),
                                      production_url=base, sandbox_url=base,
                                      ca_file=certs["ca"], connections=1)
            svc = PushService(DeviceStore(benchmark(url).sessions),
                              {"ios": transport, "android": transport}).start()
            freeze_startup_objects()   # as the API process does once its sender runs
            try:
                ours(svc, tenant_id, user_id, rate=None, n=50, prefix="w")
                o_sent = ours(svc, tenant_id, user_id, rate=args.rate, n=n_paced, prefix="op")
                o_lat = latency(o_sent, arrivals(base, certs["ca"], "op"))
                cpu = time.process_time()
                o_sent = ours(svc, tenant_id, user_id, rate=None, n=args.burst, prefix="ob")
                o_cpu = (time.process_time() - cpu) / args.burst
                o_rate = throughput(o_sent, arrivals(base, certs["ca"], "ob"))
            finally:
                svc.stop()

            key_file = Path(d) / "apns.p8"
            key_file.write_bytes(private)
            got = lambda prefix: arrivals(base, certs["ca"], prefix)  # noqa: E731
            x = ceiling(port, certs["ca"], str(key_file), got, rate=args.rate, n=n_paced,
                        burst=args.burst)
            r = relay_path({"DATABASE_URL": url, "APNS_KEY_FILE": str(key_file),
                            "APNS_KEY_ID": KEY_ID, "APNS_TEAM_ID": TEAM_ID,
                            "APNS_PRODUCTION_URL": base, "APNS_SANDBOX_URL": base,
                            "APNS_CA_FILE": certs["ca"], "APNS_CONNECTIONS": "1"},
                           tenant_id, user_id, got, rate=args.rate, n=n_paced,
                           burst=args.burst)
        finally:
            proc.terminate()
            proc.wait(10)

    def row(lat):
        return (f"p50 {lat['p50']:.2f} ms  p99 {lat['p99']:.2f} ms  max {lat['max']:.2f} ms"
                f"  ({lat['n']} sent, {lat['lost']} lost)")
    report(f"push: notify -> last byte at the APNs double, {args.rate:.0f}/s for "
           f"{args.seconds:.0f} s, one HTTP/2 connection (TLS, 127.0.0.1)", [
        ("ceiling (bare h2 client)", row(c_lat)),
        ("Notifier.incoming_call", row(o_lat) + "  target p99 < 3 ms"),
        ("p99 ratio (ours / ceiling)", f"{o_lat['p99'] / c_lat['p99']:.2f}"),
        ("hand-off (notify returns)", f"p50 {pct(HANDOFF_NS, 0.5) / 1000:.1f} us  "
                                      f"p99 {pct(HANDOFF_NS, 0.99) / 1000:.1f} us"),
        (f"ceiling rate ({args.burst} burst)", f"{c_rate:.0f}/s"),
        (f"sustained rate ({args.burst} burst)", f"{o_rate:.0f}/s  target >= 2000/s"),
        ("rate ratio (ours / ceiling)", f"{o_rate / c_rate:.2f}  target >= 0.6"),
        ("CPU per push (client side)", f"ceiling {c_cpu * 1e6:.0f} us, ours {o_cpu * 1e6:.0f} us"
                                       f" (target <= 500 us) -> one core could send"
                                       f" {1 / o_cpu:.0f}/s"),
    ])


    x_lat, r_lat = latency(*x["paced"]), latency(*r["paced"])
    x_rate, r_rate = throughput(*x["burst"]), throughput(*r["burst"])
    report(f"push through the relay process: notify in this process -> relay -> last byte at"
           f" the double, {args.rate:.0f}/s; ceiling: the same datagrams to a bare h2 process", [
        ("ceiling (bare relay)", row(x_lat)),
        ("Notifier -> Relay -> relay process", row(r_lat) + "  target p99 < 3 ms"),
        ("p99 ratio (ours / ceiling)", f"{r_lat['p99'] / x_lat['p99']:.2f}"),
        (f"ceiling rate ({args.burst} burst)", f"{x_rate:.0f}/s"),
        (f"sustained rate ({args.burst} burst)", f"{r_rate:.0f}/s  target >= 2000/s"
                                                 f"  ({r['dropped']} dropped)"),
        ("rate ratio (ours / ceiling)", f"{r_rate / x_rate:.2f}  target >= 0.6"),
        ("CPU per push", f"ceiling {x['cpu'] * 1e6:.0f} us, relay process {r['cpu'] * 1e6:.0f}"
                         f" us + gateway side {r['gateway_cpu'] * 1e6:.0f} us"),
    ])


if __name__ == "__main__":
    main()
