"""Telling queue members and team leaders by SMS (from the company's service number, through
the SMS gateway) or by e-mail (the SMTP server of the settings): a callback taken by hand,
an SLA alert. Texts are in each person's language."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import user_language

from ..accounts.models import Tenant, User
from ..passwordreset.config import ResetConfig
from ..passwordreset.mail import send_email
from ..sms import services as sms
from ..sms.outbox import Outbox

if TYPE_CHECKING:
    from flask import Flask

SMS, EMAIL = "sms", "email"
CHANNELS = (SMS, EMAIL)


@dataclass
class Channels:
    sms: sms.SmsRuntime
    mail: ResetConfig     # its SMTP settings


def in_app(app: "Flask") -> Channels:
    from ..passwordreset.services import context

    return Channels(sms.runtime(app), context(app).config)


def standalone(settings) -> Channels:
    """For a process without the web API (the SLA alert runner)."""
    from ..sms.config import SmsConfig
    from ..sms.gateway import build_gateway

    config = SmsConfig.from_settings(settings)
    return Channels(sms.SmsRuntime(config, build_gateway(config)),
                    ResetConfig.from_settings(settings))


def tell(db: Session, ch: Channels, outbox: Outbox, tenant: Tenant, user_ids, channel: str,
         text: Callable[[str], tuple[str, str]], purpose: str) -> int:
    """Send each user `text(lang)` = (subject, body) by SMS or e-mail. A user the channel
    cannot reach (no mobile or no service number; no e-mail or no SMTP server) is skipped.
    Returns how many messages were queued; they go out when `outbox` is flushed."""
    users = list(db.scalars(select(User).where(User.tenant_id == tenant.id,
                                               User.id.in_(list(user_ids)))
                            .order_by(User.id))) if user_ids else []
    sent = 0
    for user in users:
        subject, body = text(user_language(user.language, None, tenant.language))
        if channel == SMS and user.mobile and tenant.sms_service_number:
            sms.enqueue(db, ch.sms, outbox, tenant_id=tenant.id, to=user.mobile,
                        sender=tenant.sms_service_number, text=body, purpose=purpose)
            sent += 1
        elif channel == EMAIL and user.email and ch.mail.smtp_host:
            config, to = ch.mail, user.email
            outbox.add(lambda to=to, s=subject, b=body: send_email(config, to, s, b))
            sent += 1
    return sent
