"""Voicemail test helpers: sounds in several formats, and messages left the way the gateway
leaves them (through its port: the mailbox, a WAV where it says, then the message)."""
from __future__ import annotations

import io
import math
import struct
import wave

from api.availability.routing import Plan


def tone_wav(seconds: float, rate: int = 8000, freq: float = 440.0, volume: float = 0.3,
             channels: int = 1) -> bytes:
    """A sine tone as 16-bit PCM WAV."""
    frames = int(seconds * rate)
    samples = (int(volume * 32767 * math.sin(2 * math.pi * freq * n / rate))
               for n in range(frames))
    data = b"".join(struct.pack("<h", s) * channels for s in samples)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(data)
    return out.getvalue()


def encoded(seconds: float, fmt: str, subtype: str | None = None, rate: int = 44100) -> bytes:
    """A tone in another container (FLAC, OGG...), written by soundfile."""
    import numpy as np
    import soundfile as sf

    t = np.arange(int(seconds * rate)) / rate
    stereo = np.stack([0.3 * np.sin(2 * np.pi * 440 * t)] * 2, axis=1)
    out = io.BytesIO()
    sf.write(out, stereo, rate, format=fmt, subtype=subtype)
    return out.getvalue()


def plan(rule: str = "when_free", ring: bool = True, key: str | None = "out_of_office",
         name: str = "Out of office", language: str = "en") -> Plan:
    from api.availability.inputs import Destination
    from api.availability.routing import Step

    steps = (Step("ring", timeout=25),) if ring else ()
    steps += (Step("voicemail", destination=Destination("voicemail")),)
    return Plan(1, name, "manual", None, None, rule == "when_busy", rule, "test", language,
                steps, None, {}, profile_key=key)


def leave_message(app, tenant_id: int, user_id: int, seconds: float = 3.0, *,
                  caller: str = "+4791111111", hit: dict | None = None,
                  call_id: str | None = None, ring: bool = False):
    """A message as the gateway leaves it; the port's `Left` (None when dropped or full)."""
    from api import gateway_port as port

    root = app.config["SETTINGS"].voicemail_dir
    with app.extensions["session_factory"]() as db:
        box = port.voicemail.mailbox(db, root, tenant_id, user_id, plan(ring=ring))
        if box.full:
            return None
        name, path = port.voicemail.new_file(root, tenant_id, user_id)
        with open(path, "wb") as f:
            f.write(tone_wav(seconds))
        return port.voicemail.leave(db, root, tenant_id, user_id, name,
                                    call_id=call_id, caller=caller, hit=hit,
                                    reason=box.reason, profile="Out of office")


def leave_queue_message(app, tenant_id: int, queue_id: int, seconds: float = 3.0, *,
                        caller: str = "+4791111111"):
    """A message in a queue's mailbox as the gateway leaves it when the queue overflows."""
    from api import gateway_port as port

    root = app.config["SETTINGS"].voicemail_dir
    with app.extensions["session_factory"]() as db:
        box = port.voicemail.queue_mailbox(db, root, tenant_id, queue_id, "Support", "en")
        if box.full:
            return None
        name, path = port.voicemail.new_file(root, tenant_id, None, queue_id)
        with open(path, "wb") as f:
            f.write(tone_wav(seconds))
        return port.voicemail.leave(db, root, tenant_id, None, name, call_id=None,
                                    caller=caller, hit=None, reason=box.reason,
                                    profile=None, queue_id=queue_id)
