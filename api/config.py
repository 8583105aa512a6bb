"""Configuration from environment variables, with safe development defaults."""
from __future__ import annotations

import hashlib
import os
import secrets
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
    secret_key: str = ""  # from SECRET_KEY; in development, generated once under var/
    access_token_ttl: int = 900
    refresh_token_ttl: int = 400 * 24 * 3600
    login_ip_limit: int = 30
    login_ip_window: int = 60
    login_user_limit: int = 5
    login_user_window: int = 900
    login_user_total_limit: int = 50
    public_base_url: str = "http://127.0.0.1:8000"
    demo_password: str = "demo"
    access_log: bool = False
    sip_realm: str = "pbx.local"          # the digest realm of devices' SIP credentials
    sip_registrar: str = "sip:127.0.0.1:5060"  # where phones register: the SIP edge
    sip_edge_ctl: str = ""           # the edge's control socket (unix:/...): message-waiting lamps
    events_heartbeat_s: int = 15     # a comment line on an idle event stream
    events_replay_s: int = 600       # how far back Last-Event-ID can resume
    events_poll_ms: int = 200        # SQLite: how often a worker reads the outbox
    voicemail_dir: str = str(ROOT / "var" / "voicemail")  # messages and greetings (audio)
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
        s.secret_key = _secret_key(env, s.env)
        s.access_token_ttl = _int(env, "ACCESS_TOKEN_TTL", s.access_token_ttl)
        s.refresh_token_ttl = _int(env, "REFRESH_TOKEN_TTL", s.refresh_token_ttl)
        s.login_ip_limit = _int(env, "LOGIN_IP_LIMIT", s.login_ip_limit)
        s.login_ip_window = _int(env, "LOGIN_IP_WINDOW", s.login_ip_window)
        s.login_user_limit = _int(env, "LOGIN_USER_LIMIT", s.login_user_limit)
        s.login_user_window = _int(env, "LOGIN_USER_WINDOW", s.login_user_window)
        s.login_user_total_limit = _int(env, "LOGIN_USER_TOTAL_LIMIT", s.login_user_total_limit)
        s.public_base_url = env.get("PUBLIC_BASE_URL", s.public_base_url).rstrip("/")
        s.demo_password = env.get("DEMO_PASSWORD", s.demo_password)
        s.access_log = env.get("ACCESS_LOG", "0") == "1"
        s.sip_realm = env.get("SIP_REALM", s.sip_realm)
        s.sip_registrar = env.get("SIP_REGISTRAR", s.sip_registrar)
        s.sip_edge_ctl = env.get("SIP_EDGE_CTL", s.sip_edge_ctl).strip()
        s.events_heartbeat_s = max(1, _int(env, "EVENTS_HEARTBEAT_S", s.events_heartbeat_s))
        s.events_replay_s = max(10, _int(env, "EVENTS_REPLAY_S", s.events_replay_s))
        s.events_poll_ms = max(20, _int(env, "EVENTS_POLL_MS", s.events_poll_ms))
        s.voicemail_dir = env.get("VOICEMAIL_DIR") or s.voicemail_dir
        s.extra = {k: v for k, v in env.items() if k.startswith("PBX_")}
        return s


# SHA-256 of signing keys that were once published with the source: never accepted again.
_PUBLISHED_KEYS = frozenset({
    "99f8c413a0b81bbc5c4df63da8fa908910fe1d1fed286791730f62592b9e65b1",  # the former development default
    "8fecdc1c6486d8b09ec10895c727b13f3ddc0c76688a01b5535785906d8d9d96",  # the former test-suite key
})
MIN_SECRET_KEY = 32


def _secret_key(env: dict, mode: str) -> str:
    """SECRET_KEY from the environment; in development only, a random key kept in a file.

    The file (SECRET_KEY_FILE, default var/secret_key) is created on first start with mode
    0600 and read by every process of the backend, so tokens survive restarts. Production
    and any other mode refuse to start without SECRET_KEY.
    """
    key = env.get("SECRET_KEY") or ""
    if not key:
        if mode != "development":
            raise RuntimeError(f"SECRET_KEY ({MIN_SECRET_KEY}+ characters) is required when "
                               f"APP_ENV={mode}")
        key = _key_file(Path(env.get("SECRET_KEY_FILE") or ROOT / "var" / "secret_key"))
    if len(key) < MIN_SECRET_KEY:
        raise RuntimeError(f"SECRET_KEY must be at least {MIN_SECRET_KEY} characters")
    if hashlib.sha256(key.encode()).hexdigest() in _PUBLISHED_KEYS:
        raise RuntimeError("SECRET_KEY is a published key; generate a random one "
                           "(python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    return key


def _key_file(path: Path) -> str:
    """Read the key file, creating it atomically (0600, never replaced) when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)  # fails if another process created it first: theirs wins
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    if path.stat().st_mode & 0o077:
        raise RuntimeError(f"{path} must be readable by its owner only (chmod 600)")
    return path.read_text().strip()
