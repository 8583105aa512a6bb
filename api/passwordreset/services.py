"""Use cases: ask for a reset (SMS command or app), then set the password with the code or
the link. Nothing here tells a caller whether a number is registered."""
from __future__ import annotations

from i18n import N_

import hmac
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..accounts import services as accounts
from ..accounts.models import AuditEvent, Tenant, User
from ..accounts.passwords import STRICT
from ..config import Settings
from ..core import ratelimit
from ..core.clock import now
from ..core.db import begin_write
from ..core.errors import AppError, TooManyRequests, ValidationFailed
from ..core.phone import try_e164
from i18n import user_language
from ..sms import services as sms
from ..sms.outbox import Outbox
from . import command
from .config import ResetConfig
from .mail import send_email
from .models import PasswordReset

if TYPE_CHECKING:
    from flask import Flask

HOUR = 3600
log = logging.getLogger("api.passwordreset")


class InvalidCode(AppError):
    status = 400
    title = N_("Invalid code")
    type_slug = "invalid-reset-code"

    def __init__(self) -> None:
        super().__init__(N_("The code is wrong, used or expired: ask for a new one"))


@dataclass
class ResetContext:
    settings: Settings
    config: ResetConfig
    sms: sms.SmsRuntime


def context(app: Flask) -> ResetContext:
    config = app.extensions.get("passwordreset")
    if config is None:
        config = app.extensions["passwordreset"] = ResetConfig.from_settings(
            app.config["SETTINGS"])
    return ResetContext(app.config["SETTINGS"], config, sms.runtime(app))


def _audit(db: Session, tenant_id: int, kind: str, user_id: int | None = None, **detail) -> None:
    db.add(AuditEvent(tenant_id=tenant_id, actor_user_id=user_id, kind=kind, detail=detail))


def login_number(username: str) -> str | None:
    """The login is a mobile number in any common format (Norwegian or Swedish without +)."""
    for region in ("NO", "SE"):
        number = try_e164(username, region)
        if number:
            return number
    return None


def _number_allowed(db: Session, ctx: ResetContext, number: str) -> bool:
    return ratelimit.hit(db, f"pwreset:number:{number}", ctx.config.number_limit, HOUR).allowed


def _issue(db: Session, ctx: ResetContext, tenant: Tenant, user: User, outbox: Outbox,
           via: str) -> str:
    """A new code (the old one stops working) sent by SMS, or e-mail when SMS cannot reach
    the user. Returns the outcome."""
    if not ratelimit.hit(db, f"pwreset:tenant:{tenant.id}", ctx.config.tenant_limit,
                         HOUR).allowed:
        _audit(db, tenant.id, "password_reset_rate_limited", user.id, limit="company", via=via)
        return "rate_limited"
    if via == "sms" or sms.reachable(db, ctx.sms, tenant, user.mobile):  # it just texted us
        channel = "sms"
    elif user.email and ctx.config.smtp_host:
        channel = "email"
    else:
        _audit(db, tenant.id, "password_reset_undeliverable", user.id, via=via)
        return "undeliverable"
    at = now()
    db.execute(update(PasswordReset)
               .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None),
                      PasswordReset.voided_at.is_(None))
               .values(voided_at=at))
    code, token = command.new_code(), command.new_token()
    db.add(PasswordReset(tenant_id=tenant.id, user_id=user.id, channel=channel,
                         code_hash=command.code_hash(ctx.settings.secret_key, user.id, code),
                         token_hash=command.token_hash(token), created_at=at,
                         expires_at=at + timedelta(seconds=ctx.config.code_ttl_s)))
    link = f"{ctx.config.link_base_url}/reset/{token}"
    minutes = ctx.config.code_ttl_s // 60
    lang = user_language(user.language, None, tenant.language)
    if channel == "sms":
        sms.enqueue(db, ctx.sms, outbox, tenant_id=tenant.id, to=user.mobile,
                    sender=tenant.sms_service_number,
                    text=command.reset_sms(code, link, minutes, lang), purpose="password_reset")
    else:
        login = None if tenant.password_policy == STRICT else user.mobile
        subject, body = command.reset_email(code, link, minutes, login=login, lang=lang)
        email, config = user.email, ctx.config
        outbox.add(lambda: send_email(config, email, subject, body))
    _audit(db, tenant.id, "password_reset_sent", user.id, channel=channel, via=via)
    return "reset_sent"


def request_by_sms(db: Session, ctx: ResetContext, tenant: Tenant, sender: str,
                   outbox: Outbox) -> str:
    """The keyword arrived from `sender` at the company's service number."""
    if not _number_allowed(db, ctx, sender):
        _audit(db, tenant.id, "password_reset_rate_limited", limit="number", via="sms",
               number=sender)
        return "rate_limited"
    user = db.scalar(select(User).where(User.mobile == sender, User.tenant_id == tenant.id))
    if user is None:
        _audit(db, tenant.id, "password_reset_unknown_number", via="sms", number=sender)
        return "unknown_sender"
    return _issue(db, ctx, tenant, user, outbox, via="sms")


def help_reply(db: Session, ctx: ResetContext, tenant: Tenant, sender: str,
               outbox: Outbox) -> str:
    """Any other text: the same short help for everyone, a few times an hour at most.

    Capped per sender and per company: texts from many numbers (spoofed senders cost an
    attacker nothing) must not make the company pay for an SMS to each of them.
    """
    if not sender.startswith("+"):
        return "ignored"  # a name, not a number: nothing can answer it
    if not ratelimit.hit(db, f"pwreset:help:{sender}", ctx.config.help_limit, HOUR).allowed:
        return "help_rate_limited"
    if not ratelimit.hit(db, f"pwreset:help-tenant:{tenant.id}", ctx.config.help_tenant_limit,
                         HOUR).allowed:
        log.warning("sms help capped", extra={"event": "sms_help_rate_limited",
                                              "tenant_id": tenant.id, "limit": "company"})
        return "help_rate_limited"
    sms.enqueue(db, ctx.sms, outbox, tenant_id=tenant.id, to=sender,
                sender=tenant.sms_service_number, text=command.help_sms(tenant.reset_keyword,
                                                       user_language(tenant.language)),
                purpose="help")
    return "help_sent"


def request_by_app(db: Session, ctx: ResetContext, username: str, ip: str | None,
                   outbox: Outbox) -> str:
    """"New password" in the app. The caller answers 202 whatever this returns."""
    begin_write(db)
    outcome = "ignored"
    number = login_number(username)
    if not ratelimit.hit(db, f"pwreset:ip:{ip}", ctx.config.ip_limit, HOUR).allowed:
        outcome = "rate_limited"
    elif number is not None:
        user = db.scalar(select(User).where(User.mobile == number))
        if not _number_allowed(db, ctx, number):
            outcome = "rate_limited"
            if user is not None:
                _audit(db, user.tenant_id, "password_reset_rate_limited", user.id,
                       limit="number", via="app")
        elif user is not None:
            outcome = _issue(db, ctx, db.get(Tenant, user.tenant_id), user, outbox, via="app")
    db.commit()
    return outcome


def _active(db: Session, *, lock: bool = False, **where) -> PasswordReset | None:
    """The valid reset matching `where`; `lock` holds its row until commit (attempt counts)."""
    stmt = select(PasswordReset).where(PasswordReset.used_at.is_(None),
                                       PasswordReset.voided_at.is_(None),
                                       PasswordReset.expires_at > now())
    for key, value in where.items():
        stmt = stmt.where(getattr(PasswordReset, key) == value)
    stmt = stmt.order_by(PasswordReset.id.desc()).limit(1)
    return db.scalar(stmt.with_for_update() if lock else stmt)


def _complete(db: Session, reset: PasswordReset, user: User, new_password: str) -> None:
    """Set the password (policy first), spend the code, log out every session."""
    accounts.set_password(db, user, new_password)
    spent = db.execute(update(PasswordReset)
                       .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None),
                              PasswordReset.voided_at.is_(None))
                       .values(used_at=now()))
    if spent.rowcount != 1:  # spent by a concurrent request a moment ago
        db.rollback()
        raise InvalidCode()
    accounts.revoke_all_sessions(db, user, keep=None, reason="password_reset")
    _audit(db, user.tenant_id, "password_reset_completed", user.id, channel=reset.channel)


def confirm_with_code(db: Session, ctx: ResetContext, username: str, code: str,
                      new_password: str, *, ip: str | None,
                      user_agent: str | None) -> accounts.TokenPair:
    begin_write(db)
    verdict = ratelimit.hit(db, f"pwreset:confirm:{ip}", ctx.config.confirm_ip_limit, 900)
    if not verdict.allowed:
        db.commit()
        raise TooManyRequests(N_("Too many attempts; try again later"), verdict.retry_after)
    number = login_number(username)
    user = db.scalar(select(User).where(User.mobile == number)) if number else None
    reset = _active(db, lock=True, user_id=user.id) if user is not None else None
    if reset is None:
        db.commit()
        raise InvalidCode()
    expected = command.code_hash(ctx.settings.secret_key, user.id, code)
    if not hmac.compare_digest(expected, reset.code_hash):
        reset.attempts += 1
        if reset.attempts >= ctx.config.max_attempts:
            reset.voided_at = now()
            _audit(db, user.tenant_id, "password_reset_code_voided", user.id)
        db.commit()
        raise InvalidCode()
    _complete(db, reset, user, new_password)
    pair = accounts.issue_session(db, ctx.settings, user, user_agent=user_agent, ip=ip)
    db.commit()
    return pair


def user_for_link(db: Session, token: str) -> tuple[PasswordReset, User] | None:
    """The reset and its user behind a link, while it is still valid."""
    reset = _active(db, token_hash=command.token_hash(token))
    return None if reset is None else (reset, db.get(User, reset.user_id))


def confirm_with_link(db: Session, token: str, new_password: str,
                      lang: str = "en") -> list[str] | None:
    """The web page: the link stands for the code. None when the link is no longer valid,
    else the policy's refusals in `lang` (empty: the password is set)."""
    begin_write(db)
    found = user_for_link(db, token)
    if found is None:
        return None
    try:
        _complete(db, found[0], found[1], new_password)
    except InvalidCode:
        return None
    except ValidationFailed as exc:
        db.rollback()
        _, detail, extra = exc.localised(lang)
        return list(extra["errors"].get("new_password") or [detail])
    db.commit()
    return []
