"""A mobile phone on the operator's network, played through Kannel's fake SMSC.

The fake SMSC speaks one line per SMS both ways: `<from> <to> text <message>`. Lines we
write are SMS sent by handsets; lines we read are SMS delivered to handsets. It serves one
client at a time, so one `Handset` speaks for every number.
"""
from __future__ import annotations

import queue
import socket
import threading


class Handset:
    def __init__(self, host: str, port: int, timeout_s: float = 10) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout_s)
        self.sock.settimeout(None)
        self.file = self.sock.makefile("rwb")
        self.inboxes: dict[str, queue.Queue] = {}
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _inbox(self, number: str) -> queue.Queue:
        with self.lock:
            return self.inboxes.setdefault(number, queue.Queue())

    def _read(self) -> None:
        try:
            for raw in self.file:
                parts = raw.decode("utf-8", "replace").rstrip("\r\n").split(" ", 3)
                if len(parts) == 4 and parts[2] == "text":
                    sender, to, _kind, text = parts
                    self._inbox(to).put((sender, text))
        except (OSError, ValueError):
            pass  # closed

    def send(self, sender: str, to: str, text: str) -> None:
        """The handset `sender` texts `text` to the number `to`."""
        line = f"{sender} {to} text {text}\n".encode()
        with self.lock:
            self.file.write(line)
            self.file.flush()

    def receive(self, number: str, timeout_s: float = 15) -> tuple[str, str]:
        """The next SMS delivered to `number`: (from, text). Raises queue.Empty on timeout."""
        return self._inbox(number).get(timeout=timeout_s)

    def pending(self, number: str) -> int:
        """How many SMS wait unread for `number`."""
        return self._inbox(number).qsize()

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.file.close()
        self.sock.close()
        self.reader.join(timeout=5)

    def __enter__(self) -> "Handset":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
