"""The tones a caller hears from the gateway (ringback while a queue call waits, hold music)."""
from __future__ import annotations

import array
import wave

from sip_gateway import tones


def _read(path: str) -> tuple[int, array.array]:
    with wave.open(path) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        data = array.array("h", w.readframes(w.getnframes()))
    return w.getframerate(), data


def test_ringback_rings_one_second_in_five(tmp_path):
    rate, data = _read(tones.ensure(str(tmp_path))["ringback"])
    assert rate == 8000 and len(data) == 5 * rate
    on, off = data[:rate], data[rate:]
    assert max(abs(s) for s in on) > 4000           # audible tone
    assert all(s == 0 for s in off)                 # then silence until the next ring
    crossings = sum(1 for a, b in zip(on, on[1:]) if a < 0 <= b)
    assert 420 <= crossings <= 430                  # 425 Hz


def test_hold_music_plays_without_gaps_or_clipping(tmp_path):
    rate, data = _read(tones.ensure(str(tmp_path))["hold"])
    assert len(data) >= 5 * rate
    music = data[:6 * rate]
    assert max(abs(s) for s in music) < 32767 * 0.5  # quiet under a call, never clipped
    windows = [music[i:i + rate // 10] for i in range(0, len(music), rate // 10)]
    assert all(max(abs(s) for s in w) > 1000 for w in windows)  # no silent stretch while it plays


def test_tone_files_are_written_once_and_reused(tmp_path):
    first = tones.ensure(str(tmp_path))
    stamps = {name: (tmp_path / p.split("/")[-1]).stat().st_mtime_ns for name, p in first.items()}
    again = tones.ensure(str(tmp_path))
    assert again == first
    assert {n: (tmp_path / p.split("/")[-1]).stat().st_mtime_ns for n, p in again.items()} == stamps
