"""Push configuration from environment variables; without credentials, the local sink."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class PushConfig:
    sink_url: str = "http://127.0.0.1:8091"
    apns_key_file: str | None = None       # the .p8 key (PEM, EC P-256)
    apns_key_id: str | None = None         # 10 characters
    apns_team_id: str | None = None
    apns_production_url: str = "https://api.push.apple.com"
    apns_sandbox_url: str = "https://api.sandbox.push.apple.com"
    apns_ca_file: str | None = None        # extra CA to trust (the test double's)
    apns_token_ttl: int = 50 * 60          # reuse one JWT this long (20-60 minutes)
    apns_connections: int = 2              # per environment; each multiplexes streams
    fcm_credentials_file: str | None = None
    fcm_project_id: str | None = None
    fcm_url: str | None = None             # FCM HTTP v1 send URL with {0} for the project
    fcm_timeout: float = 5.0

    @property
    def apns_configured(self) -> bool:
        return bool(self.apns_key_file and self.apns_key_id and self.apns_team_id)

    @property
    def fcm_configured(self) -> bool:
        return bool(self.fcm_credentials_file)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "PushConfig":
        env = dict(os.environ if env is None else env)
        c = cls()
        c.sink_url = env.get("PUSH_SINK_URL", c.sink_url).rstrip("/")
        c.apns_key_file = env.get("APNS_KEY_FILE") or None
        c.apns_key_id = env.get("APNS_KEY_ID") or None
        c.apns_team_id = env.get("APNS_TEAM_ID") or None
        c.apns_production_url = env.get("APNS_PRODUCTION_URL", c.apns_production_url)
        c.apns_sandbox_url = env.get("APNS_SANDBOX_URL", c.apns_sandbox_url)
        c.apns_ca_file = env.get("APNS_CA_FILE") or None
        c.apns_token_ttl = min(59 * 60, max(20 * 60, int(env.get("APNS_TOKEN_TTL",
                                                                 c.apns_token_ttl))))
        c.apns_connections = max(1, int(env.get("APNS_CONNECTIONS", c.apns_connections)))
        c.fcm_credentials_file = env.get("FCM_CREDENTIALS_FILE") or None
        c.fcm_project_id = env.get("FCM_PROJECT_ID") or None
        c.fcm_url = env.get("FCM_URL") or None
        c.fcm_timeout = float(env.get("FCM_TIMEOUT", c.fcm_timeout))
        return c
