"""The gateway's recorder: writes that queue up land together, in order; a failing write is
lost alone (the rest of its batch still lands), and a write's `then` sees it committed (a
batch's `then`s run after its one commit, in order)."""
from __future__ import annotations

import threading

from sqlalchemy import func, insert, select

from api.calls import services
from api.calls.models import LiveCall
from sip_gateway.recorder import Recorder
from tests.support.api import make_company
from tests.support.sip import wait_until


def _started(tenant_id: int, user_id: int, sip_id: str, gw: str = "gw-rec"):
    return lambda db: services.call_started(db, tenant_id, user_id, gw, sip_id,
                                            "incoming", "+4791234567")


def _calls(factory, gw: str = "gw-rec") -> dict[str, str]:
    with factory() as db:
        return {r.sip_call_id: r.state for r in db.scalars(
            select(LiveCall).where(LiveCall.gateway_id == gw))}


def _held(recorder: Recorder) -> threading.Event:
    """Keep the recorder thread busy until the returned event is set, so that what is
    submitted meanwhile is written as one batch."""
    taken, release = threading.Event(), threading.Event()

    def hold(_db):
        taken.set()
        release.wait(10)

    recorder.submit(hold)
    wait_until(taken.is_set, what="the recorder to take the holding write")
    return release


def test_a_failing_write_is_lost_alone_and_the_rest_of_its_batch_lands(app):
    company = make_company(app)
    alice, bob = company.users["alice"], company.users["bob"]
    tid = company.tenant_id
    factory = app.extensions["session_factory"]
    uid = {m: services_user_id(factory, m) for m in (alice, bob)}
    recorder = Recorder(factory).start()
    try:
        release = _held(recorder)

        def fails(db):  # writes, then fails before committing: what it wrote must not land
            db.connection().execute(insert(LiveCall.__table__).values(
                tenant_id=tid, user_id=uid[bob], gateway_id="gw-rec", sip_call_id="fails",
                direction="incoming", state="ringing"))
            raise RuntimeError("a broken write")

        got = []
        recorder.submit(_started(tid, uid[alice], "first"))
        recorder.submit(fails)
        recorder.submit(lambda db: services.call_answered(
            db, _id(db, "first"), 1, "softphone", "sip:pc@127.0.0.1"))
        recorder.submit(_started(tid, uid[bob], "last"), then=got.append)
        release.set()
        wait_until(lambda: got, what="the last write's then")
        calls = _calls(factory)
        assert calls == {"first": "answered", "last": "ringing"}
        with factory() as db:
            assert got == [_id(db, "last")]
    finally:
        recorder.stop()


def test_writes_queued_together_are_committed_in_order_and_then_sees_them(app):
    company = make_company(app)
    tid = company.tenant_id
    factory = app.extensions["session_factory"]
    alice = services_user_id(factory, company.users["alice"])
    recorder = Recorder(factory).start()
    try:
        release = _held(recorder)
        seen = []
        recorder.submit(_started(tid, alice, "one", "gw-order"))
        recorder.submit(lambda db: services.call_ended(db, _id(db, "one", "gw-order")))
        recorder.submit(_started(tid, alice, "two", "gw-order"),
                        then=lambda _id: seen.append(_calls(factory, "gw-order")))
        release.set()
        wait_until(lambda: seen, what="the then")
        assert seen == [{"two": "ringing"}]
    finally:
        recorder.stop()


def test_writes_with_thens_go_in_one_batch_and_each_then_runs_after_its_commit_in_order(app):
    company = make_company(app)
    tid = company.tenant_id
    factory = app.extensions["session_factory"]
    alice = services_user_id(factory, company.users["alice"])
    recorder = Recorder(factory).start()
    try:
        release = _held(recorder)
        seen = []
        for sip_id in ("a", "b", "c"):
            recorder.submit(_started(tid, alice, sip_id, "gw-thens"),
                            then=lambda _id, s=sip_id: seen.append(
                                (s, _calls(factory, "gw-thens"))))
        release.set()
        wait_until(lambda: len(seen) == 3, what="the three thens")
        everything = {"a": "ringing", "b": "ringing", "c": "ringing"}
        assert seen == [("a", everything), ("b", everything), ("c", everything)]
    finally:
        recorder.stop()


def services_user_id(factory, mobile: str) -> int:
    from api.accounts.models import User

    with factory() as db:
        return db.scalar(select(User.id).where(User.mobile == mobile))


def _id(db, sip_id: str, gw: str = "gw-rec") -> int:
    return db.scalar(select(LiveCall.id).where(LiveCall.gateway_id == gw,
                                               LiveCall.sip_call_id == sip_id))


def test_a_batch_publishes_each_queue_it_changed_once_with_its_final_state(app):
    """Two members of a queue start calls in one batch: the queue's live view is written once,
    at the batch's end, with both busy (not once per write, the first one stale already)."""
    from api.accounts.models import Tenant
    from api.events.models import OutboxEvent
    from api.queues import membership, services as queues

    company = make_company(app)
    tid = company.tenant_id
    factory = app.extensions["session_factory"]
    alice, bob = (services_user_id(factory, company.users[w]) for w in ("alice", "bob"))
    with factory() as db:
        queue = queues.create_queue(db, db.get(Tenant, tid), {"name": "Support"})
        for uid in (alice, bob):
            queues.set_member(db, queue, uid, {"priority": 0})
            membership.set_login(db, tid, uid, None, True, by_user_id=None)
        queue_id = queue.id
        before = db.scalar(select(func.max(OutboxEvent.id)))
    recorder = Recorder(factory).start()
    try:
        release = _held(recorder)
        done = []
        recorder.submit(_started(tid, alice, "to-alice", "gw-queue"))
        recorder.submit(_started(tid, bob, "to-bob", "gw-queue"), then=done.append)
        release.set()
        wait_until(lambda: done, what="the batch")
    finally:
        recorder.stop()
    with factory() as db:
        views = db.scalars(select(OutboxEvent.data).where(
            OutboxEvent.id > before, OutboxEvent.kind == "queue",
            OutboxEvent.queue_id == queue_id)).all()
        assert _calls(factory, "gw-queue") == {"to-alice": "ringing", "to-bob": "ringing"}
    assert [(view["queue"]["available"], view["queue"]["in_call"]) for view in views] == [(0, 2)]
