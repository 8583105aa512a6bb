"""Limits and the e-mail server, from PBX_* environment variables."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings, _int


@dataclass(frozen=True)
class ResetConfig:
    link_base_url: str = "http://127.0.0.1:8000"
    code_ttl_s: int = 15 * 60
    max_attempts: int = 5
    number_limit: int = 3          # resets per mobile number per hour (SMS and app together)
    tenant_limit: int = 100        # resets sent per company per hour
    help_limit: int = 2            # help replies per sender per hour
    help_tenant_limit: int = 20    # help replies per company per hour, every sender together
    ip_limit: int = 30             # app requests per client address per hour
    confirm_ip_limit: int = 30     # code checks per client address per 15 minutes
    smtp_host: str | None = None   # no e-mail without it
    smtp_port: int = 25
    smtp_from: str = "no-reply@pbx-companion.invalid"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> "ResetConfig":
        env = settings.extra
        return cls(
            link_base_url=settings.public_base_url,
            number_limit=_int(env, "PBX_RESET_NUMBER_LIMIT", cls.number_limit),
            tenant_limit=_int(env, "PBX_RESET_TENANT_LIMIT", cls.tenant_limit),
            help_limit=_int(env, "PBX_RESET_HELP_LIMIT", cls.help_limit),
            help_tenant_limit=_int(env, "PBX_RESET_HELP_TENANT_LIMIT", cls.help_tenant_limit),
            ip_limit=_int(env, "PBX_RESET_IP_LIMIT", cls.ip_limit),
            confirm_ip_limit=_int(env, "PBX_RESET_CONFIRM_IP_LIMIT", cls.confirm_ip_limit),
            smtp_host=env.get("PBX_SMTP_HOST") or None,
            smtp_port=_int(env, "PBX_SMTP_PORT", cls.smtp_port),
            smtp_from=env.get("PBX_SMTP_FROM", cls.smtp_from),
            smtp_user=env.get("PBX_SMTP_USER") or None,
            smtp_password=env.get("PBX_SMTP_PASSWORD") or None,
            smtp_starttls=env.get("PBX_SMTP_STARTTLS", "0") == "1",
        )
