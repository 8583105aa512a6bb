"""The relay path of the push benchmark: notify in the gateway's process -> `push.relay.Relay`
-> the relay process (`api.pushdevices.relay`: device look-up, sender, push log) -> the APNs
double. Its ceiling, in the same run: the same datagrams to a bare process that posts each
with `h2` at once (`bench.bare_push_relay`)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from bench.lib import ROOT

HIT = {"name": "Kari Nordmann", "company": "Fjord AS", "source": "directory"}
TICK = os.sysconf("SC_CLK_TCK")


def feed(send, n: int, rate: float | None, prefix: str) -> dict[str, int]:
    """`send(call id)` n times at `rate` a second (None: at once); when each went."""
    sent: dict[str, int] = {}
    start = time.perf_counter()
    for i in range(n):
        if rate:
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        cid = f"{prefix}{i}"
        sent[cid] = time.monotonic_ns()
        send(cid)
    return sent


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a running process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def all_arrived(arrivals, prefix: str, n: int, timeout: float = 120) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        got = arrivals(prefix)
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(1.0)


def ceiling(port: int, ca: str, key_file: str, arrivals, *, rate: float, n: int, burst: int
            ) -> dict:
    from push.relay import FD_ENV, READY

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    proc = subprocess.Popen([sys.executable, "-m", "bench.bare_push_relay", str(port), ca,
                             key_file], cwd=ROOT, pass_fds=(theirs.fileno(),),
                            env={**os.environ, FD_ENV: str(theirs.fileno())})
    theirs.close()
    ours.settimeout(30)
    if ours.recv(16) != READY:
        raise RuntimeError("the bare relay did not start")
    ours.settimeout(None)

    def send(cid: str) -> None:
        ours.sendall(cid.encode())
    feed(send, 50, None, "xw")
    paced = feed(send, n, rate, "xp")
    got_paced = all_arrived(arrivals, "xp", n)
    cpu = cpu_of(proc.pid)
    bursted = feed(send, burst, None, "xb")
    ours.close()   # the bare relay ends once its last request is answered
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return {"paced": (paced, got_paced), "burst": (bursted, arrivals("xb")),
            "cpu": (usage.ru_utime + usage.ru_stime - cpu) / burst}


def relay_path(env: dict, tenant_id: int, user_id: int, arrivals, *, rate: float, n: int,
               burst: int) -> dict:
    from api.pushdevices.sender import RELAY_MODULE
    from push import Notifier
    from push.relay import Relay

    relay = Relay(RELAY_MODULE, env).start()
    try:
        notifier = Notifier(relay)

        def send(cid: str) -> None:
            notifier.incoming_call(tenant_id, user_id, cid, "+4722334455", hit=HIT)
        feed(send, 50, None, "rw")
        all_arrived(arrivals, "rw", 50)
        paced = feed(send, n, rate, "rp")
        got_paced = all_arrived(arrivals, "rp", n)
        cpu, gateway_cpu = cpu_of(relay.pid), time.process_time()
        bursted = feed(send, burst, None, "rb")
        while relay.waiting:   # handed to the socket: the gateway's share is done
            time.sleep(0.01)
        gateway_cpu = (time.process_time() - gateway_cpu) / burst
        got_burst = all_arrived(arrivals, "rb", burst)
        relay_cpu = (cpu_of(relay.pid) - cpu) / burst
        dropped = relay.dropped
    finally:
        relay.stop()
    return {"paced": (paced, got_paced), "burst": (bursted, got_burst), "cpu": relay_cpu,
            "gateway_cpu": gateway_cpu, "dropped": dropped}
