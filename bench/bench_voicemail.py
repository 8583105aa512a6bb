"""Voicemail benchmark: 50 callers at once leave a message with the gateway's own voicemail
(SIPp trunk -> gateway: greeting, tone, 7.08 s of speech from SIPp's g711a.pcap, hang-up),
against the same calls taken by a bare pjsua2 recorder in the same run (the ceiling).

    .venv/bin/python -m bench.bench_voicemail [--callers N]

Figures: messages kept out of calls made (none may be lost: a row and a WAV for each), and
CPU per recording second of the gateway (alone, and with its routing and push processes),
as a ratio to the bare recorder's CPU per recording second (which records the whole call:
the gateway records only after its greeting, so CPU per call is given too).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_gateway import Sink, _cpu_seconds, _cpu_tree, _settle, _sipp, gateway_process
from bench.lib import ROOT, demo_database, report

SCENARIO = ROOT / "tests" / "sip" / "trunk_uac_voicemail.xml"
PCAP = "/usr/share/sip-tester/g711a.pcap"
GREETING_WAIT_MS = 8000   # the spoken default greeting and the tone, before the caller speaks


def _port() -> int:
    from tests.support.sip import free_port
    return free_port()


def _prepare(url: str, callers: int) -> list[str]:
    """`callers` users out of office in the first demo company: their office numbers."""
    from datetime import timedelta

    from sqlalchemy import select

    from api.accounts import admin
    from api.accounts.models import Tenant
    from api.availability.models import Profile
    from api.availability.services import ensure_standard, set_availability
    from api.core.clock import now
    from bootstrap import benchmark

    factory = benchmark(url).sessions
    numbers = []
    with factory() as db:
        tenant = db.scalars(select(Tenant).order_by(Tenant.id)).first()
        for n in range(callers):
            user = admin.create_user(db, tenant, {"mobile": f"+4794{n:06d}",
                                                  "first_name": f"V{n}",
                                                  "office_number": f"+4723{n:06d}"})
            ensure_standard(db, tenant.id, user.id)
            ooo = db.scalar(select(Profile.id).where(Profile.user_id == user.id,
                                                     Profile.key == "out_of_office"))
            set_availability(db, tenant.id, user.id, user.id, ooo, now() + timedelta(days=1),
                             None)
            numbers.append(user.office_number)
        db.commit()
    return numbers


def _callers(target: str, tmp: Path, numbers: list[str], ear: int, name: str) -> dict:
    numbers_file = tmp / f"{name}.csv"
    numbers_file.write_text("SEQUENTIAL\n" + "".join(f"{n};\n" for n in numbers))
    scenario = tmp / "trunk_uac_voicemail.xml"
    scenario.write_text(SCENARIO.read_text().replace("[service]", "[field0]"))
    n = len(numbers)
    args = [target, "-sf", str(scenario), "-inf", str(numbers_file), "-key", "caller",
            "+4791234567", "-key", "ear", str(ear), "-key", "pcap", PCAP, "-i", "127.0.0.1",
            "-p", str(_port()), "-r", str(n), "-m", str(n), "-l", str(n),
            "-d", str(GREETING_WAIT_MS)]
    return _sipp(args, tmp, name, timeout=GREETING_WAIT_MS / 1000 + 7.1 + 30)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(40)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wav_seconds(paths) -> float:
    import soundfile as sf

    return sum(sf.info(str(p)).duration for p in paths)


def _messages(url: str) -> list[tuple[int, str]]:
    from sqlalchemy import create_engine, text

    with create_engine(url).connect() as conn:
        return list(conn.execute(text("SELECT duration_ms, file FROM voicemail_messages")))


def run(callers: int) -> None:
    rows = []
    with demo_database() as url, tempfile.TemporaryDirectory(prefix="vm-bench-") as d:
        tmp = Path(d)
        numbers = _prepare(url, callers)
        from tests.support.sip import Ear

        ear, sink = Ear(), Sink()  # where the callers' SDP says to send audio: dropped
        try:
            # the ceiling: a bare pjsua2 recorder takes the same calls
            bare_dir = tmp / "bare"
            bare_dir.mkdir()
            port = _port()
            bare = subprocess.Popen([sys.executable, "-m", "bench.bare_recorder", str(port),
                                     "34000", str(bare_dir)], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            for line in bare.stdout:  # pjlib says a few words before its log level is set
                if line.strip() == "ready":
                    break
            cpu0 = _cpu_seconds(bare.pid)
            got = _callers(f"127.0.0.1:{port}", tmp, numbers, ear.port, "bare")
            bare_cpu = _cpu_seconds(bare.pid) - cpu0
            _stop(bare)
            bare_s = _wav_seconds(bare_dir.glob("*.wav"))
            bare_per_s = bare_cpu / max(bare_s, 1e-9) * 1000
            bare_per_call = bare_cpu / max(1, got["ok"]) * 1000
            rows.append(("bare pjsua2 recorder (ceiling)",
                         f"calls ok {got['ok']} failed {got['failed']}; {bare_s:.0f} s recorded "
                         f"(the whole call); {bare_per_s:.2f} ms CPU per recording second, "
                         f"{bare_per_call:.1f} ms per call"))

            vm_dir = tmp / "voicemail"
            gw_port = _port()
            with gateway_process(url, tmp, gw_port, sink, trunk_port=_port(),
                                 voicemail_port=None,
                                 env={"VOICEMAIL_DIR": str(vm_dir),
                                      "SIP_VOICEMAIL_SILENCE_S": "30",
                                      "SIP_RTP_PORT": "32000"}) as (gw, log_path):
                cpu0, tree0, wall0 = _cpu_seconds(gw.pid), _cpu_tree(gw.pid), time.monotonic()
                got = _callers(f"127.0.0.1:{gw_port}", tmp, numbers, ear.port, "gateway")
                left = _settle(log_path)
                gw_cpu = _cpu_seconds(gw.pid) - cpu0
                tree_cpu = _cpu_tree(gw.pid) - tree0
                wall = time.monotonic() - wall0
        finally:
            ear.close()
        kept = _messages(url)
        files = [p for p in vm_dir.rglob("*.wav")]
        recorded = sum(ms for ms, _ in kept) / 1000
        per_s = gw_cpu / max(recorded, 1e-9) * 1000
        tree_per_s = tree_cpu / max(recorded, 1e-9) * 1000
        rows.append((f"{callers} callers at once",
                     f"calls ok {got['ok']} failed {got['failed']} (unfinished {left}); "
                     f"messages kept {len(kept)} of {callers}, WAV files {len(files)}; "
                     f"{recorded:.0f} s recorded, "
                     f"{recorded / max(1, len(kept)):.2f} s each"))
        rows.append(("gateway CPU per recording second",
                     f"{per_s:.2f} ms ({per_s / max(bare_per_s, 1e-9):.1f}x the bare recorder); "
                     f"with its routing and push processes {tree_per_s:.2f} ms "
                     f"({tree_per_s / max(bare_per_s, 1e-9):.1f}x); "
                     f"{gw_cpu / wall * 100:.0f}% of a core over {wall:.1f} s"))
        per_call = gw_cpu / max(1, got["ok"]) * 1000
        rows.append(("gateway CPU per call",
                     f"{per_call:.1f} ms ({per_call / max(bare_per_call, 1e-9):.1f}x the bare "
                     f"recorder's, for the same calls: routing, greeting, tone, recording, "
                     f"the message written, push)"))
        lost = callers - len(kept)
        rows.append(("messages lost", str(lost)))
    report(f"Voicemail ({callers} simultaneous callers, SIPp trunk -> gateway, 127.0.0.1)",
           rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--callers", type=int, default=50)
    run(parser.parse_args().callers)
