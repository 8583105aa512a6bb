"""Push notifications to the phones: who's calling, call ended, missed call, transfer back.

A process's start-up builds one sender — a `PushService` (`push.service`) on a
`DeviceStore` (`push.ports`) and the transports `build_transports` picks, or a `Relay`
(`push.relay`) to a sender in a process of its own — and hands a `Notifier` on it
(`push.notifier`) to whatever raises the events. Nothing here is built at import time, and
nothing in this package imports the API: the API provides the `DeviceStore`.
"""
from __future__ import annotations

from .config import PushConfig
from .notifier import Notifier

__all__ = ["Notifier", "PushConfig", "build_transports"]


def build_transports(config: PushConfig) -> dict:
    """APNs and FCM when their credentials are configured, the local sink otherwise."""
    from .local import LocalTransport

    local = LocalTransport(config.sink_url)
    transports = {"ios": local, "android": local}
    if config.apns_configured:
        from .apns import ApnsTransport
        transports["ios"] = ApnsTransport.from_config(config)
    if config.fcm_configured:
        from .fcm import FcmTransport
        transports["android"] = FcmTransport.from_config(config)
    return transports
