"""Tones the gateway plays to a caller: ringback while a queue call waits for a member, hold
music while a call is parked (a transfer in progress), and voicemail's tone before the caller
speaks. Generated once as 8 kHz 16-bit mono WAV files (the gateway's clock rate), so no
audio asset ships with the code."""
from __future__ import annotations

import array
import math
import os
import tempfile
import wave

RATE = 8000
VERSION = 1  # in the file names: a change of the generator writes new files

# (frequency Hz or 0 for silence, seconds)
RINGBACK = [(425.0, 1.0), (0.0, 4.0)]   # Nordic/European ringing tone: 425 Hz, 1 s on, 4 s off
# a slow, quiet arpeggio in C major and A minor: soft enough to sit under a held call
_NOTES = {"C4": 261.63, "E4": 329.63, "G4": 392.0, "A4": 440.0, "C5": 523.25, "E5": 659.25}
BEEP = [(1000.0, 0.4)]                 # voicemail: speak after the tone
HOLD = [(_NOTES[n], 0.5) for n in ("C4", "E4", "G4", "C5", "G4", "E4",
                                   "A4", "C5", "E5", "C5", "A4", "E4")] + [(0.0, 1.0)]


def samples(pattern: list[tuple[float, float]], volume: float = 0.25) -> array.array:
    """The pattern as signed 16-bit samples, each note with a short fade in and out (no clicks)."""
    out = array.array("h")
    fade = int(RATE * 0.02)
    for freq, seconds in pattern:
        n = int(RATE * seconds)
        for i in range(n):
            if freq <= 0:
                out.append(0)
                continue
            env = min(1.0, i / fade, (n - 1 - i) / fade) if fade else 1.0
            out.append(int(32767 * volume * env * math.sin(2 * math.pi * freq * i / RATE)))
    return out


def _write(path: str, data: array.array) -> None:
    fd, tmp = tempfile.mkstemp(suffix=".wav", dir=os.path.dirname(path))
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(data.tobytes())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ensure(directory: str) -> dict[str, str]:
    """The tone files in `directory` (written when missing): name -> path."""
    os.makedirs(directory, exist_ok=True)
    paths = {}
    for name, pattern in (("ringback", RINGBACK), ("hold", HOLD), ("beep", BEEP)):
        path = os.path.join(directory, f"tone-{name}-v{VERSION}.wav")
        if not os.path.exists(path):
            _write(path, samples(pattern))
        paths[name] = path
    return paths
