"""Messages recorded but never handed to the SMS gateway go out after all.

A message's SMS are committed first and sent right after the response; if the process
stops in between, they stay `queued` without the gateway's answer. This pass finds such SMS
older than a grace period and sends them once: each is claimed first (its `detail` marked)
so that two passes at the same moment do not both send it. An SMS the gateway answered
"queued for later" has that answer in `detail` and is left to the gateway.

Run once: `python -m api.messages.resend`; or keep running: `--every 60`.
"""
from __future__ import annotations

import argparse
import logging
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.clock import now
from ..sms.gateway import QUEUED
from ..sms.models import SmsOutbound
from ..sms.services import SmsRuntime, deliver
from .models import Message, MessageRecipient

log = logging.getLogger("api.messages")
CLAIMED = "sent again after an interruption"


def resend_unsent(db: Session, rt: SmsRuntime, grace_s: int = 60, batch: int = 500) -> int:
    """Send the message SMS that were never handed to the gateway; returns how many."""
    cutoff = now() - timedelta(seconds=grace_s)
    rows = db.execute(
        select(SmsOutbound.id, SmsOutbound.ref, SmsOutbound.to_number, Message.sender,
               Message.text)
        .join(MessageRecipient, MessageRecipient.outbound_id == SmsOutbound.id)
        .join(Message, Message.id == MessageRecipient.message_id)
        .where(SmsOutbound.state == QUEUED, SmsOutbound.detail.is_(None),
               SmsOutbound.created_at < cutoff)
        .order_by(SmsOutbound.id).limit(batch)).all()
    db.rollback()
    bind, sent = db.get_bind(), 0
    for row in rows:
        claimed = db.execute(update(SmsOutbound)
                             .where(SmsOutbound.id == row.id, SmsOutbound.detail.is_(None))
                             .values(detail=CLAIMED)).rowcount
        db.commit()
        if claimed:
            deliver(bind, rt, row.ref, row.to_number, row.sender, row.text)
            sent += 1
    if sent:
        log.warning("unsent messages sent", extra={"event": "messages_resent", "count": sent})
    return sent


def main(argv: list[str] | None = None) -> int:
    import time

    from bootstrap import cli

    from ..config import Settings
    from ..sms.config import SmsConfig
    from ..sms.gateway import build_gateway

    parser = argparse.ArgumentParser(prog="python -m api.messages.resend")
    parser.add_argument("--every", type=float, help="run again every this many seconds")
    parser.add_argument("--grace", type=int, default=60,
                        help="seconds an SMS may wait for its first send (default 60)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    config = SmsConfig.from_settings(settings)
    rt = SmsRuntime(config, build_gateway(config))
    factory = cli(settings.database_url).sessions
    while True:
        with factory() as db:
            print(f"{resend_unsent(db, rt, args.grace)} SMS sent again", flush=True)
        if not args.every:
            return 0
        time.sleep(args.every)


if __name__ == "__main__":
    raise SystemExit(main())
