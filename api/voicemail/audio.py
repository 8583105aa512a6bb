"""Audio read by its content (never its name or Content-Type) and written as the gateway
plays and records it: WAV, 16-bit PCM, mono, 8000 Hz (soundfile reads WAV, FLAC, Ogg
Vorbis/Opus, MP3 and AIFF; soxr resamples)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from i18n import N_

from ..core.errors import ValidationFailed

RATE = 8000
CONTENT_TYPE = "audio/wav"
MAX_BYTES = 8 * 1024 * 1024 - 1024     # the API's request limit, less room for headers
MAX_GREETING_S = 120
MIN_GREETING_S = 1.0
READABLE = "WAV, FLAC, Ogg (Vorbis or Opus), MP3 or AIFF"


@dataclass(frozen=True)
class Audio:
    data: bytes        # WAV as stored
    duration_ms: int


def _refuse(message: str, **values) -> ValidationFailed:
    text = message.format(**values) if values else message
    return ValidationFailed(message, {"audio": [text]}, values=values or None)


def greeting(raw: bytes) -> Audio:
    """An uploaded greeting as the gateway plays it; 422 for anything else."""
    import numpy as np
    import soundfile as sf
    import soxr

    if not raw:
        raise _refuse(N_("the audio is empty"))
    if len(raw) > MAX_BYTES:
        raise _refuse(N_("the audio is larger than {mb} MB"), mb=MAX_BYTES // (1024 * 1024))
    try:
        with sf.SoundFile(io.BytesIO(raw)) as f:
            if f.samplerate <= 0 or f.frames / f.samplerate > MAX_GREETING_S + 1:
                raise _refuse(N_("a greeting lasts at most {s} seconds"), s=MAX_GREETING_S)
            samples, rate = f.read(dtype="float32", always_2d=True), f.samplerate
    except sf.LibsndfileError as exc:
        raise _refuse(N_("not a {formats} file, or damaged"), formats=READABLE) from exc
    except (RuntimeError, ValueError, TypeError, EOFError) as exc:
        raise _refuse(N_("not a {formats} file, or damaged"), formats=READABLE) from exc
    mono = samples.mean(axis=1)
    if rate != RATE:
        mono = soxr.resample(mono, rate, RATE)
    seconds = len(mono) / RATE
    if seconds < MIN_GREETING_S:
        raise _refuse(N_("a greeting lasts at least {s} second"), s=int(MIN_GREETING_S))
    if seconds > MAX_GREETING_S:
        raise _refuse(N_("a greeting lasts at most {s} seconds"), s=MAX_GREETING_S)
    if not np.isfinite(mono).all() or float(np.abs(mono).max(initial=0.0)) < 1e-4:
        raise _refuse(N_("the audio is silent"))
    out = io.BytesIO()
    sf.write(out, np.clip(mono, -1.0, 1.0), RATE, format="WAV", subtype="PCM_16")
    return Audio(out.getvalue(), int(round(seconds * 1000)))


def wav_duration_ms(path: str) -> int | None:
    """How long a recorded WAV lasts; None when it cannot be read."""
    import soundfile as sf

    try:
        info = sf.info(path)
    except (sf.LibsndfileError, RuntimeError, OSError):
        return None
    return int(round(info.frames * 1000 / info.samplerate)) if info.samplerate else None
