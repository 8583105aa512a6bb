"""`make run` (scripts/run.sh) survives the death of a service: killing the push sink and the
SIP gateway leaves the API answering, and both come back on their own; SIGTERM then stops
every process it started (the SIP edge's Kamailio and its children included)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.sip import ROOT, free_port, sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""),
              pytest.mark.once]  # its own SQLite database, whatever the suite runs on
START_S = 120.0


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as resp:
            return resp.status
    except OSError:
        return None


def _session_processes(sid: int) -> dict[int, str]:
    """Every process of session `sid`: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != sid:
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ProcessLookupError):
            continue
        if cmd:
            found[int(entry.name)] = cmd
    return found


def _pid_of(sid: int, needle: str) -> int | None:
    return next((p for p, cmd in _session_processes(sid).items()
                 if needle in cmd and "bash" not in cmd), None)


class Backend:
    """scripts/run.sh on free ports, a database and state of its own; output collected."""

    def __init__(self, tmp: Path) -> None:
        self.api, self.sink_port, self.sip = free_port(), free_port(), free_port()
        self.edge = free_port()
        env = {**os.environ, "PORT": str(self.api), "HOST": "127.0.0.1",
               "DATABASE_URL": f"sqlite:///{tmp}/pbx.db", "APP_ENV": "development",
               "PUSH_SINK_URL": f"http://127.0.0.1:{self.sink_port}",
               "SIP_HOST": "127.0.0.1", "SIP_GATEWAY_BASE_PORT": str(self.sip),
               "SIP_EDGE_PORT": str(self.edge), "EDGE_RUN_DIR": str(tmp / "edge"),
               "SIP_RTP_PORT": str(self.sip + 1000 if self.sip < 60000 else 30000),
               "SIP_TTS_DIR": str(tmp / "tts"), "SIP_GATEWAY_ID": f"supervised-{self.sip}",
               "SECRET_KEY_FILE": str(tmp / "secret_key"),
               "CALENDAR_SYNC_EVERY": "3600", "RESTART_MAX_S": "2", "ACCESS_LOG": "0",
               "PASSWORD_HASH_PROFILE": "fast"}
        self.lines: list[str] = []
        self.proc = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def count(self, text: str) -> int:
        return sum(text in x for x in list(self.lines))

    def events(self, event: str) -> list[dict]:
        out = []
        for x in list(self.lines):
            if x.startswith("{") and f'"{event}"' in x:
                out.append(json.loads(x))
        return out

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api}/healthz"

    @property
    def sink_url(self) -> str:
        return f"http://127.0.0.1:{self.sink_port}/healthz"

    def stop(self) -> list[str]:
        """SIGTERM as Ctrl-C's stand-in; what of its processes is still there after it."""
        sid = self.proc.pid
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        deadline = time.monotonic() + 10
        while _session_processes(sid) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = list(_session_processes(sid).values())
        try:
            os.killpg(sid, signal.SIGKILL)   # whatever did not stop: never left running
        except ProcessLookupError:
            pass
        return left


@pytest.fixture
def backend(tmp_path):
    b = Backend(tmp_path)
    try:
        wait_until(lambda: b.count("SIP gateway ready") >= 1 and _status(b.sink_url) == 200
                   and _status(b.api_url) == 200 or b.proc.poll() is not None,
                   timeout=START_S, what="make run to start")
        assert b.proc.poll() is None, "\n".join(b.lines[-40:])
        yield b
    finally:
        b.stop()


def test_killing_the_push_sink_and_the_gateway_is_survived_and_both_come_back(backend):
    sid = backend.proc.pid
    sink, gateway = _pid_of(sid, "push.sink"), _pid_of(sid, "-m sip_gateway")
    assert sink and gateway

    os.kill(sink, signal.SIGKILL)
    os.kill(gateway, signal.SIGKILL)

    api_answers = []

    def back() -> bool:
        api_answers.append(_status(backend.api_url))
        new_sink, new_gateway = _pid_of(sid, "push.sink"), _pid_of(sid, "-m sip_gateway")
        return (new_sink not in (None, sink) and _status(backend.sink_url) == 200
                and new_gateway not in (None, gateway)
                and backend.count("SIP gateway ready") >= 2)

    wait_until(back, timeout=60, what="the push sink and the gateway to be back")
    assert set(api_answers) == {200}                  # the API answered all along
    assert backend.proc.poll() is None
    exited = {e["service"]: e for e in backend.events("service_exited")}
    assert exited["push-sink"]["code"] == exited["sip-gateway-1"]["code"] == 137
    assert {e["service"] for e in backend.events("service_restart")} >= {"push-sink",
                                                                          "sip-gateway-1"}


def test_sigterm_stops_every_process_make_run_started(backend):
    assert len(_session_processes(backend.proc.pid)) >= 5
    assert _pid_of(backend.proc.pid, "kamailio")  # the SIP edge runs under it too

    assert backend.stop() == []
    assert backend.proc.returncode is not None
