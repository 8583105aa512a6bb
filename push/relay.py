"""The push sender in a process of its own, fed over a socket by the process raising events.

The SIP gateway's call thread must never wait for push work, and the sender's work (device
look-ups, the providers' HTTP, the push log) should not take the gateway's interpreter from
its calls. `Relay` (in the gateway) starts the relay process (`python -m <main module>`, a
module that builds the process's sender and calls `serve`) with one end of a Unix
SOCK_SEQPACKET socket pair; `submit()` only queues the notification (it returns at once and
never raises), a writer thread sends one JSON datagram per notification, and the relay
process hands each to its `PushService`. Deadlines are `time.monotonic()` instants, the same
clock in both processes.

The relay process exits when the socket closes (the gateway stopped or died), after
finishing what is in flight. A relay that dies is started again; notifications that cannot
be handed over in the meantime are dropped and logged, and calls go on ringing.
"""
from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import orjson

from .events import Notify
from .ports import Sender

log = logging.getLogger("push")
MAX_QUEUED = 20_000      # notifications waiting for the relay before new ones are dropped
RESTART_PAUSE_S = 1.0
FD_ENV = "PUSH_RELAY_FD"
READY = b"ready"          # the relay's first datagram: its sender is running
READY_TIMEOUT_S = 20.0
MAX_BATCH = 500           # datagrams the relay takes from its socket at once


class Relay:
    """The sending side, in the gateway: the same `submit`/`stop` as a `PushService`.

    `main_module` is run with `python -m` as the relay process, with `env` added to this
    process's environment; it builds its sender and calls `serve(inherited_socket(), ...)`.
    """

    def __init__(self, main_module: str, env: dict[str, str] | None = None) -> None:
        self._main_module = main_module
        self._env = dict(env or {})
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._queued = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen | None = None
        self.dropped = 0

    def start(self, ready_timeout: float = READY_TIMEOUT_S) -> "Relay":
        """Start the relay process and wait until its sender is running: the first call after
        the gateway starts must not find the sender still importing (its incoming-call push
        would leave after the call's own call_ended, and be dropped as over)."""
        self._spawn()
        self._await_ready(ready_timeout)
        threading.Thread(target=self._send_loop, name="push-relay-writer", daemon=True).start()
        threading.Thread(target=self._watch, name="push-relay-watch", daemon=True).start()
        return self

    def _spawn(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**os.environ, **self._env, FD_ENV: str(theirs.fileno())}
        self._proc = subprocess.Popen([sys.executable, "-m", self._main_module], env=env,
                                      pass_fds=(theirs.fileno(),))
        theirs.close()
        self._sock = ours

    def _await_ready(self, timeout: float) -> None:
        sock = self._sock
        sock.settimeout(timeout)
        try:
            ok = sock.recv(16) == READY
        except OSError:
            ok = False
        finally:
            sock.settimeout(None)
        if not ok:  # calls ring anyway; pushes queue in the socket until the relay reads them
            log.warning("push relay not ready in time", extra={"event": "push_relay_slow",
                                                               "timeout_s": timeout})

    def _watch(self) -> None:
        while not self._stopping.is_set():
            proc = self._proc
            code = proc.wait()
            if self._stopping.is_set():
                return
            log.warning("push relay exited: starting it again",
                        extra={"event": "push_relay_restart", "code": code})
            time.sleep(RESTART_PAUSE_S)
            old = self._sock
            self._spawn()
            if old is not None:
                old.close()

    @property
    def waiting(self) -> int:
        """Notifications queued here, not yet handed to the relay's socket."""
        return self._queued

    @property
    def pid(self) -> int | None:
        """The relay process's id (it changes when the relay is started again)."""
        return self._proc.pid if self._proc is not None else None

    def submit(self, notify: Notify) -> None:
        """Queue a notification for the relay; returns at once and never raises."""
        with self._lock:
            full = self._queued >= MAX_QUEUED
            if not full:
                self._queued += 1
        if full or self._stopping.is_set():
            self._drop(notify, "queue full" if full else "stopped")
            return
        self._q.put(notify)

    def _drop(self, notify: Notify, why: str) -> None:
        self.dropped += 1
        log.warning("push relay unavailable: notification dropped",
                    extra={"event": "push_dropped", "kind": notify.kind,
                           "call_id": notify.call_id, "reason": why})

    def _send_loop(self) -> None:
        while True:
            notify = self._q.get()
            if notify is None:
                return
            with self._lock:
                self._queued -= 1
            data = orjson.dumps(notify, option=orjson.OPT_NON_STR_KEYS)
            try:
                self._sock.sendall(data)
            except OSError:  # the relay died: the watcher starts a new one
                self._drop(notify, "relay down")

    def stop(self, timeout: float = 5.0) -> None:
        """Hand over what is queued, close the socket, let the relay finish (up to
        `timeout`)."""
        self._stopping.set()
        self._q.put(None)
        deadline = time.monotonic() + timeout
        while self._queued > 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        if self._sock is not None:
            self._sock.close()
        if self._proc is not None:
            try:
                self._proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def inherited_socket() -> socket.socket:
    """In the relay process: its end of the socket pair the `Relay` started it with.

    From now on Ctrl-C in a terminal is ignored: the gateway decides when the relay ends
    (by closing the socket)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return socket.socket(fileno=int(os.environ[FD_ENV]))


def serve(sock: socket.socket, sender: Sender) -> None:
    """The relay process: every datagram is one notification for this process's sender,
    until the socket closes; then the sender finishes what is in flight and stops.

    All the datagrams waiting in the socket are taken at once; a sender that can
    (`PushService.submit_looked_up`) looks their devices up here, on this thread, in one
    trip, and hands them to its loop in one go."""
    sock.sendall(READY)
    batch = getattr(sender, "submit_looked_up", None)
    try:
        while True:
            datagrams, closed = _waiting(sock)
            notifies = [n for n in map(_notify, datagrams) if n is not None]
            if notifies and batch is not None:
                batch(notifies)
            else:
                for notify in notifies:
                    sender.submit(notify)
            if closed:
                break
    finally:
        sender.stop(5.0)


def _waiting(sock: socket.socket) -> tuple[list[bytes], bool]:
    """The next datagram (waiting for it) and those queued behind it; whether the socket
    closed."""
    data = sock.recv(65536)
    if not data:
        return [], True
    datagrams = [data]
    while len(datagrams) < MAX_BATCH:
        try:
            data = sock.recv(65536, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            break
        if not data:
            return datagrams, True
        datagrams.append(data)
    return datagrams, False


def _notify(data: bytes) -> Notify | None:
    try:
        return Notify(**orjson.loads(data))
    except (ValueError, TypeError):
        log.warning("push relay: malformed notification", extra={"event": "push_error"})
        return None
