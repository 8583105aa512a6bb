"""SIP gateway benchmark: SIPp trunk -> gateway -> SIPp phones on 127.0.0.1, the whole path
(routing decision, caller lookup, push to the local sink, call state and call log written),
against SIPp calling SIPp directly in the same run (the ceiling).

    .venv/bin/python -m bench.bench_gateway [--quick] [--held 1000]

Figures, all from one run: the SIPp-to-SIPp ceiling (the highest rate stepped to with zero
failed calls), the gateway's highest call setup rate with zero failed calls (stepped; the
first rate with a failed call ends the ramp), concurrent bridged calls held with zero failed
(1000, `--held`), INVITE received -> push handed to the sender (p50/p99, measured by the gateway) and INVITE ->
push stored by the local sink, and the CPU per call of the gateway process and of its
routing and push relay processes. A call the gateway rejects (4xx/5xx) counts as failed. Every load is
bounded in calls and seconds; the whole run takes about three minutes.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.lib import ROOT, demo_database, report

SCENARIOS = ROOT / "tests" / "sip"
RATES = (50, 100, 150, 200, 250, 300, 400, 500)
RATE_SECONDS = 5
DIRECT_RATES = (250, 500, 1000, 2000)
DIRECT_SECONDS = 2
HELD = (1000,)  # 2048 call legs per process: at most 1024 bridged calls
USERS = 1040  # enough that concurrent calls rarely find their user busy (-> voicemail)


def _port() -> int:
    from tests.support.sip import free_port
    return free_port()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _prepare(url: str, phone_port: int, users: int) -> list[str]:
    """`users` more employees in the first demo company; every user rings a softphone on the
    SIPp phone and has a push token. Returns the office numbers to call."""
    from sqlalchemy import select, update

    from api.accounts import admin
    from api.accounts.models import Tenant, User
    from api.availability.models import Device
    from bootstrap import benchmark
    from api.pushdevices.models import PushDevice

    factory = benchmark(url).sessions
    with factory() as db:
        tenant = db.scalars(select(Tenant).order_by(Tenant.id)).first()
        for n in range(users):
            admin.create_user(db, tenant, {"mobile": f"+4793{n:06d}", "first_name": f"U{n}",
                                           "office_number": f"+4722{n:06d}"})
        db.flush()
        rows = db.scalars(select(User).where(User.office_number.is_not(None))).all()
        db.execute(update(Device).values(enabled=False))
        for u in rows:
            db.add(Device(tenant_id=u.tenant_id, user_id=u.id, kind="softphone", label="PC",
                          sip_uri=f"sip:pc{u.id}@127.0.0.1:{phone_port}", enabled=True))
            db.add(PushDevice(tenant_id=u.tenant_id, user_id=u.id, platform="android",
                              token=f"bench-token-{u.id}", token_kind="fcm",
                              app_id="no.example.pbx"))
        db.commit()
        return [u.office_number for u in rows]


def _settle(log_path: Path, skip: int = 0, timeout: float = 30.0) -> int:
    """Until every call the gateway took after log line `skip` is over and written
    (bounded); how many were not, when the time ran out."""
    deadline = time.monotonic() + timeout
    while True:
        text = "\n".join(log_path.read_text(errors="replace").splitlines()[skip:])
        left = text.count('"call_routed"') + text.count('"call_refused"') \
            - text.count('"call_written"')
        if left <= 0 or time.monotonic() >= deadline:
            return max(0, left)
        time.sleep(0.1)


def _lines(log_path: Path) -> int:
    return len(log_path.read_text(errors="replace").splitlines())


@contextlib.contextmanager
def gateway_process(url: str, tmp: Path, port: int, sink: "Sink", *, trunk_port: int,
                    voicemail_port: int | None, gateway_id: str = "bench",
                    env: dict | None = None):
    """`python -m sip_gateway` on `port`, logging to a file (named by `gateway_id`); yields
    (process, log path). `voicemail_port` None: the gateway's own voicemail. `env`: more
    settings. With BENCH_KEEP_LOG set, its log is copied there at the end."""
    env = {**os.environ, "DATABASE_URL": url, "SIP_PORT": str(port),
           "SIP_TRUNK_URI": f"sip:127.0.0.1:{trunk_port}",
           "SIP_VOICEMAIL_URI": f"sip:vm@127.0.0.1:{voicemail_port}" if voicemail_port else "",
           "SIP_GATEWAY_ID": gateway_id, "SIP_RTP_PORT": "30000", "SIP_MAX_CALLS": "2048",
           "PUSH_SINK_URL": sink.url, "SIP_TTS_DIR": str(tmp / "tts"), **(env or {})}
    log_path = tmp / f"{'gateway' if gateway_id == 'bench' else gateway_id}.log"
    with open(log_path, "w") as log:
        gw = subprocess.Popen([sys.executable, "-m", "sip_gateway"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        # at a line's start: a failed start's traceback quotes the line that prints it
        while not any(line.startswith("SIP gateway ready")
                      for line in log_path.read_text(errors="replace").splitlines()):
            if gw.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.1)
        yield gw, log_path
        if os.environ.get("BENCH_KEEP_LOG"):
            Path(os.environ["BENCH_KEEP_LOG"]).write_text(log_path.read_text(errors="replace"))
    finally:
        gw.terminate()
        try:  # pjsua may wait for unacknowledged answers (SIP timer H, 32 s)
            gw.wait(40)
        except subprocess.TimeoutExpired:
            gw.kill()
            gw.wait()


class Sink:
    def __init__(self) -> None:
        from push.sink import make_server

        self.server = make_server("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self) -> dict[str, float]:
        """call id -> when its incoming_call push was stored."""
        store = self.server.RequestHandlerClass.store
        out = {}
        with store._cond:
            for pushes in store._pushes.values():
                for p in pushes:
                    if p["kind"] == "incoming_call":
                        out[p["call_id"]] = p["received_at"]
        return out


def _sipp(args: list[str], tmp: Path, name: str, timeout: float) -> dict:
    """Run SIPp (killed after `timeout` s); its successful and failed call counts."""
    stats = tmp / f"{name}.csv"
    cmd = ["sipp", *args, "-nostdin", "-trace_stat", "-stf", str(stats), "-fd", "1",
           "-max_socket", "2000"]
    proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.returncode == 0:  # SIPp: every call of -m succeeded
        n = int(args[args.index("-m") + 1])
        return {"ok": n, "failed": 0}
    lines = stats.read_text(errors="replace").splitlines() if stats.exists() else []
    if len(lines) < 2:
        return {"ok": 0, "failed": 0}
    head, last = lines[0].split(";"), lines[-1].split(";")
    value = dict(zip(head, last))
    return {"ok": int(value.get("SuccessfulCall(C)", 0)),
            "failed": int(value.get("FailedCall(C)", 0))}


def _phone(tmp: Path, port: int, calls: int, ring_ms: int) -> subprocess.Popen:
    """The phones (and voicemail: the same SIPp). It takes up to twice `calls`: some demo
    users' plans send a call to voicemail, a second leg to this SIPp; it is killed after
    each step."""
    return subprocess.Popen(
        ["sipp", "-sf", str(SCENARIOS / "phone_answer.xml"), "-i", "127.0.0.1", "-p",
         str(port), "-nostdin", "-d", str(ring_ms), "-m", str(2 * calls), "-max_socket", "2000",
         "-timeout", "120s"], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _trunk(target: str, tmp: Path, numbers_file: Path, *, rate: float, calls: int,
           hold_ms: int, limit: int, name: str, base: str = "trunk_uac.xml",
           ip: str = "127.0.0.1") -> dict:
    """SIPp as the trunk from `ip`, calling the numbers of `numbers_file` at `rate` with
    scenario `base` (`edge_uac.xml` through the edge: it follows its Record-Route)."""
    scenario = tmp / f"bench_{base}"
    if not scenario.exists():
        # a rejected call (any final 4xx/5xx) is acknowledged, then counted as failed: a
        # receive that cannot come, with a 1 ms timeout
        scenario.write_text((SCENARIOS / base).read_text()
                            .replace("[service]", "[field0]")
                            .replace('<label id="done"/>',
                                     '<recv request="REJECTED" timeout="1"/>\n'
                                     '  <label id="done"/>'))
    port = _port()
    args = [target, "-sf", str(scenario), "-inf", str(numbers_file), "-key", "caller",
            "+4791234567", "-i", ip, "-p", str(port), "-r", str(rate), "-m",
            str(calls), "-l", str(limit), "-d", str(hold_ms)]
    return _sipp(args, tmp, name, timeout=calls / rate + hold_ms / 1000 + 10)


def run(quick: bool, held: tuple[int, ...] = HELD) -> None:
    rates = RATES[:4] if quick else RATES
    with demo_database() as url, tempfile.TemporaryDirectory(prefix="gw-bench-") as d:
        tmp = Path(d)
        phone_port, gw_port = _port(), _port()
        numbers = _prepare(url, phone_port, USERS)
        numbers_file = tmp / "numbers.csv"
        numbers_file.write_text("SEQUENTIAL\n" + "".join(f"{n};\n" for n in numbers))
        sink = Sink()
        with gateway_process(url, tmp, gw_port, sink, trunk_port=phone_port,
                             voicemail_port=phone_port) as (gw, log_path):
            rows = _measure(tmp, gw, gw_port, phone_port, numbers_file, rates, log_path,
                            sink, held)
    report("SIP gateway (SIPp trunk -> gateway -> SIPp phone, 127.0.0.1)", rows)


def _cpu_tree(pid: int) -> float:
    """CPU seconds of the gateway and of its child processes (routing worker, push relay)."""
    return _cpu_seconds(pid) + sum(_cpu_seconds(c) for c in _children(pid))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _measure(tmp, gw, gw_port, phone_port, numbers_file, rates, log_path, sink,
             held_steps=HELD) -> list:
    rows = []
    # unloaded, 20 calls/s, phones ringing 1 s (an incoming_call push for a call answered
    # before the sender got to it is dropped as no longer relevant, by design)
    mark = _lines(log_path)
    phone = _phone(tmp, phone_port, 100, 1000)
    _trunk(f"127.0.0.1:{gw_port}", tmp, numbers_file, rate=20, calls=100, hold_ms=0,
           limit=40, name="latency")
    _settle(log_path, mark)
    phone.kill()
    phone.wait()
    rows += _push_latency(log_path, sink, "at 20 calls/s", skip=mark)

    best_direct = 0
    for rate in DIRECT_RATES:  # the ceiling: SIPp calling SIPp directly
        calls = rate * DIRECT_SECONDS
        phone = _phone(tmp, phone_port, calls, 0)
        direct = _trunk(f"127.0.0.1:{phone_port}", tmp, numbers_file, rate=rate, calls=calls,
                        hold_ms=0, limit=2 * rate, name=f"direct{rate}")
        phone.kill()
        phone.wait()
        if direct["failed"] or direct["ok"] != calls:
            break
        best_direct = rate

    # concurrent bridged calls before the ramp: the ramp ends by overloading the gateway, and
    # its leftovers (legs waiting out SIP timers) would hold call slots for half a minute
    for held in held_steps:
        mark = _lines(log_path)
        rate = 100  # set up well within the gateway's rate: this step measures how many it holds
        phone = _phone(tmp, phone_port, held, 0)
        cpu0, wall0 = _cpu_seconds(gw.pid), time.monotonic()
        # each call is held until well after the last one was set up: all up at once
        got = _trunk(f"127.0.0.1:{gw_port}", tmp, numbers_file, rate=rate, calls=held,
                     hold_ms=int(held / rate * 1000) + 4000, limit=held, name=f"held{held}")
        got["failed"] += _settle(log_path, mark)
        cpu, wall = _cpu_seconds(gw.pid) - cpu0, time.monotonic() - wall0
        phone.kill()
        phone.wait()
        rows.append((f"{held} concurrent bridged calls",
                     f"ok {got['ok']} failed {got['failed']}; gateway {cpu / wall * 100:.0f}% "
                     f"of a core over {wall:.1f} s"))
    best_gw = 0
    ramp_mark = _lines(log_path)
    for rate in rates:
        calls = rate * RATE_SECONDS
        mark = _lines(log_path)
        phone = _phone(tmp, phone_port, calls, 0)
        gw_cpu0, all_cpu0, wall0 = _cpu_seconds(gw.pid), _cpu_tree(gw.pid), time.monotonic()
        got = _trunk(f"127.0.0.1:{gw_port}", tmp, numbers_file, rate=rate, calls=calls,
                     hold_ms=0, limit=2 * rate, name=f"gw{rate}")
        # a call the gateway never finished counts as failed, whatever SIPp says
        got["failed"] += _settle(log_path, mark)
        wall = time.monotonic() - wall0
        gw_cpu = _cpu_seconds(gw.pid) - gw_cpu0
        helper_cpu = _cpu_tree(gw.pid) - all_cpu0 - gw_cpu
        phone.kill()
        phone.wait()
        per_call = 1000 / max(1, got["ok"])
        push = _push_figures(log_path, sink, mark)
        rows.append((f"{rate} setups/s x {calls}",
                     f"ok {got['ok']} failed {got['failed']}; gateway {gw_cpu * per_call:.2f} "
                     f"ms CPU/call ({gw_cpu / wall * 100:.0f}% of a core over {wall:.1f} s), "
                     f"its routing and push processes {helper_cpu * per_call:.2f} ms CPU/call; "
                     f"INVITE -> push "
                     f"p50 {push[0]:.2f} ms, p99 {push[1]:.2f} ms"))
        if got["failed"] or got["ok"] != calls:
            break  # the first rate with a failed call ends the ramp
        best_gw = rate
    rows.append(("highest rate with 0 failed",
                 f"gateway {best_gw}/s ({best_gw / max(1, best_direct) * 100:.0f}% of the "
                 f"ceiling); SIPp to SIPp directly {best_direct}/s (every call of each rate "
                 f"stepped to, {DIRECT_SECONDS} s each, up to {DIRECT_RATES[-1]}/s)"))
    rows += _push_latency(log_path, sink, "during the rate steps", skip=ramp_mark)

    return rows


def _push_figures(log_path: Path, sink: Sink, skip: int) -> tuple[float, float]:
    handed = [json.loads(line)["since_invite_ms"]
              for line in log_path.read_text(errors="replace").splitlines()[skip:]
              if '"event": "push"' in line and '"kind": "incoming"' in line]
    return _pct(handed, 50), _pct(handed, 99)


def _pct(values, q):
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else float("nan")


def _push_latency(log_path: Path, sink: Sink, label: str, skip: int = 0) -> list:
    handed, invites = [], {}
    for line in log_path.read_text(errors="replace").splitlines()[skip:]:
        if '"event": "push"' in line and '"kind": "incoming"' in line:
            rec = json.loads(line)
            handed.append(rec["since_invite_ms"])
            ts = time.mktime(time.strptime(rec["ts"][:19], "%Y-%m-%dT%H:%M:%S")) \
                - time.timezone + float("0." + rec["ts"][20:23])
            invites[rec["call_id"]] = ts - rec["since_invite_ms"] / 1000
    stored = [(t - invites[c]) * 1000 for c, t in sink.received().items() if c in invites]
    return [(f"INVITE -> push handed over, {label}", f"p50 {_pct(handed, 50):.2f} ms, "
                                           f"p99 {_pct(handed, 99):.2f} ms (n={len(handed)})"),
            (f"INVITE -> push stored by sink, {label}", f"p50 {_pct(stored, 50):.1f} ms, "
                                              f"p99 {_pct(stored, 99):.1f} ms (n={len(stored)})")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the first four rates")
    parser.add_argument("--held", default=",".join(map(str, HELD)),
                        help="concurrent bridged calls to hold, comma-separated (at most "
                             "1024: 2048 call legs)")
    args = parser.parse_args()
    run(args.quick, tuple(int(n) for n in args.held.split(",") if n.strip()))


if __name__ == "__main__":
    main()
