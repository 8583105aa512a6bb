"""The feature packages the service is made of, in registration order.

Each module exposes `register(api)`: it registers its blueprints and its hooks.
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
    "api.messages",  # before passwordreset: STOP is an opt-out, not a help request
    "api.passwordreset",
    "api.calls",
    "api.transfer",
    "api.numbers",
]


def register_all(api) -> None:
    for name in FEATURES:
        importlib.import_module(name).register(api)


def register_hooks() -> None:
    """Hooks only (for processes without Flask, such as the SIP gateway or the CLI)."""
    for name in FEATURES:
        module = importlib.import_module(name)
        if hasattr(module, "register_hooks"):
            module.register_hooks()


def import_models() -> None:
    """Import every feature's models so the metadata is complete (migrations, tests)."""
    import importlib.util

    for name in FEATURES:
        if importlib.util.find_spec(name + ".models") is not None:
            importlib.import_module(name + ".models")
