"""What answering malformed SIP costs the gateway: raw requests over UDP on 127.0.0.1, each
kind at a fixed rate, against OPTIONS (answered by pjsip alone, in C) in the same run.

    .venv/bin/python -m bench.bench_malformed [--rate 2000] [--seconds 2]

Figures per kind: requests sent, final responses received, the gateway's CPU per answered
request (its idle polling subtracted) and that cost as a ratio to OPTIONS. Requests the
guard answers run a Python callback (ctypes) on the call thread; the ratio says how much
dearer that is than pjsip answering on its own.
"""
from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

from bench.bench_gateway import _cpu_seconds
from bench.lib import demo_database, report

KINDS = [  # (label, raw_request arguments); the first is the baseline
    ("OPTIONS (pjsip: 200)", {"method": "OPTIONS"}),
    ("no Call-ID (guard: 400)", {"drop": ("Call-ID",)}),
    ("CSeq not a number (guard: 400)", {"cseq": "abc INVITE"}),
    ("unknown method (guard: 501)", {"method": "FROBNICATE"}),
    ("BYE outside a dialog (guard: 481)", {"method": "BYE"}),
]


def _flood(port: int, args: dict, rate: int, seconds: float) -> tuple[int, int]:
    """Send `rate` requests a second for `seconds`; (sent, final responses received)."""
    from tests.support.sip import raw_request

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.settimeout(1.0)
        me = s.getsockname()[1]
        got = [0]

        def receive() -> None:
            try:
                while True:
                    if int(s.recv(65535).split()[1]) >= 200:
                        got[0] += 1
            except OSError:
                pass
        reader = threading.Thread(target=receive)
        reader.start()
        total, start = int(rate * seconds), time.monotonic()
        for n in range(total):
            due = start + n / rate
            while time.monotonic() < due:
                time.sleep(0.0005)
            s.sendto(raw_request("UDP", me, n, **args).encode(), ("127.0.0.1", port))
        reader.join()  # ends one second after the last response
        return total, got[0]


def run(rate: int, seconds: float) -> None:
    from tests.support.sip import Gateway, free_port

    with demo_database() as url, tempfile.TemporaryDirectory() as tmp:
        gw = Gateway(url, Path(tmp), trunk_port=free_port(), voicemail_port=free_port(),
                     sink_url="http://127.0.0.1:9/")
        try:
            cpu0, wall0 = _cpu_seconds(gw.proc.pid), time.monotonic()
            time.sleep(2.0)  # idle: the call thread polls pjsua
            idle = (_cpu_seconds(gw.proc.pid) - cpu0) / (time.monotonic() - wall0)
            rows, base = [("gateway idle", f"{idle * 100:.1f}% of a core")], None
            for label, args in KINDS:
                cpu0, wall0 = _cpu_seconds(gw.proc.pid), time.monotonic()
                sent, answered = _flood(gw.port, args, rate, seconds)
                wall = time.monotonic() - wall0
                cpu = _cpu_seconds(gw.proc.pid) - cpu0 - idle * wall
                per = cpu / max(1, answered) * 1e6
                base = base or per
                rows.append((label, f"sent {sent}, answered {answered}, {per:.0f} us CPU "
                                    f"each ({per / base:.1f}x OPTIONS)"))
            rows.append(("gateway still up", str(gw.alive())))
        finally:
            gw.stop()
    report(f"Malformed SIP over UDP at {rate}/s for {seconds:g} s per kind (127.0.0.1)", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=2.0)
    a = parser.parse_args()
    run(a.rate, a.seconds)


if __name__ == "__main__":
    main()
