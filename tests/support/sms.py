"""Helpers for SMS and password reset tests: a service number, the SMS sink, an SMTP server."""
from __future__ import annotations

import re
import threading
from dataclasses import replace

import pytest

from api.accounts.models import Tenant, User
from api.passwordreset.config import ResetConfig
from api.sms.config import SmsConfig
from api.sms.gateway import LogGateway
from api.sms.services import SmsRuntime
from tests.support.pg import free_port


def give_service_number(app, company, keyword: str | None = None) -> str:
    """Give the company an SMS service number (unique per company); returns it."""
    number = f"+4741{company.tenant_id:06d}"
    with app.extensions["session_factory"]() as db:
        tenant = db.get(Tenant, company.tenant_id)
        tenant.sms_service_number = number
        if keyword:
            tenant.reset_keyword = keyword
        db.commit()
    return number


def set_user(app, mobile: str, **values) -> None:
    with app.extensions["session_factory"]() as db:
        user = db.query(User).filter_by(mobile=mobile).one()
        for key, value in values.items():
            setattr(user, key, value)
        db.commit()


def swap_extension(app, name: str, value):
    """Replace an app extension; returns a function that puts the old one back."""
    had, old = name in app.extensions, app.extensions.get(name)
    app.extensions[name] = value

    def restore():
        if had:
            app.extensions[name] = old
        else:
            app.extensions.pop(name, None)
    return restore


@pytest.fixture
def sink(app):
    """The development SMS sink as the gateway: `sink.sent` holds what went out."""
    gateway = LogGateway()
    restore = swap_extension(app, "sms", SmsRuntime(SmsConfig(), gateway))
    yield gateway
    restore()


@pytest.fixture
def reset_config(app):
    """Change the password reset settings for one test: `reset_config(number_limit=1)`."""
    restores = []

    def change(**values):
        base = app.extensions.get("passwordreset") or ResetConfig.from_settings(
            app.config["SETTINGS"])
        restores.append(swap_extension(app, "passwordreset", replace(base, **values)))
    yield change
    for restore in reversed(restores):
        restore()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.arrived.notify_all()
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A local SMTP server (aiosmtpd); yields (port, mailbox)."""
    from aiosmtpd.controller import Controller
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, mailbox
    controller.stop()


def send_sms(client, sender: str, to: str, text: str, *, ts: str = "1795400000",
             msg_id: str = "m1", **extra):
    """Kannel's get-url call for one SMS (buffered, so replies go out before it returns)."""
    query = {"from": sender, "to": to, "text": text, "ts": ts, "id": msg_id, **extra}
    return client.get("/api/v1/sms/inbound", query_string=query, buffered=True)


def code_of(text: str) -> str:
    return re.search(r"code: (\d{6})", text).group(1)


def link_of(text: str) -> str:
    return re.search(r"(https?://\S+/reset/\S+)", text).group(1)
