"""The ports in tests: hearing the events published (their subscribers still run) and
answering a question in the test's own way."""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager

from api.core.ports import Event, Ports


@contextmanager
def listening(ports: Ports, event: Event):
    """The arguments (after the session) of every `event` published while inside."""
    heard: list[tuple] = []
    bus = ports.events
    publish = bus.publish

    def recording(published: Event, db, *args) -> None:
        if published is event:
            heard.append(args)
        publish(published, db, *args)

    bus.publish = recording  # the instance's attribute hides the method until deleted
    try:
        yield heard
    finally:
        del bus.publish


def answering(monkeypatch, app, *sessions, **answers) -> Ports:
    """For this test, the app's ports answer `answers` (e.g. presence=...) the test's way:
    sessions made from now on carry them, and so do the open `sessions` given."""
    info = app.extensions["session_factory"].kw["info"]
    faked = dataclasses.replace(info["ports"], **answers)
    monkeypatch.setitem(info, "ports", faked)
    for session in sessions:
        monkeypatch.setitem(session.info, "ports", faked)
    return faked
