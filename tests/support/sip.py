"""SIP test wiring: the gateway as its own process, SIPp peers on free ports of 127.0.0.1."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "sip"
WAIT_S = 20.0
# Starting a gateway imports pjsua2 and the app and opens its database: on a loaded machine
# that alone has taken more than 20 s, so its start gets a wider deadline than a call event.
START_WAIT_S = 60.0


def sip_tools_missing() -> str | None:
    if shutil.which("sipp") is None:
        return "SIPp (Debian sip-tester) is not installed: scripts/test.d/sip.sh installs it"
    try:
        import pjsua2  # noqa: F401
    except ImportError:
        return "pjsua2 is not installed: scripts/build_pjsua2.sh installs it"
    return None


def free_port() -> int:
    """A port free on 127.0.0.1 for both UDP and TCP."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port


def udp_bound(port: int) -> bool:
    want = f":{port:04X}"
    with open("/proc/net/udp") as f:
        return any(line.split()[1].endswith(want) for line in list(f)[1:])


def wait_until(check, timeout: float = WAIT_S, what: str = "condition"):
    """Poll `check()` until it returns something true (an event we wait for, not a sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Gateway:
    """`python -m sip_gateway` on a free port; its JSON log lines are collected."""

    def __init__(self, database_url: str, tmp: Path, *, trunk_port: int,
                 voicemail_port: int | None, sink_url: str, peers: str = "127.0.0.1",
                 trunks: str = "", max_calls: int = 64, gateway_id: str | None = None,
                 env: dict | None = None) -> None:
        """`voicemail_port` None: the gateway answers voicemail itself (`env` may name its
        VOICEMAIL_DIR and limits)."""
        self.port = free_port()
        self.wakeup_port = free_port()
        self.tts_dir = tmp / "tts"   # the announcements it rendered, one WAV per voice and text
        self.lines: list[str] = []
        env = {**os.environ, "DATABASE_URL": database_url, "SIP_HOST": "127.0.0.1",
               "SIP_PORT": str(self.port), "SIP_TRUNK_PEERS": peers, "SIP_TRUNKS": trunks,
               "SIP_TRUNK_URI": f"sip:127.0.0.1:{trunk_port}",
               "SIP_VOICEMAIL_URI": f"sip:voicemail@127.0.0.1:{voicemail_port}"
               if voicemail_port else "",
               "SIP_GATEWAY_ID": gateway_id or f"test-{self.port}", "SIP_RTP_PORT": str(self.port + 1000
                                                                        if self.port < 60000
                                                                        else 30000),
               "SIP_MAX_CALLS": str(max_calls), "SIP_TTS_DIR": str(tmp / "tts"), "PUSH_SINK_URL": sink_url,
               "SIP_COMMAND_POLL_S": "30", "SIP_COMMAND_PORT": str(self.wakeup_port),
               **(env or {})}
        self.proc = subprocess.Popen([sys.executable, "-m", "sip_gateway"], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        wait_until(lambda: any("SIP gateway ready" in x for x in self.lines) or
                   self.proc.poll() is not None, timeout=START_WAIT_S,
                   what="the gateway to start")
        assert self.proc.poll() is None, "\n".join(self.lines[-30:])

    def register_wakeups(self, db) -> None:
        """Commands reach the gateway by wake-up (its 30 s poll is too slow for a test): put
        back its address after a previous test emptied the tables."""
        from api.calls import wakeup

        wakeup.register(db, f"test-{self.port}", "127.0.0.1", self.wakeup_port)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def events(self, name: str, call_id: str | None = None) -> list[str]:
        return [x for x in list(self.lines) if f'"event": "{name}"' in x
                and (call_id is None or call_id in x)]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def settle(self) -> None:
        """Wait until every call it routed, refused or placed for the app is over and written
        (before a test's tables are emptied under it)."""
        wait_until(lambda: sum(len(self.events(e)) for e in ("call_routed", "call_refused",
                                                             "call_through"))
                   == len(self.events("call_written")), what="the gateway to finish its calls")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:  # a stopping gateway may wait for a leg's first answer to CANCEL it
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


class Sipp:
    """One SIPp run (a phone as UAS, or the trunk as UAC), its message trace kept."""

    def __init__(self, tmp: Path, name: str, scenario: str, *args: str, port: int | None = None,
                 ip: str = "127.0.0.1", calls: int = 1, lifetime_s: int = 30) -> None:
        """`lifetime_s` is SIPp's global timeout: it quits (with an error) that long after it
        started, whatever it is doing; a phone that must still answer late in a long test
        needs more than the default."""
        self.port = port or free_port()
        self.log = tmp / f"{name}.messages.log"
        cmd = ["sipp", *args, "-sf", str(SCENARIOS / scenario), "-i", ip, "-p", str(self.port),
               "-m", str(calls), "-timeout", f"{lifetime_s}s", "-timeout_error", "-nostdin",
               "-trace_msg", "-message_file", str(self.log), "-max_recv_loops", "100"]
        self.proc = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        if "-s" not in args:  # a UAS: ready when its socket is bound
            wait_until(lambda: udp_bound(self.port) or self.proc.poll() is not None,
                       what=f"SIPp {name} to listen")

    def wait(self, timeout: float = 30.0) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def messages(self) -> list[tuple[str, float, str]]:
        """Every SIP message as (sent|received, wall-clock time, text), in order."""
        if not self.log.exists():
            return []
        out = []
        chunks = re.split(r"^-{20,} (\S+ \S+)\n", self.log.read_text(errors="replace"),
                          flags=re.M)
        for stamp, chunk in zip(chunks[1::2], chunks[2::2]):
            first, _, text = chunk.strip().partition("\n")
            when = time.mktime(time.strptime(stamp.split(".")[0], "%Y-%m-%d %H:%M:%S"))
            when += float("0." + stamp.split(".")[1]) if "." in stamp else 0.0
            out.append(("sent" if " sent" in first else "received", when, text.strip()))
        return out

    def received(self, start: str) -> list[str]:
        """Received messages whose first line starts with `start` (INVITE, SIP/2.0 486..)."""
        return [t for d, _, t in self.messages() if d == "received" and t.startswith(start)]

    def first_time(self, start: str) -> float:
        return next(w for d, w, t in self.messages() if d == "received" and t.startswith(start))


def press_transfer(phone, ip: str, call_id: str, replaces: str) -> None:
    """A SIPp phone's Transfer button for an attended transfer (`phone_attended.xml`,
    `device_uac_attended.xml`): an OPTIONS into its call `call_id` carrying the consultation's
    dialog (`Call-ID;to-tag=..;from-tag=..`), known only once the consultation is answered,
    which the phone puts in its REFER's Replaces."""
    request = "\r\n".join([
        f"OPTIONS sip:phone@{ip}:{phone.port} SIP/2.0",
        "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-transfer-button",
        "From: <sip:button@127.0.0.1>;tag=button", f"To: <sip:phone@{ip}>",
        f"Call-ID: {call_id}", "CSeq: 1 OPTIONS",
        f"X-Replaces: {quote(replaces, safe='')}", "Content-Length: 0", "", ""])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(request.encode(), (ip, phone.port))


def header(message: str, name: str) -> str | None:
    for line in message.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == name.lower():
            return value.strip()
    return None


def raw_request(transport: str, me: int, n: int, *, method: str = "INVITE", drop=(),
                body: str = "", length=None, cseq: str | None = None, extra: str = "",
                content_type: str = "application/sdp", user: str = "+4721999999") -> str:
    """A request as a misbehaving peer would write it, from 127.0.0.1:`me`."""
    lines = [f"{method} sip:{user}@127.0.0.1 SIP/2.0",
             f"Via: SIP/2.0/{transport} 127.0.0.1:{me};branch=z9hG4bK-bad-{transport}-{n}",
             "From: <sip:+4791234567@127.0.0.1>;tag=1", "To: <sip:+4721999999@127.0.0.1>",
             f"Call-ID: bad-{transport}-{n}@test", f"CSeq: {cseq or '1 ' + method}",
             "Max-Forwards: 70", f"Contact: <sip:x@127.0.0.1:{me}>"]
    lines = [x for x in lines if x.split(":", 1)[0] not in drop] + ([extra] if extra else [])
    if body:
        lines.append(f"Content-Type: {content_type}")
    lines.append(f"Content-Length: {len(body) if length is None else length}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


class Ear:
    """The caller's audio: a UDP socket the trunk's SDP names as its RTP address."""

    def __init__(self, ip: str = "127.0.0.1") -> None:
        """`ip`: the caller's own address (its SDP names it with the port)."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.packets: list[bytes] = []   # RTP payloads, in arrival order
        self.times: list[float] = []     # when each arrived (wall clock, like SIPp's trace)
        self.open = True
        self.thread = threading.Thread(target=self._listen, daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        while self.open:
            try:
                payload = self.sock.recv(2048)[12:]
                self.times.append(time.time())
                self.packets.append(payload)
            except OSError:
                continue

    @staticmethod
    def tone(payload: bytes) -> bool:
        """PCMU silence is one repeated byte; the hold music is a waveform."""
        return len(set(payload)) > 8

    def heard(self, after: float = 0.0, before: float = float("inf")) -> list[bytes]:
        """The sounding payloads that arrived between two wall-clock times."""
        return [p for t, p in zip(self.times, self.packets) if after <= t < before and
                self.tone(p)]

    def scenario(self, tmp_path, base: str = "trunk_uac.xml") -> str:
        """A scenario (the trunk's caller by default) with this socket as its audio address."""
        path = tmp_path / base.replace(".xml", "_ear.xml")
        path.write_text((SCENARIOS / base).read_text().replace(
            "m=audio [media_port]", f"m=audio {self.port}"))
        return str(path)

    def close(self) -> None:
        self.open = False
        self.thread.join(2)
        self.sock.close()


def strongest_hz(payloads: list[bytes]) -> float:
    """The loudest frequency of what was heard (PCMU, G.711 mu-law, 8 kHz)."""
    import numpy as np

    u = ~np.frombuffer(b"".join(payloads), np.uint8)
    magnitude = (((u & 0x0F).astype(np.int32) << 3) + 0x84 << ((u >> 4) & 7)) - 0x84
    pcm = np.where(u & 0x80, -magnitude, magnitude).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(pcm * np.hanning(len(pcm))))
    return float(np.fft.rfftfreq(len(pcm), 1 / 8000)[int(spectrum.argmax())])


def tone_pcap(path, seconds: float, freq: float, volume: float = 0.3) -> str:
    """A sine tone as the RTP stream (PCMU, 20 ms frames) of a pcap file, what SIPp's
    play_pcap_audio sends."""
    import struct

    import numpy as np

    t = np.arange(int(seconds * 8000)) / 8000
    pcm = (volume * 32767 * np.sin(2 * np.pi * freq * t)).astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0)
    x = np.minimum(np.abs(pcm), 32635) + 0x84
    exponent = np.clip(np.floor(np.log2(x)).astype(np.int32) - 7, 0, 7)
    mantissa = (x >> (exponent + 3)) & 0x0F
    ulaw = (~(sign | exponent << 4 | mantissa) & 0xFF).astype(np.uint8).tobytes()
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]  # Ethernet captures
    for n in range(len(ulaw) // 160):
        rtp = struct.pack("!BBHII", 0x80, 0, n, n * 160, 0x1234) + ulaw[n * 160:(n + 1) * 160]
        udp = struct.pack("!HHHH", 4000, 4000, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
        frame = b"\x00" * 12 + b"\x08\x00" + ip
        out.append(struct.pack("<IIII", n // 50, n % 50 * 20000, len(frame), len(frame)) + frame)
    Path(path).write_bytes(b"".join(out))
    return str(path)
