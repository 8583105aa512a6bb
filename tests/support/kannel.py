"""Kannel (bearerbox + smsbox) with a fake SMSC, on free ports, for tests and benchmarks.

The configuration is generated here; the handset side of the fake SMSC is
`mobile_client_sim.handset.Handset` (it speaks the fake SMSC line protocol on a socket).
"""
from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.pg import free_port

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"


def _listening(port: int) -> bool:
    """Is something listening on the port? Asked of the kernel, not by connecting."""
    out = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True)
    return bool(out.stdout.strip())


def _wait(predicate, what: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise RuntimeError(f"Kannel: {what} did not happen within {timeout_s}s")


CONFIG = """\
group = core
admin-port = {admin_port}
admin-interface = 127.0.0.1
admin-password = {admin_password}
status-password = {admin_password}
smsbox-port = {smsbox_port}
box-allow-ip = 127.0.0.1
dlr-storage = internal
log-level = 2
log-file = "{root}/bearerbox.log"
access-log = "{root}/access.log"

group = smsc
smsc = fake
smsc-id = fake
port = {smsc_port}
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
http-request-retry = 3
http-queue-delay = 1
log-level = 2
log-file = "{root}/smsbox.log"

group = sendsms-user
username = {send_user}
password = {send_password}
user-allow-ip = 127.0.0.1
max-messages = 3
concatenation = true

group = sms-service
keyword = default
get-url = "{inbound_url}&from=%p&to=%P&text=%a&ts=%T&id=%I"
max-messages = 0
catch-all = true
"""


@dataclass
class Kannel:
    """bearerbox + smsbox whose only SMS service forwards every SMS to `inbound_url`.

    `inbound_url` must already hold a query string (the webhook secret, for instance).
    """
    inbound_url: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pbx-kannel-")))
    admin_password: str = field(default_factory=lambda: secrets.token_hex(8))
    send_user: str = "pbx"
    send_password: str = field(default_factory=lambda: secrets.token_hex(8))

    def __post_init__(self) -> None:
        self.admin_port, self.smsbox_port = free_port(), free_port()
        self.sendsms_port, self.smsc_port = free_port(), free_port()
        self.procs: list[subprocess.Popen] = []

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def _status(self) -> str:
        url = (f"http://127.0.0.1:{self.admin_port}/status.txt"
               f"?password={self.admin_password}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.read().decode(errors="replace")
        except OSError:
            return ""

    def start(self) -> "Kannel":
        if not Path(BEARERBOX).exists():
            raise RuntimeError("Kannel is not installed (scripts/system_deps.sh kannel kannel-extras)")
        conf = self.root / "kannel.conf"
        conf.write_text(CONFIG.format(root=self.root, **{
            k: getattr(self, k) for k in ("admin_port", "admin_password", "smsbox_port",
                                          "smsc_port", "sendsms_port", "send_user",
                                          "send_password", "inbound_url")}))
        self.procs.append(subprocess.Popen([BEARERBOX, str(conf)], stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL))
        try:
            _wait(lambda: _listening(self.smsbox_port), "bearerbox listening")
            self.procs.append(subprocess.Popen([SMSBOX, str(conf)], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))
            _wait(lambda: "smsbox:" in self._status(), "smsbox connected")
            _wait(lambda: _listening(self.sendsms_port), "sendsms listening")
            _wait(lambda: _listening(self.smsc_port), "fake SMSC listening")
        except Exception:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Kannel":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
