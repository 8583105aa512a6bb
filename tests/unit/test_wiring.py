"""The feature wiring: every cross-feature question has a provider from the start, or the
process does not start; events reach exactly the subscribers the bootstrap lists."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import create_engine

from api.core.db import make_session_factory
from api.core.ports import Bus, Event, Ports, WiringError, ports
from bootstrap import wiring


def _answers() -> dict:
    built = wiring.ports()
    return {f.name: getattr(built, f.name) for f in dataclasses.fields(Ports)}


def test_every_process_gets_an_answer_to_every_question_and_a_bus():
    built = wiring.ports()
    for field in dataclasses.fields(Ports):
        assert getattr(built, field.name) is not None, field.name
    assert isinstance(built.events, Bus)


@pytest.mark.parametrize("question", [f.name for f in dataclasses.fields(Ports)
                                      if f.name != "events"])
def test_a_question_without_a_provider_stops_the_start(question):
    with pytest.raises(WiringError, match=question):
        Ports(**{**_answers(), question: None})


def test_ports_without_a_bus_stop_the_start():
    with pytest.raises(WiringError, match="bus"):
        Ports(**{**_answers(), "events": None})


def test_every_event_has_its_subscribers_listed_in_the_bootstrap():
    built = wiring.ports()
    assert {e for e in Event if built.events.subscribers(e)} == set(Event)


def test_a_subscriber_for_an_unknown_event_stops_the_start():
    with pytest.raises(WiringError, match="unknown events"):
        Bus({"user_created": [print]})


def test_an_event_reaches_its_subscribers_in_order_and_no_others():
    heard = []
    bus = Bus({Event.USER_CREATED: [lambda db, user: heard.append(("first", db, user)),
                                    lambda db, user: heard.append(("second", db, user))],
               Event.SMS_RECEIVED: [lambda db, sms: heard.append(("sms", db, sms))]})
    bus.publish(Event.USER_CREATED, "db", "kari")
    assert heard == [("first", "db", "kari"), ("second", "db", "kari")]


def test_a_favourite_target_of_an_unknown_kind_is_none_and_known_kinds_ask_their_owner():
    built = Ports(**{**_answers(),
                     "queue_target": lambda db, tenant_id, target_id: {"name": f"q{target_id}"},
                     "main_number_target": lambda db, tenant_id, target_id: None})
    assert built.favourite_target(None, 1, "queue", 7) == {"name": "q7"}
    assert built.favourite_target(None, 1, "main_number", 7) is None
    assert built.favourite_target(None, 1, "contact", 7) is None


def test_a_session_from_the_bootstrap_carries_the_ports_and_a_bare_one_says_so():
    engine = create_engine("sqlite://")
    built = wiring.ports()
    with make_session_factory(engine, built)() as db:
        assert ports(db) is built
    with make_session_factory(engine)() as db:
        with pytest.raises(WiringError, match="carries no ports"):
            ports(db)
