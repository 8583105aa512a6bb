"""How each process starts: one function per process.

Each builds what its process runs on — structured logging, the database engine, the session
factory carrying the feature wiring (`bootstrap.wiring`), and the push notifier where the
process sends pushes — and hands it in. Importing this package builds nothing and loads no
web framework: the API's function imports Flask when it is called.

    web_api(settings)        the Flask application (gunicorn: `api.wsgi:app`)
    stop_web_api(app)        its push sender, when the process stops (gunicorn's worker_exit)
    gateway(database_url)    the SIP gateway: its database and its push relay
    routing_worker(url)      the gateway's routing process
    push_relay(url)          the push relay process: its database and its sender
    calendar_runner(url)     the calendar feed runner
    alert_runner(url)        the queues' SLA alert runner
    cli(url)                 operator commands (no log set-up: they print)
    benchmark(url)           benchmarks and their seeding
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from api.config import Settings
    from api.core.ports import Ports
    from push import Notifier


@dataclass(frozen=True)
class Process:
    """What a process is handed: the engine, sessions that carry the ports, the ports, and
    the `push.Notifier` every push of the process goes through, where it sends pushes."""

    engine: "Engine"
    sessions: "sessionmaker[Session]"
    ports: "Ports"
    notifier: "Notifier | None" = None


def _process(database_url: str, *, logs: bool = True, log_context=None, **info) -> Process:
    from api.core.db import make_engine, make_session_factory
    from api.core.logs import configure_logging
    from api.features import import_models

    from . import wiring

    if logs:
        configure_logging(context=log_context)
    import_models()
    ports = wiring.ports()
    engine = make_engine(database_url)
    return Process(engine, make_session_factory(engine, ports, **info), ports)


def _with_notifier(process: Process, notifier: "Notifier") -> Process:
    return dataclasses.replace(process, notifier=notifier)


def web_api(settings: "Settings | None" = None) -> "Flask":
    from api.app import create_app
    from api.config import Settings
    from api.core.request_logs import request_fields

    from api.pushdevices import sender

    settings = settings or Settings.from_env()
    process = _process(settings.database_url, log_context=request_fields,
                       voicemail_dir=settings.voicemail_dir)  # its audio goes with its rows
    app = create_app(settings, _with_notifier(process, sender.in_process(process.sessions)))
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Take what start-up built out of the cyclic garbage collector's reach.

    A started API holds about 200,000 long-lived objects (modules, mapped models, schemas,
    the OpenAPI document). Requests allocate enough to set off a full collection every few
    hundred requests, and each full collection walked all of them: 10 to 300 ms of one
    request stopped, the preview's p99. Frozen (`gc.freeze`), they are never scanned again;
    a collection walks only what requests made. Nothing is leaked: frozen objects are those
    kept for the process's lifetime anyway.
    """
    import gc

    gc.collect()
    gc.freeze()


def stop_web_api(app: "Flask", timeout: float = 5.0) -> None:
    """Stop what `web_api` started: pushes in flight are sent and logged (up to `timeout`),
    then the sender thread ends. Call it before the interpreter shuts down (gunicorn's
    `worker_exit` hook does): an `atexit` handler runs after Python has stopped the thread
    pools the sender records its work with."""
    notifier = app.extensions.get("push")
    if notifier is not None:
        notifier.stop(timeout)


def gateway(database_url: str) -> Process:
    """The SIP gateway: the sender of its pushes runs in a process of its own (the relay),
    so that push work never competes with its calls; its log lines are written by a thread
    of their own, so that its call thread never waits for them."""
    from api.core.logs import write_in_background
    from api.pushdevices import sender

    process = _process(database_url)
    write_in_background()
    return _with_notifier(process, sender.relayed(database_url))


def routing_worker(database_url: str) -> Process:
    return _process(database_url)


def push_relay(database_url: str) -> Process:
    """The relay process (`api.pushdevices.relay`): the gateway's push sender, on its own.

    Its start-up objects are frozen (see `freeze_startup_objects`), and its young objects
    are collected every 10,000 allocations instead of 700: a burst in flight is thousands
    of pushes, each a task, its coroutines, futures and a few dicts, and at 700 the
    collector ran every few pushes and walked them all (a sixth of the relay's CPU per push
    in a burst of 10,000). What a push allocates is freed by reference counting anyway."""
    import gc

    from api.pushdevices import sender

    process = _process(database_url)
    process = _with_notifier(process, sender.in_process(process.sessions))
    freeze_startup_objects()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])
    return process


def calendar_runner(database_url: str) -> Process:
    return _process(database_url)


def alert_runner(database_url: str) -> Process:
    return _process(database_url)


def cli(database_url: str) -> Process:
    return _process(database_url, logs=False)


def benchmark(database_url: str) -> Process:
    return _process(database_url, logs=False)
