"""The push notifier a process is handed at start-up (never built inside a request).

    in_process(sessions)   the API's: a sender thread in this process, on its database
    relayed(database_url)  the SIP gateway's: the sender runs in a process of its own
                           (`api.pushdevices.relay`), so push work never competes with calls
"""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from push import Notifier, PushConfig, build_transports

RELAY_MODULE = "api.pushdevices.relay"


def start_sender(sessions: "sessionmaker[Session]", config: PushConfig | None = None):
    """A started `PushService` on this database, with the configured transports."""
    from push.service import PushService

    from .store import DeviceStore

    return PushService(DeviceStore(sessions),
                       build_transports(config or PushConfig.from_env())).start()


def in_process(sessions: "sessionmaker[Session]") -> Notifier:
    return Notifier(start_sender(sessions))


def relayed(database_url: str) -> Notifier:
    """Starts the relay process and waits until its sender runs (see `push.relay`)."""
    from push.relay import Relay

    return Notifier(Relay(RELAY_MODULE, {"DATABASE_URL": database_url}).start())
