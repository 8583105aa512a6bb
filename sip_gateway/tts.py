"""Announcements as audio: text rendered with espeak-ng, cached per text and language."""
from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import threading

VOICES = {"nb": "nb", "no": "nb", "nn": "nb", "sv": "sv", "da": "da", "fi": "fi", "en": "en"}


class Tts:
    def __init__(self, cache_dir: str) -> None:
        self.dir = cache_dir
        self._lock = threading.Lock()
        self._rendering: dict[str, threading.Lock] = {}

    def __call__(self, text: str, language: str) -> str:
        """The path of a WAV file saying `text` (rendered once, then reused; calls that ask
        for the same text while it renders wait for that one rendering)."""
        voice = voice_for(language)
        key = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:32]
        path = os.path.join(self.dir, f"{key}.wav")
        if os.path.exists(path):
            return path
        with self._lock:
            once = self._rendering.setdefault(key, threading.Lock())
        with once:
            if not os.path.exists(path):
                self._render(voice, text, path)
        with self._lock:
            self._rendering.pop(key, None)
        return path

    def _render(self, voice: str, text: str, path: str) -> None:
        os.makedirs(self.dir, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=self.dir)
        os.close(fd)
        try:
            subprocess.run(["espeak-ng", "-v", voice, "-w", tmp, "--", text], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def voice_for(language: str | None) -> str:
    """The espeak-ng voice that speaks `language` (English for one it does not have)."""
    return VOICES.get((language or "en").replace("_", "-").split("-")[0].lower(), "en")
