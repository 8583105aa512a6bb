"""Calls a gateway held when it died: a restarted gateway writes them to the call log as
failed, and the live calls of a gateway that stays silent are closed by the other gateways
and by the API, so nobody stays "in a call"."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from api.calls import interrupted, services, wakeup
from api.calls.models import CallCommand, GatewayEndpoint
from api.core.clock import now
from sip_gateway import commands
from tests.support.api import auth, make_company
from tests.support.sip import wait_until

CALLER = "+4791234567"


@pytest.fixture
def alice(app, client):
    company = make_company(app)
    mobile = company.users["alice"]
    return mobile, auth(client, mobile)


def _start(db, mobile: str, gateway_id: str, sip_id: str, *, answered: bool = False) -> int:
    from api.accounts.models import User

    user = db.scalar(select(User).where(User.mobile == mobile))
    call_id = services.call_started(db, user.tenant_id, user.id, gateway_id, sip_id,
                                    "incoming", CALLER)
    if answered:
        services.call_answered(db, call_id, 0, "softphone", "sip:soft@127.0.0.1")
    return call_id


def _log(client, headers) -> list[dict]:
    r = client.get("/api/v1/me/call-log", headers=headers)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _silence(db, gateway_id: str, seconds: float) -> None:
    db.execute(update(GatewayEndpoint).where(GatewayEndpoint.gateway_id == gateway_id)
               .values(seen_at=now() - timedelta(seconds=seconds)))
    db.commit()


def test_a_restarted_gateways_ringing_call_shows_failed_with_the_reason_in_the_call_log(
        db, client, alice):
    mobile, headers = alice
    _start(db, mobile, "gw-a", "ringing-1@trunk")

    assert services.gateway_restarted(db, "gw-a") == 1

    assert client.get("/api/v1/me/calls", headers=headers).get_json() == []
    [entry] = _log(client, headers)
    assert (entry["status"], entry["end_reason"]) == ("failed", "the gateway restarted")
    assert entry["other_number"] == CALLER and entry["call_id"] == "ringing-1@trunk"
    assert entry["ended_at"] is not None and entry["answered_at"] is None


def test_a_restarted_gateways_answered_call_stays_answered_and_says_it_was_cut(
        db, client, alice):
    mobile, headers = alice
    _start(db, mobile, "gw-a", "talking-1@trunk", answered=True)

    services.gateway_restarted(db, "gw-a")

    [entry] = _log(client, headers)
    assert (entry["status"], entry["end_reason"]) == ("answered", "the gateway restarted")
    assert entry["answered_at"] is not None


def test_a_call_the_gateway_logged_itself_before_dying_is_not_logged_twice(db, client, alice):
    from api.accounts.models import User
    from api.callerid.calllog import record_call

    mobile, headers = alice
    _start(db, mobile, "gw-a", "done-1@trunk")
    user = db.scalar(select(User).where(User.mobile == mobile))
    record_call(db, user.tenant_id, user.id, direction="incoming", status="missed",
                other_number=CALLER, call_id="done-1@trunk", look_up=False)

    services.gateway_restarted(db, "gw-a")

    assert [e["status"] for e in _log(client, headers)] == ["missed"]
    assert client.get("/api/v1/me/calls", headers=headers).get_json() == []


def test_a_restart_fails_the_commands_waiting_for_its_calls(db, client, alice):
    mobile, headers = alice
    call_id = _start(db, mobile, "gw-a", "cmd-1@trunk", answered=True)
    command = client.post(f"/api/v1/me/calls/{call_id}/hangup", headers=headers).get_json()

    services.gateway_restarted(db, "gw-a")

    got = client.get(f"/api/v1/me/calls/commands/{command['id']}", headers=headers).get_json()
    assert (got["state"], got["result"]) == ("failed", "the gateway restarted")


def test_a_silent_gateways_calls_are_closed_and_a_live_ones_are_kept(db, client, alice):
    mobile, headers = alice
    wakeup.register(db, "gw-dead", "127.0.0.1", 9)
    wakeup.register(db, "gw-alive", "127.0.0.1", 9)
    _start(db, mobile, "gw-dead", "dead-1@trunk", answered=True)
    _start(db, mobile, "gw-alive", "alive-1@trunk")
    _silence(db, "gw-dead", 200)
    _silence(db, "gw-alive", 5)

    assert interrupted.close_silent(db, 90) == 1

    calls = client.get("/api/v1/me/calls", headers=headers).get_json()
    assert [c["state"] for c in calls] == ["ringing"]          # gw-alive's call
    [entry] = _log(client, headers)
    assert (entry["call_id"], entry["end_reason"]) == ("dead-1@trunk",
                                                        "the gateway stopped answering")


def test_a_gateway_never_closes_its_own_calls_as_silent(db, alice):
    mobile, _ = alice
    wakeup.register(db, "gw-me", "127.0.0.1", 9)
    _start(db, mobile, "gw-me", "mine-1@trunk")
    _silence(db, "gw-me", 200)

    assert interrupted.close_silent(db, 90, but="gw-me") == 0


def test_calls_of_a_gateway_that_left_no_endpoint_are_closed_once_they_are_old(db, alice):
    mobile, _ = alice
    old = _start(db, mobile, "gw-gone", "gone-1@trunk")
    assert interrupted.close_silent(db, 90) == 0            # it may just have started
    db.execute(update(services.LiveCall).where(services.LiveCall.id == old)
               .values(started_at=now() - timedelta(seconds=300)))
    db.commit()

    assert interrupted.close_silent(db, 90) == 1


def test_another_gateways_command_thread_closes_a_silent_gateways_calls(app, db, client,
                                                                        alice):
    mobile, headers = alice
    wakeup.register(db, "gw-dead", "127.0.0.1", 9)
    _start(db, mobile, "gw-dead", "dead-2@trunk")
    _silence(db, "gw-dead", 200)
    factory = app.extensions["session_factory"]
    wakeups = commands.Wakeups("127.0.0.1")
    stopped = threading.Event()
    thread = threading.Thread(target=commands.run, daemon=True, args=(
        factory, "gw-other", lambda *c: None, wakeups, 0.05, stopped),
        kwargs={"sweep_s": 0.05, "heartbeat_s": 0.05, "silent_after": 90})
    thread.start()
    try:
        wait_until(lambda: client.get("/api/v1/me/calls", headers=headers).get_json() == [],
                   what="the silent gateway's call to be closed")
        assert [e["end_reason"] for e in _log(client, headers)] == [
            "the gateway stopped answering"]
        # the running gateway wrote its own heartbeat
        seen = wait_until(lambda: db.scalar(select(GatewayEndpoint.seen_at).where(
            GatewayEndpoint.gateway_id == "gw-other").execution_options(populate_existing=True)),
            what="gw-other's heartbeat")
        assert seen is not None
    finally:
        stopped.set()
        wakeups.close()
        thread.join(5)


class _OutageFirst:
    """A session factory whose first session cannot reach the database (this gateway's first
    heartbeat fails, as during an outage everyone saw), then the real one."""

    def __init__(self, factory) -> None:
        self.factory, self.failed = factory, False

    def __call__(self):
        from sqlalchemy.exc import OperationalError

        if not self.failed:
            self.failed = True
            raise OperationalError("SELECT 1", {}, Exception("database unreachable"))
        return self.factory()


def test_a_gateway_whose_own_heartbeat_failed_closes_no_other_gateways_calls_for_a_while(
        app, db, client, alice):
    mobile, headers = alice
    wakeup.register(db, "gw-quiet", "127.0.0.1", 9)
    _start(db, mobile, "gw-quiet", "quiet-1@trunk")
    _silence(db, "gw-quiet", 200)    # as silent as after an outage everyone had
    wakeups = commands.Wakeups("127.0.0.1")
    stopped = threading.Event()
    thread = threading.Thread(target=commands.run, daemon=True, args=(
        _OutageFirst(app.extensions["session_factory"]), "gw-back", lambda *c: None, wakeups,
        0.05, stopped), kwargs={"sweep_s": 0.05, "heartbeat_s": 0.05, "silent_after": 90})
    thread.start()
    try:
        beats = set()

        def beaten_twice():
            beats.add(db.scalar(select(GatewayEndpoint.seen_at).where(
                GatewayEndpoint.gateway_id == "gw-back")
                .execution_options(populate_existing=True)))
            return len(beats - {None}) >= 2
        wait_until(beaten_twice, what="gw-back's heartbeats after its failed one")
        # without the failed heartbeat the first sweep closes it at once (test above)
        assert len(client.get("/api/v1/me/calls", headers=headers).get_json()) == 1
    finally:
        stopped.set()
        wakeups.close()
        thread.join(5)


def test_the_api_closes_a_silent_gateways_calls_when_no_gateway_is_left(app, db, client,
                                                                        alice):
    from api import calls

    mobile, headers = alice
    wakeup.register(db, "gw-only", "127.0.0.1", 9)
    call_id = _start(db, mobile, "gw-only", "only-1@trunk", answered=True)
    client.post(f"/api/v1/me/calls/{call_id}/hangup", headers=headers)
    _silence(db, "gw-only", 200)
    calls._sweeper._next = 0.0           # its next round is due now

    assert client.get("/api/v1/me/calls", headers=headers).get_json() == []
    [entry] = _log(client, headers)
    assert (entry["status"], entry["end_reason"]) == ("answered",
                                                      "the gateway stopped answering")
    assert db.scalar(select(CallCommand.state)) == "failed"


@pytest.mark.once  # worded the same whatever the database
def test_a_swedish_reader_is_told_in_swedish_that_the_gateway_restarted(app, db, client):
    from api.accounts.models import User
    from api.callerid.calllog import record_call
    from api.callerid.models import CallLogEntry

    c = make_company(app, language="sv")
    alice = db.scalar(select(User).where(User.mobile == c.users["alice"]))
    record_call(db, c.tenant_id, alice.id, direction="incoming", status="failed",
                other_number="+4722334455", look_up=False, end_reason=interrupted.RESTARTED)
    assert db.scalar(select(CallLogEntry.end_reason)) == "gateway_restarted"
    entry = client.get("/api/v1/me/call-log", headers=auth(client, c.users["alice"])).get_json()[0]
    assert (entry["end_reason"], entry["end_reason_code"]) == \
        ("gatewayen startade om", "gateway_restarted")
