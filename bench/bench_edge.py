"""SIP edge benchmark: call setups per second through Kamailio in front of one and of two
gateways, against the ceilings measured in the same run: SIPp calling SIPp directly,
SIPp through Kamailio alone (stateless and stateful relay to a SIPp phone) and the gateway
without the edge.

    .venv/bin/python -m bench.bench_edge [--quick] [--seconds 3]

Each path is stepped through rising rates for `--seconds` each; its figure is the highest
rate at which every call was answered and hung up (a call rejected, or not finished by its
gateway, counts as failed; the first rate with a failed call ends that path's ramp). The
trunk SIPp calls from 127.0.0.2 (the edge's trusted trunk), numbers spread over 520 users
with a softphone on the SIPp phone; demo database on SQLite, pushes to the local sink.
Figures are printed as ratios of the ceilings, with the CPU per call of Kamailio (every
process) and of the gateways (with their routing and push processes).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

from bench.bench_gateway import (USERS, Sink, _cpu_tree, _lines, _phone, _port, _prepare,
                                 _settle, _trunk, gateway_process)
from bench.lib import ROOT, demo_database, report

TRUNK_IP = "127.0.0.2"
CEILING_RATES = (250, 500, 1000, 2000)
GATEWAY_RATES = (50, 100, 150, 200, 250, 300)


@contextlib.contextmanager
def kamailio_relay(tmp: Path, to: str, *, stateful: bool):
    """Kamailio alone (bench/kamailio_relay.cfg) relaying everything to `to`; yields
    (its address, its main pid)."""
    port = _port()
    run = tmp / f"relay-{port}"
    run.mkdir()
    cmd = ["kamailio", "-f", str(ROOT / "bench" / "kamailio_relay.cfg"), "-DD", "-E",
           "-Y", str(run), "-P", str(run / "pid"), "-l", f"udp:127.0.0.1:{port}",
           "-A", f'RELAY_TO="{to}"', "-A", f'RELAY_CTL="unix:{run / "ctl"}"',
           *(["-A", "STATEFUL"] if stateful else [])]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        from tests.support.sip import udp_bound, wait_until

        wait_until(lambda: udp_bound(port) or proc.poll() is not None, what="Kamailio")
        yield f"127.0.0.1:{port}", proc.pid
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _ramp(tmp, target: str, numbers_file, phone_port: int, rates, seconds: float, name: str,
          *, base: str, logs=(), cpu: dict | None = None, ip: str = TRUNK_IP
          ) -> tuple[int, dict]:
    """The highest rate of `rates` with every call answered; CPU ms per call at that rate of
    each process of `cpu` (name -> pid, its child processes included)."""
    cpu_pids = cpu or {}
    best, cpu_at_best = 0, {}
    for rate in rates:
        calls = int(rate * seconds)
        marks = [_lines(log) for log in logs]
        cpu0 = {what: _cpu_tree(pid) for what, pid in cpu_pids.items()}
        phone = _phone(tmp, phone_port, calls, 0)
        got = _trunk(target, tmp, numbers_file, rate=rate, calls=calls, hold_ms=0,
                     limit=2 * rate, name=f"{name}{rate}", base=base, ip=ip)
        got["failed"] += sum(_settle(log, mark) for log, mark in zip(logs, marks))
        phone.kill()
        phone.wait()
        if got["failed"] or got["ok"] != calls:
            break
        best = rate
        cpu_at_best = {what: (_cpu_tree(cpu_pids[what]) - c) * 1000 / calls
                       for what, c in cpu0.items()}
    return best, cpu_at_best


def run(quick: bool, seconds: float) -> None:
    gateway_rates = GATEWAY_RATES[:3] if quick else GATEWAY_RATES
    rows: list[tuple[str, str]] = []
    with demo_database() as url, tempfile.TemporaryDirectory(prefix="edge-bench-") as d:
        tmp = Path(d)
        phone_port = _port()
        numbers = _prepare(url, phone_port, USERS)
        numbers_file = tmp / "numbers.csv"
        numbers_file.write_text("SEQUENTIAL\n" + "".join(f"{n};\n" for n in numbers))
        ramp = dict(numbers_file=numbers_file, phone_port=phone_port, seconds=seconds)
        phone_uri = f"sip:127.0.0.1:{phone_port}"

        direct, _ = _ramp(tmp, f"127.0.0.1:{phone_port}", rates=CEILING_RATES, name="direct",
                          base="edge_uac.xml", **ramp)
        relays = {}
        for stateful in (False, True):
            with kamailio_relay(tmp, phone_uri, stateful=stateful) as (address, pid):
                relays[stateful] = _ramp(tmp, address, rates=CEILING_RATES,
                                         name=f"relay{int(stateful)}", base="edge_uac.xml",
                                         cpu={"Kamailio": pid}, **ramp)
        sink = Sink()
        ports = (_port(), _port())
        with contextlib.ExitStack() as stack:
            gws = [stack.enter_context(gateway_process(
                url, tmp, ports[n], sink, trunk_port=phone_port, voicemail_port=phone_port,
                gateway_id=f"bench-{n}",
                env={"SIP_TRUNKS": "127.0.0.1;kind=edge",
                     "SIP_RTP_PORT": str(30000 + 8000 * n)}))
                for n in (0, 1)]
            # the gateway without the edge: the trunk calls from 127.0.0.1, its one peer
            alone = _ramp(tmp, f"127.0.0.1:{ports[0]}", rates=gateway_rates, name="gw",
                          base="trunk_uac.xml", logs=(gws[0][1],), ip="127.0.0.1",
                          cpu={"gateway": gws[0][0].pid}, **ramp)
            edged = {count: _through_edge(url, tmp, gws[:count], ports, gateway_rates, ramp)
                     for count in (1, 2)}
    k1, k2 = edged[1][0], edged[2][0]
    rows += [
        ("SIPp -> SIPp (ceiling)", f"{direct}/s"),
        ("SIPp -> Kamailio stateless -> SIPp", _vs(relays[False], direct, "SIPp to SIPp")),
        ("SIPp -> Kamailio stateful -> SIPp", _vs(relays[True], direct, "SIPp to SIPp")),
        ("gateway alone", _vs(alone, relays[True][0], "Kamailio stateful")),
        ("edge -> 1 gateway", _vs(edged[1], alone[0], "the gateway alone")),
        ("edge -> 2 gateways", _vs(edged[2], k1, "edge -> 1 gateway")),
        ("the edge's cost", f"{(1 - k1 / max(1, alone[0])) * 100:.0f}% of the gateway's rate "
                            f"(goal: under 10%); two gateways {k2 / max(1, k1):.2f}x one"),
    ]
    report(f"SIP edge (SIPp trunk {TRUNK_IP} -> Kamailio -> gateways -> SIPp phone; "
           f"{seconds:g} s per step)", rows)


def _through_edge(url, tmp, gws, ports, rates, ramp) -> tuple[int, dict]:
    from tests.support.edge import Edge
    from tests.support.sip import wait_until

    edge = Edge(url, gateways=tuple(f"sip:127.0.0.1:{p}" for p in ports[:len(gws)]),
                trunks=TRUNK_IP, min_expires=60)
    try:
        wait_until(lambda: set(edge.gateways().values()) == {"AP"}, timeout=30,
                   what="the gateways to answer the edge's OPTIONS")
        # scripts/kamailio.sh execs Kamailio: the pid is Kamailio's, its workers its children
        cpu = {"Kamailio": edge.proc.pid,
               **{f"gateway {n + 1}": gw.pid for n, (gw, _) in enumerate(gws)}}
        return _ramp(tmp, edge.address, rates=rates, name=f"edge{len(gws)}-",
                     base="edge_uac.xml", logs=tuple(log for _, log in gws), cpu=cpu, **ramp)
    finally:
        edge.stop()


def _vs(result: tuple[int, dict], ceiling: int, name: str) -> str:
    rate, cpu = result
    spent = ", ".join(f"{what} {ms:.2f}" for what, ms in cpu.items())
    return (f"{rate}/s = {rate / max(1, ceiling):.2f} of {name}"
            + (f"; CPU ms per call: {spent}" if cpu else ""))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer gateway rate steps")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each step")
    args = parser.parse_args()
    os.environ.setdefault("PASSWORD_HASH_PROFILE", "fast")
    run(args.quick, args.seconds)
