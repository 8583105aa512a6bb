"""The command channel wakes the gateway holding a call: a command from the app is claimed at
once, not at the gateway's next poll; the poll still delivers what a lost wake-up missed."""
from __future__ import annotations

import socket
import threading

import pytest

from api.calls import wakeup
from sip_gateway import commands
from tests.support.api import auth, make_company
from tests.support.isolation_calls import live_call
from tests.support.sip import wait_until

NEVER = 3600.0   # a poll that never comes within a test: only a wake-up can deliver


class Gateway:
    """A gateway's command thread (no SIP): what it claims is collected in `got`."""

    def __init__(self, app, gateway_id: str, interval: float = NEVER) -> None:
        self.factory = app.extensions["session_factory"]
        self.id, self.got, self.claims = gateway_id, [], 0
        self.wakeups = commands.Wakeups("127.0.0.1")
        commands.register(self.factory, gateway_id, self.wakeups)
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=commands.run, daemon=True,
            args=(self._sessions, gateway_id, lambda *c: self.got.append(c), self.wakeups,
                  interval, self.stopped))
        self.thread.start()
        # the first claim, then the stale queue calls' sweep: now it waits
        wait_until(lambda: self.claims >= 2, what="the first claim and sweep")

    def _sessions(self):
        self.claims += 1
        return self.factory()

    def stop(self) -> None:
        self.stopped.set()
        self.wakeups.close()
        self.thread.join(5)


@pytest.fixture
def gateways(app):
    made = []

    def make(gateway_id: str, **kw) -> Gateway:
        made.append(Gateway(app, gateway_id, **kw))
        return made[-1]

    yield make
    for g in made:
        g.stop()


def _hangup(client, mobile: str, call_id: int) -> dict:
    r = client.post(f"/api/v1/me/calls/{call_id}/hangup", headers=auth(client, mobile))
    assert r.status_code == 202
    return r.get_json()


def test_a_command_reaches_the_gateway_holding_the_call_without_waiting_for_its_poll(
        app, client, gateways):
    company = make_company(app)
    mobile = company.users["alice"]
    one, two = gateways("gw-one"), gateways("gw-two")
    call_id = live_call(app, mobile, gateway="gw-two")
    command = _hangup(client, mobile, call_id)
    assert wait_until(lambda: two.got, what="gw-two to claim") == [
        (command["id"], call_id, "hangup", None)]
    assert one.got == []


def test_a_lost_wake_up_only_delays_the_command_until_the_poll(app, client, db, gateways):
    company = make_company(app)
    mobile = company.users["alice"]
    gw = gateways("gw-deaf", interval=0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as nobody:
        nobody.bind(("127.0.0.1", 0))   # wake-ups go where no gateway listens
        wakeup.register(db, "gw-deaf", "127.0.0.1", nobody.getsockname()[1])
        command = _hangup(client, mobile, live_call(app, mobile, gateway="gw-deaf"))
        assert wait_until(lambda: gw.got, what="the poll")[0][0] == command["id"]


def test_a_forged_wake_up_claims_nothing_that_is_not_the_gateways_own(app, client, gateways):
    company = make_company(app)
    mobile = company.users["alice"]
    gw = gateways("gw-target")
    before = gw.claims
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"transfer call 1 to +4799999999", ("127.0.0.1", gw.wakeups.port))
    wait_until(lambda: gw.claims > before, what="the extra claim")
    assert gw.got == []
    other = _hangup(client, mobile, live_call(app, mobile, gateway="gw-elsewhere"))
    assert other["state"] == "pending" and gw.got == []


def test_a_gateway_without_a_registered_address_is_simply_not_woken(app, client, db):
    company = make_company(app)
    mobile = company.users["alice"]
    command = _hangup(client, mobile, live_call(app, mobile, gateway="gw-unknown"))
    assert command["state"] == "pending"
    assert wakeup.wake(db, "gw-unknown") is False


def test_a_starting_gateway_closes_the_queue_calls_a_killed_gateway_left_waiting(app, db, gateways):
    from datetime import timedelta

    from api.accounts.models import Tenant
    from api.core import clock
    from api.queues import calls, services, status

    company = make_company(app)
    queue = services.create_queue(db, db.get(Tenant, company.tenant_id),
                                  {"name": "Support", "max_wait_s": 60, "ring_when_empty": True})
    left = calls.enqueue(db, company.tenant_id, queue.id, caller_number="+4791234567")
    assert status.statuses(db, company.tenant_id, [queue])[queue.id]["calls_waiting"] == 1
    clock.freeze(clock.now() + timedelta(seconds=60 + calls.STALE_MARGIN_S + 1))
    try:
        gateways("gw-after")

        def closed():  # the sweep runs on the gateway's command thread
            db.expire_all()
            return db.get(type(left.call), left.call.id).status == "abandoned"
        wait_until(closed, what="the stale waiting call to be closed")
        assert status.statuses(db, company.tenant_id, [queue])[queue.id]["calls_waiting"] == 0
    finally:
        clock.freeze(None)


def test_a_stopping_gateways_command_thread_ends_without_sleeping_out_its_poll(app, gateways):
    gateway = gateways("gw-stopping")
    gateway.stop()
    assert not gateway.thread.is_alive(), "the command thread slept on after the stop"
