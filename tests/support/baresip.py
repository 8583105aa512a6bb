"""baresip (a real softphone, Debian `baresip-core`) as a test phone, driven over its
`ctrl_tcp` interface: netstring-framed JSON commands in, responses and events out.

One process per phone, in its own process group, on free ports; 8 kHz G.711 with a tone file
as its microphone and files instead of a sound card. Every wait is for an event the phone
reported (call incoming, established, closed, a key received), with a deadline.
"""
from __future__ import annotations

import itertools
import json
import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import wave
from pathlib import Path

from tests.support.sip import free_port

MODULES = "/usr/lib/baresip/modules"
WAIT_S = 20.0


def baresip_missing() -> str | None:
    if shutil.which("baresip") is None or not Path(MODULES, "ctrl_tcp.so").exists():
        return "baresip (Debian baresip-core) is not installed: scripts/test.d/baresip.sh"
    return None


def _tone(path: Path, hz: float = 440.0, seconds: float = 120.0) -> Path:
    """An 8 kHz mono WAV (baresip's aufile source needs the call's own rate; at its end
    baresip hangs up, so it lasts longer than any test call)."""
    if not path.exists():
        rate = 8000
        frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / rate)))
                          for i in range(int(rate * seconds)))
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(frames)
    return path


def _sip_port() -> int:
    """A free port whose next one is free too (baresip listens for SIP over TLS there)."""
    while True:
        port = free_port()
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue


class Baresip:
    """One phone. `aor` is its account: `sip:USER@127.0.0.1:PORT` (reached directly, no
    registration) unless `register` gives `(registrar_uri, user, password)`."""

    def __init__(self, tmp: Path, name: str, *, register: tuple[str, str, str] | None = None,
                 answer: str = "manual", transport: str = "udp") -> None:
        self.dir = tmp / f"baresip-{name}"
        (self.dir / "rec").mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port, self.ctrl_port = _sip_port(), free_port()
        rtp = free_port()
        tone = _tone(tmp / "tone-8k.wav")
        config = [f"sip_listen 127.0.0.1:{self.port}", f"sip_trans_def {transport}",
                  f"audio_player aufile,{self.dir / 'played.wav'}",
                  f"audio_source aufile,{tone}", "audio_alert aufile,/dev/null",
                  "audio_srate 8000", "audio_channels 1", f"rtp_ports {rtp}-{rtp + 9}",
                  f"module_path {MODULES}", "module g711.so", "module aufile.so",
                  "module_app account.so", "module_app menu.so", "module_app ctrl_tcp.so",
                  f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}", "net_interface 127.0.0.1"]
        (self.dir / "config").write_text("\n".join(config) + "\n")
        if register is None:
            self.user = name
            self.aor = f"sip:{name}@127.0.0.1:{self.port}"
            account = f"<{self.aor}>;regint=0;answermode={answer}"
        else:
            registrar, self.user, password = register
            host = registrar.split("@", 1)[-1].removeprefix("sip:")
            self.aor = f"sip:{self.user}@{host}"
            account = (f"<{self.aor};transport={transport}>;auth_pass={password};"
                       f"regint=60;answermode={answer}")
        (self.dir / "accounts").write_text(account + "\n")
        self.events: list[dict] = []
        self.responses: dict[str, dict] = {}
        self._tokens = itertools.count(1)
        self._lock = threading.RLock()
        self.log = open(self.dir / "out.log", "wb")
        self.proc = subprocess.Popen(["baresip", "-f", str(self.dir)], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.sock = self._connect()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- the control connection ---------------------------------------------------------------
    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + WAIT_S
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"baresip {self.name} exited: "
                                     f"{(self.dir / 'out.log').read_text()[-2000:]}")
            try:
                return socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1)
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"baresip {self.name}: no control port")
                time.sleep(0.05)   # the process is starting: poll for its socket

    def _read(self) -> None:
        buf = b""
        self.sock.settimeout(None)
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b":" in buf:
                size, _, rest = buf.partition(b":")
                n = int(size)
                if len(rest) < n + 1:
                    break
                body, buf = rest[:n], rest[n + 1:]   # the netstring's trailing comma
                try:
                    msg = json.loads(body)
                except ValueError:
                    continue
                with self._lock:
                    if msg.get("event"):
                        self.events.append(msg)
                    elif msg.get("token"):
                        self.responses[msg["token"]] = msg

    def command(self, command: str, params: str = "") -> dict:
        """Send one command and wait for its response."""
        token = f"t{next(self._tokens)}"
        body = json.dumps({"command": command, "params": params, "token": token}).encode()
        self.sock.sendall(str(len(body)).encode() + b":" + body + b",")
        return self._wait(lambda: self.responses.get(token), f"the answer to {command}")

    def _wait(self, check, what: str, timeout: float = WAIT_S):
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = check()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"baresip {self.name}: timed out waiting for {what}; "
                                     f"events: {[e.get('type') for e in self.events]}")
            time.sleep(0.02)

    # -- what a user does with the phone ------------------------------------------------------
    def dial(self, uri: str) -> dict:
        return self.command("dial", uri)

    def accept(self) -> dict:
        return self.command("accept")

    def hangup(self) -> dict:
        return self.command("hangup")

    def send_keys(self, keys: str) -> None:
        """Press keys during the call (RFC 4733 telephone-events)."""
        for key in keys:
            self.command("sndcode", key)

    def transfer(self, uri: str) -> dict:
        """The phone's transfer button (a REFER to `uri`)."""
        return self.command("transfer", uri)

    def hold(self) -> dict:
        return self.command("hold")

    def resume(self) -> dict:
        return self.command("resume")

    # -- what the phone reports ---------------------------------------------------------------
    def event(self, kind: str, after: int = 0, timeout: float = WAIT_S) -> dict:
        """The first event of `kind` (e.g. CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED) at or
        after index `after` of `events`."""
        return self._wait(lambda: next((e for e in self.events[after:]
                                        if e.get("type") == kind), None), kind, timeout)

    def calls(self) -> int:
        """How many calls the phone has now (its own `listcalls`)."""
        data = self.command("listcalls").get("data", "")
        head = data.split("Active calls (", 1)[-1]
        return int(head.split(")", 1)[0]) if head[:1].isdigit() else 0

    def seen(self, kind: str) -> list[dict]:
        with self._lock:
            return [e for e in self.events if e.get("type") == kind]

    def mark(self) -> int:
        """The index of the next event (to wait for events after this moment)."""
        with self._lock:
            return len(self.events)

    def keys(self, after: int = 0) -> str:
        """The keys the phone received (from event index `after` on), in order."""
        with self._lock:
            return "".join(str(e.get("param", "")) for e in self.events[after:]
                           if e.get("type") == "CALL_DTMF_START")

    def wait_keys(self, keys: str, after: int = 0, timeout: float = WAIT_S) -> str:
        """Once `keys` have arrived (after event index `after`): every key received since."""
        return self._wait(lambda: (lambda got: got if keys in got else None)(self.keys(after)),
                          f"the keys {keys!r}", timeout)

    def registered(self, timeout: float = WAIT_S) -> str:
        """Once the phone's registration is accepted (its own `reginfo` says OK: the
        REGISTER_OK event may come before the control connection does)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.seen("REGISTER_OK"):
                return "OK"
            info = self.command("reginfo").get("data", "")
            if "OK " in info:   # colour codes around it
                return info
            if time.monotonic() > deadline:
                raise AssertionError(f"baresip {self.name}: not registered: {info}")
            time.sleep(0.05)   # polling the phone's own state, not waiting in its place

    def stop(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
