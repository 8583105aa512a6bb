"""The feature packages the service is made of, in registration order.

Each module exposes `register(api)`: it registers its blueprints (and nothing else). What the
features ask of each other and the events they raise are wired in `bootstrap.wiring`.
"""
from __future__ import annotations

import importlib

FEATURES = [
    "api.accounts",
    "api.availability",
    "api.callerid",
    "api.queues",
    "api.pushdevices",
    "api.sms",
    "api.messages",
    "api.passwordreset",
    "api.calls",
    "api.transfer",
    "api.numbers",
    "api.events",
    "api.audit",
    "api.voicemail",
]


def register_all(api) -> None:
    for name in FEATURES:
        importlib.import_module(name).register(api)


def import_models() -> None:
    """Import every feature's models so the metadata is complete (migrations, tests)."""
    import importlib.util

    for name in FEATURES:
        if importlib.util.find_spec(name + ".models") is not None:
            importlib.import_module(name + ".models")
