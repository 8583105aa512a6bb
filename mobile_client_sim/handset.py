"""A mobile phone on the operator's network, played through Kannel's fake SMSC.

The fake SMSC speaks one line per SMS both ways: `<from> <to> text <message>`. Lines we
write are SMS sent by handsets; lines we read are SMS delivered to handsets. It serves one
client at a time, so one `Handset` speaks for every number.
"""
from __future__ import annotations

import queue
import socket
import threading
from urllib.parse import unquote_to_bytes


def _bytes(data: str) -> bytes:
    return unquote_to_bytes(data.replace("+", " "))


def _decode(raw: bytes, ucs2: bool = False) -> str:
    """The text of a message's bytes. The fake SMSC does not say whether the parts of a long
    SMS are UCS-2 (UTF-16) or text; UTF-16 is recognised by what text never holds: a NUL or
    another control byte, or bytes that are not UTF-8."""
    if not ucs2 and len(raw) % 2 == 0:
        try:
            text = raw.decode("utf-8")
            ucs2 = any(ord(c) < 32 and c not in "\n\r" for c in text)
        except UnicodeDecodeError:
            ucs2 = True
    if ucs2:
        return raw.decode("utf-16-be", "replace")
    return raw.decode("utf-8", "replace")


class Handset:
    def __init__(self, host: str, port: int, timeout_s: float = 10) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout_s)
        self.sock.settimeout(None)
        self.file = self.sock.makefile("rwb")
        self.inboxes: dict[str, queue.Queue] = {}
        self.partial: dict[tuple, dict[int, bytes]] = {}
        self.parts: dict[str, list[int]] = {}  # per number: how many SMS each message took
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _inbox(self, number: str) -> queue.Queue:
        with self.lock:
            return self.inboxes.setdefault(number, queue.Queue())

    def _read(self) -> None:
        try:
            for raw in self.file:
                self._line(raw.decode("utf-8", "replace").rstrip("\r\n"))
        except (OSError, ValueError):
            pass  # closed

    def _line(self, line: str) -> None:
        """`from to text TEXT`, `from to ucs-2 DATA` (UTF-16, URL-encoded), or a part of a
        long SMS: `from to udh UDH data DATA` (both URL-encoded; the UDH's concatenation
        header says which part of how many)."""
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[2] == "text":
            self._deliver(parts[1], parts[0], parts[3])
            return
        if len(parts) == 4 and parts[2] == "ucs-2":
            self._deliver(parts[1], parts[0], _decode(_bytes(parts[3]), ucs2=True))
            return
        fields = line.split(" ")
        if len(fields) != 6 or fields[2] != "udh" or fields[4] != "data":
            return
        sender, to, udh, data = fields[0], fields[1], unquote_to_bytes(fields[3]), fields[5]
        if len(udh) < 6 or udh[1] != 0:  # not an 8-bit concatenation header: one message
            self._deliver(to, sender, _decode(_bytes(data)))
            return
        ref, total, seq = udh[3], udh[4], udh[5]
        with self.lock:
            pieces = self.partial.setdefault((sender, to, ref), {})
            pieces[seq] = _bytes(data)
            done = len(pieces) == total
            if done:
                del self.partial[(sender, to, ref)]
        if done:
            self._deliver(to, sender, _decode(b"".join(pieces[i] for i in sorted(pieces))),
                          total)

    def _deliver(self, to: str, sender: str, text: str, parts: int = 1) -> None:
        with self.lock:
            self.parts.setdefault(to, []).append(parts)
        self._inbox(to).put((sender, text))

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
