"""Kannel (bearerbox + smsbox) with a fake SMSC, on free ports, for tests and benchmarks.

The configuration is generated here; the handset side of the fake SMSC is
`mobile_client_sim.handset.Handset` (it speaks the fake SMSC line protocol on a socket).
"""
from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

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
max-messages = 6
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


# -- fixtures for a test module: the API on a free port behind Kannel, and a handset --------
# (import them into the module: `from tests.support.kannel import handset, kannel, live, watch`)

class WebhookWatch:
    """WSGI wrapper that counts finished webhook calls (to wait for them) and can lose the
    answer of the next incoming SMS after it was handled, as a network fault would."""

    def __init__(self, app) -> None:
        self.app = app
        self.done: dict[str, int] = {"inbound": 0, "reports": 0}
        self.lose_next_answer = 0
        self.cond = threading.Condition()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        kind = "inbound" if path.startswith("/api/v1/sms/inbound") else \
            "reports" if path.startswith("/api/v1/sms/reports") else None
        if kind is None:
            return self.app(environ, start_response)
        seen = {}
        body_iter = self.app(environ, lambda status, headers, exc=None: seen.update(
            status=status, headers=headers) or (lambda data: None))
        try:
            body = b"".join(body_iter)
        finally:
            getattr(body_iter, "close", lambda: None)()  # replies go out here
        with self.cond:
            lose = kind == "inbound" and self.lose_next_answer > 0
            self.lose_next_answer -= lose
            self.done[kind] += 1
            self.cond.notify_all()
        if lose:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"answer lost"]
        start_response(seen["status"], seen["headers"])
        return [body]

    def count(self, kind: str) -> int:
        with self.cond:
            return self.done[kind]

    def wait(self, kind: str, at_least: int, timeout_s: float = 20) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: self.done[kind] >= at_least, timeout_s), \
                f"Kannel made {self.done[kind]} {kind} calls, expected {at_least}"


@pytest.fixture(scope="module")
def watch(app):
    return WebhookWatch(app)


@pytest.fixture(scope="module")
def live(app, watch):
    from tests.conftest import _empty_all_tables
    from tests.support.live import LiveServer
    with LiveServer(watch) as server:
        yield server
    _empty_all_tables(app.extensions["engine"])


@pytest.fixture(scope="module")
def kannel(app, live):
    from api.sms.config import SmsConfig
    from api.sms.kannel import KannelGateway
    from api.sms.services import SmsRuntime
    from tests.support.sms import swap_extension
    secret = secrets.token_urlsafe(16)
    with Kannel(f"{live.url}/api/v1/sms/inbound?secret={secret}") as boxes:
        config = SmsConfig(gateway="kannel", kannel_sendsms_url=boxes.sendsms_url,
                           kannel_username=boxes.send_user, kannel_password=boxes.send_password,
                           webhook_secret=secret, allowed_ips=(), callback_base_url=live.url)
        gateway = KannelGateway(boxes.sendsms_url, boxes.send_user, boxes.send_password)
        restore = swap_extension(app, "sms", SmsRuntime(config, gateway))
        yield boxes
        restore()


@pytest.fixture
def handset(kannel, db):
    from mobile_client_sim.handset import Handset
    with Handset("127.0.0.1", kannel.smsc_port) as phone:
        yield phone
