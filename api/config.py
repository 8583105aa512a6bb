"""Configuration from environment variables, with safe development defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(env: dict, name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except (TypeError, ValueError):
        raise RuntimeError(f"environment variable {name} must be an integer")


@dataclass
class Settings:
    env: str = "development"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'pbx.db'}"
    secret_key: str = "dev-only-secret-change-me-in-production-0123456789"
    access_token_ttl: int = 900
    refresh_token_ttl: int = 400 * 24 * 3600
    login_ip_limit: int = 30
    login_ip_window: int = 60
    login_user_limit: int = 5
    login_user_window: int = 900
    public_base_url: str = "http://127.0.0.1:8000"
    demo_password: str = "demo"
    access_log: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, env: dict | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        s = cls()
        s.env = env.get("APP_ENV", s.env)
        s.database_url = env.get("DATABASE_URL") or s.database_url
        s.secret_key = env.get("SECRET_KEY") or ("" if s.production else s.secret_key)
        if s.production and len(s.secret_key) < 32:
            raise RuntimeError("SECRET_KEY (32+ characters) is required when APP_ENV=production")
        s.access_token_ttl = _int(env, "ACCESS_TOKEN_TTL", s.access_token_ttl)
        s.refresh_token_ttl = _int(env, "REFRESH_TOKEN_TTL", s.refresh_token_ttl)
        s.login_ip_limit = _int(env, "LOGIN_IP_LIMIT", s.login_ip_limit)
        s.login_ip_window = _int(env, "LOGIN_IP_WINDOW", s.login_ip_window)
        s.login_user_limit = _int(env, "LOGIN_USER_LIMIT", s.login_user_limit)
        s.login_user_window = _int(env, "LOGIN_USER_WINDOW", s.login_user_window)
        s.public_base_url = env.get("PUBLIC_BASE_URL", s.public_base_url).rstrip("/")
        s.demo_password = env.get("DEMO_PASSWORD", s.demo_password)
        s.access_log = env.get("ACCESS_LOG", "0") == "1"
        s.extra = {k: v for k, v in env.items() if k.startswith("PBX_")}
        return s
