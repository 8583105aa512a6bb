"""Automatic callback against the database: a queue that says so calls its callback list
back through the gateway's call-through, placed for the next free member (their softphone
first, then the caller, showing the queue's number); busy or logged-out members are not
used, an attempt under way is not doubled, and a queue without the option is left alone."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.calls import wakeup
from api.core.clock import now
from api.calls.models import CallCommand
from api.queues import autocallback, callbacks, membership, services as queues
from tests.support.api import make_company
from tests.support.sip import wait_until


def _setup(app, db, **settings):
    from api.accounts.models import Tenant, User
    from api.availability.models import Device
    from api.availability.services import ensure_standard

    wakeup.register(db, "gw-auto", "127.0.0.1", 9)     # a running gateway (heartbeat now)
    company = make_company(app)
    tenant = db.get(Tenant, company.tenant_id)
    ids = {who: db.scalar(select(User.id).where(User.mobile == mobile))
           for who, mobile in company.users.items()}
    queue = queues.create_queue(db, tenant, {"name": "Support", "number": "+4723999061",
                                             "callback_shows_number": True, **settings})
    for who in ("alice", "bob"):
        queues.set_member(db, queue, ids[who], {"priority": 0})
        membership.set_login(db, tenant.id, ids[who], None, True, by_user_id=None)
        ensure_standard(db, tenant.id, ids[who])
        db.add(Device(tenant_id=tenant.id, user_id=ids[who], kind="softphone",
                      label="soft", enabled=True, sip_uri=f"sip:{who}@10.0.0.9"))
    db.commit()
    return tenant, queue, ids


def _commands(db) -> list[CallCommand]:
    db.expire_all()
    return list(db.scalars(select(CallCommand).where(CallCommand.kind == "call")
                           .order_by(CallCommand.id)))


def test_the_oldest_entry_is_called_back_through_a_free_members_softphone(app, db):
    tenant, queue, ids = _setup(app, db, auto_callback=True)
    first = callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    membership.set_login(db, tenant.id, ids["bob"], None, False, by_user_id=None)
    assert autocallback.run(db) == 1
    (cmd,) = _commands(db)
    assert cmd.user_id == ids["alice"]                      # the only one logged in
    assert cmd.args["device"]["address"] == "sip:alice@10.0.0.9"
    assert (cmd.args["number"], cmd.args["display_number"], cmd.args["callback_id"]) == \
        ("+4791112233", "+4723999061", first.id)
    db.refresh(first)
    assert first.attempts == 1 and first.in_progress_by_user_id == ids["alice"]
    # the attempt is under way: the next round does not ring anyone for it again
    assert autocallback.run(db) == 0 and len(_commands(db)) == 1


def test_two_waiting_entries_ring_two_different_members(app, db):
    tenant, queue, ids = _setup(app, db, auto_callback=True)
    callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    callbacks.add_callback(db, tenant, queue, "+4791112244", None)
    callbacks.add_callback(db, tenant, queue, "+4791112255", None)   # nobody left for it
    assert autocallback.run(db) == 2
    cmds = _commands(db)
    assert {c.user_id for c in cmds} == {ids["alice"], ids["bob"]}
    assert [c.args["number"] for c in cmds] == ["+4791112233", "+4791112244"]
    # both are calling back: the third caller waits for one of them to be free again
    assert autocallback.run(db) == 0 and len(_commands(db)) == 2


def test_a_member_calling_back_by_hand_is_not_given_another_caller(app, db):
    tenant, queue, ids = _setup(app, db, auto_callback=True)
    mine = callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    callbacks.start_callback(db, mine, ids["alice"])        # alice calls back from the app
    callbacks.add_callback(db, tenant, queue, "+4791112244", None)
    assert autocallback.run(db) == 1
    (cmd,) = _commands(db)
    assert (cmd.user_id, cmd.args["number"]) == (ids["bob"], "+4791112244")


def test_nobody_free_or_no_option_places_no_call(app, db):
    tenant, queue, ids = _setup(app, db, auto_callback=False)
    callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    assert autocallback.run(db) == 0                    # the queue calls back by hand
    queue.auto_callback = True
    for who in ("alice", "bob"):
        membership.set_login(db, tenant.id, ids[who], None, False, by_user_id=None)
    db.commit()
    assert autocallback.run(db) == 0 and _commands(db) == []


# -- the runner calls back as soon as there is something to do, not on its next round --------

@pytest.fixture
def runner(app):
    """The queue runner (`api.queues.runner.serve`) in a thread, with rounds an hour apart:
    whatever it does after its first round, it did because something woke it."""
    from types import SimpleNamespace

    from api.queues import notify
    from api.queues.runner import serve

    process = SimpleNamespace(engine=app.extensions["engine"],
                              sessions=app.extensions["session_factory"])
    stop, idle = threading.Event(), threading.Event()
    thread = threading.Thread(target=serve, args=(process, notify.in_app(app), 3600),
                              kwargs={"stop": stop, "idle": idle}, daemon=True)

    def start():
        thread.start()
        wait_until(idle.is_set, what="the runner's first round to be over")
    yield start
    stop.set()
    thread.join(10)


def test_a_new_callback_entry_is_called_back_at_once_not_on_the_next_round(
        app, db, runner):
    tenant, queue, ids = _setup(app, db, auto_callback=True)
    runner()
    entry = callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    # The runner's rounds are an hour apart: a callback seen at all was started by the entry.
    (cmd,) = wait_until(lambda: _commands(db), what="the automatic callback", timeout=30)
    assert cmd.args["callback_id"] == entry.id and cmd.user_id in (ids["alice"], ids["bob"])


def test_a_member_coming_out_of_wrap_up_is_given_the_waiting_callback_at_once(
        app, db, runner):
    from api.queues.models import QueueMember

    tenant, queue, ids = _setup(app, db, auto_callback=True)
    membership.set_login(db, tenant.id, ids["bob"], None, False, by_user_id=None)
    alice = db.scalar(select(QueueMember).where(QueueMember.queue_id == queue.id,
                                                QueueMember.user_id == ids["alice"]))
    free_at = now() + timedelta(seconds=1.5)
    alice.wrapup_until = free_at   # her last call's wrap-up
    db.commit()
    callbacks.add_callback(db, tenant, queue, "+4791112233", None)
    runner()   # its first round finds nobody free
    assert _commands(db) == []
    (cmd,) = wait_until(lambda: _commands(db), what="the callback once alice is free",
                        timeout=30)
    assert cmd.user_id == ids["alice"] and now() >= free_at
