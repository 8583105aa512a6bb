"""The SMS command: the password reset feature's subscriber to `Event.SMS_RECEIVED`."""
from __future__ import annotations

from . import command, services


def on_sms(db, received) -> None:
    """`received` is an `api.sms.services.ReceivedSms` for one of the company's numbers."""
    if received.outcome != "ignored":
        return  # another feature handled it (STOP, an opt-out, gets no help text)
    from flask import current_app  # SMS arrive through the web API only

    ctx = services.context(current_app)
    tenant = received.tenant
    if command.parse_command(received.text, tenant.reset_keyword) == command.RESET:
        received.outcome = services.request_by_sms(db, ctx, tenant, received.sender,
                                                   received.outbox)
    else:
        received.outcome = services.help_reply(db, ctx, tenant, received.sender,
                                               received.outbox)
