"""The gateway's configuration, from environment variables with safe local defaults."""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field


def _default_database() -> str:
    """The API's own default (the same SQLite file under var/)."""
    from api.config import ROOT

    return f"sqlite:///{ROOT / 'var' / 'pbx.db'}"


@dataclass(frozen=True)
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 5060                       # UDP and TCP
    trunk_peers: frozenset[str] = field(default_factory=lambda: frozenset({"127.0.0.1"}))
    trunk_uri: str = "sip:127.0.0.1:5070"  # mobiles (MEX) and external numbers go out here
    voicemail_uri: str = "sip:voicemail@127.0.0.1:5080"  # {number}: the called number
    queue_uri: str = "sip:queue-{id}@127.0.0.1:5080"
    database_url: str = "sqlite:///var/pbx.db"
    gateway_id: str = ""
    rtp_port: int = 20000
    max_calls: int = 1024
    tts_dir: str = "var/tts"
    command_poll_s: float = 1.0            # the fallback: the API wakes the gateway at once
    command_host: str = ""                 # wake-ups arrive here (UDP); "" = host
    command_port: int = 0                  # 0 = any free port (registered in the database)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "GatewayConfig":
        env = dict(os.environ if env is None else env)
        port = int(env.get("SIP_PORT", cls.port))
        peers = env.get("SIP_TRUNK_PEERS", "127.0.0.1")
        return cls(
            host=env.get("SIP_HOST", cls.host), port=port,
            trunk_peers=frozenset(p.strip() for p in peers.split(",") if p.strip()),
            trunk_uri=env.get("SIP_TRUNK_URI", cls.trunk_uri),
            voicemail_uri=env.get("SIP_VOICEMAIL_URI", cls.voicemail_uri),
            queue_uri=env.get("SIP_QUEUE_URI", cls.queue_uri),
            database_url=env.get("DATABASE_URL") or _default_database(),
            gateway_id=env.get("SIP_GATEWAY_ID") or f"{socket.gethostname()}:{port}",
            rtp_port=int(env.get("SIP_RTP_PORT", cls.rtp_port)),
            max_calls=min(1024, int(env.get("SIP_MAX_CALLS", cls.max_calls))),
            tts_dir=env.get("SIP_TTS_DIR", cls.tts_dir),
            command_poll_s=float(env.get("SIP_COMMAND_POLL_S", cls.command_poll_s)),
            command_host=env.get("SIP_COMMAND_HOST") or env.get("SIP_HOST", cls.host),
            command_port=int(env.get("SIP_COMMAND_PORT", cls.command_port)))
