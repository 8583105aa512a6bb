"""SMS settings from PBX_* environment variables (docs/configuration.md)."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings


@dataclass(frozen=True)
class SmsConfig:
    gateway: str = "log"                 # kannel | log (development sink) | none
    kannel_sendsms_url: str = "http://127.0.0.1:13013/cgi-bin/sendsms"
    kannel_username: str = ""
    kannel_password: str = ""
    webhook_secret: str | None = None     # required on the webhooks when set
    allowed_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    callback_base_url: str = "http://127.0.0.1:8000"  # where the gateway reaches the webhooks
    region: str = "NO"                    # default country of numbers written without +
    send_timeout_s: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmsConfig":
        env = settings.extra
        default_gateway = "none" if settings.production else "log"
        ips = env.get("PBX_SMS_ALLOWED_IPS")
        return cls(
            gateway=env.get("PBX_SMS_GATEWAY", default_gateway),
            kannel_sendsms_url=env.get("PBX_KANNEL_SENDSMS_URL", cls.kannel_sendsms_url),
            kannel_username=env.get("PBX_KANNEL_USERNAME", ""),
            kannel_password=env.get("PBX_KANNEL_PASSWORD", ""),
            webhook_secret=env.get("PBX_SMS_WEBHOOK_SECRET") or None,
            # without a shared secret only this machine may call the webhooks
            allowed_ips=tuple(i.strip() for i in ips.split(",") if i.strip()) if ips is not None
            else (() if env.get("PBX_SMS_WEBHOOK_SECRET") else cls.allowed_ips),
            callback_base_url=env.get("PBX_SMS_CALLBACK_BASE_URL",
                                      settings.public_base_url).rstrip("/"),
            region=env.get("PBX_SMS_REGION", "NO").upper(),
        )
