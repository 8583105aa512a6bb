"""Read-only requests read on a bare pooled connection (no ORM Session unless a read needs
one): one connection at a time, given back at the end of the request as it was handed out."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import bindparam, event, select

from api.accounts.models import Tenant
from api.core.db import Prepared, Reads
from tests.support.api import auth, make_company


@contextmanager
def _pool_watch(engine):
    """Connections this thread (the test client's requests) checked out of the pool: how many
    at most at once, and whether each came back as the pool hands them out (PostgreSQL: not in
    autocommit). Background threads of the app (push log, sweepers) are not counted."""
    seen = {"out": 0, "most": 0, "checkouts": 0, "returned_in_autocommit": 0}
    mine = threading.get_ident()

    def _out(_dbapi_conn, _record, _proxy):
        if threading.get_ident() != mine:
            return
        seen["out"] += 1
        seen["checkouts"] += 1
        seen["most"] = max(seen["most"], seen["out"])

    def _in(dbapi_conn, _record):
        if threading.get_ident() != mine:
            return
        seen["out"] -= 1
        if getattr(dbapi_conn, "autocommit", False) is True:
            seen["returned_in_autocommit"] += 1

    event.listen(engine, "checkout", _out)
    event.listen(engine, "checkin", _in)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", _out)
        event.remove(engine, "checkin", _in)


def test_a_read_only_request_gives_its_one_connection_back_as_it_was_handed_out(
        app, client, monkeypatch):
    from api import calls

    # the sweep of silent gateways' calls rides on a request every 30 s with a connection
    # of its own: not due in these two
    monkeypatch.setattr(calls._sweeper, "_next", float("inf"))
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    with _pool_watch(app.extensions["engine"]) as seen:
        me = client.get("/api/v1/me", headers=headers)
        looked_up = client.get("/api/v1/callerid/lookup?number=%2B4799999999", headers=headers)
    assert me.status_code == 200 and me.get_json()["voicemail_unread"] == 0
    assert looked_up.status_code == 200 and looked_up.get_json()["found"] is False
    assert seen["checkouts"] == 2 and seen["most"] == 1 and seen["out"] == 0
    assert seen["returned_in_autocommit"] == 0


def test_a_read_only_request_that_needs_the_orm_still_holds_one_connection_at_a_time(
        app, client):
    company = make_company(app)
    headers = auth(client, company.users["bob"])
    with _pool_watch(app.extensions["engine"]) as seen:
        # a user the worker has not routed yet: the profiles and devices load through the ORM
        preview = client.get("/api/v1/me/routing-preview", headers=headers)
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()["profile_key"] == "available"
    assert seen["most"] == 1 and seen["out"] == 0
    assert seen["returned_in_autocommit"] == 0


def test_a_revoked_session_is_refused_on_the_bare_connection_too(app, client):
    company = make_company(app)
    headers = auth(client, company.users["alice"])
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    refused = client.get("/api/v1/callerid/lookup?number=%2B4799999999", headers=headers)
    assert refused.status_code == 401
    assert "logged out" in refused.get_json()["detail"]


def test_a_locking_read_on_bare_reads_runs_in_the_requests_transaction(app, db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks (FOR UPDATE is not written)")
    company = make_company(app)
    session = app.extensions["session_factory"]()
    reads = Reads(app.extensions["engine"], {}, lambda: session)
    locking = Prepared(lambda: select(Tenant.name).where(Tenant.id == bindparam("tid"))
                       .with_for_update())
    try:
        assert locking.scalar(reads, tid=company.tenant_id)
        from psycopg.pq import TransactionStatus
        status = session.connection().connection.dbapi_connection.info.transaction_status
        assert status == TransactionStatus.INTRANS
    finally:
        reads.close()
        session.close()


def test_bare_reads_held_across_an_orm_read_move_to_the_requests_session(app, db):
    from api.core.request_db import close_session, db_reads, db_session

    company = make_company(app)
    name_of = Prepared(lambda: select(Tenant.name).where(Tenant.id == bindparam("tid")))
    with _pool_watch(app.extensions["engine"]) as seen, \
            app.test_request_context("/api/v1/me", method="GET"):
        reads = db_reads()
        before = name_of.scalar(reads, tid=company.tenant_id)
        assert db_session().get(Tenant, company.tenant_id).name == before  # the ORM, then
        assert name_of.scalar(reads, tid=company.tenant_id) == before  # the same reads
        close_session()
    assert seen["most"] == 1 and seen["out"] == 0
    assert seen["returned_in_autocommit"] == 0


def test_my_unread_voicemail_count_comes_with_the_login_check_and_counts_only_mine(
        app, client, db, monkeypatch):
    """One batch of reads for `GET /me` (one statement on PostgreSQL): the login check and
    the count, which counts the signed-in user's unheard messages, nobody else's."""
    from api.accounts.models import User
    from api.core import auth as auth_module
    from tests.support.voicemail import leave_message

    company, other = make_company(app), make_company(app)
    alice = db.scalar(select(User.id).where(User.mobile == company.users["alice"]))
    bob = db.scalar(select(User.id).where(User.mobile == company.users["bob"]))
    stranger = db.scalar(select(User.id).where(User.mobile == other.users["alice"]))
    for _ in range(2):
        leave_message(app, company.tenant_id, alice, 1.0)
    leave_message(app, company.tenant_id, bob, 1.0)
    leave_message(app, other.tenant_id, stranger, 1.0)
    headers = auth(client, company.users["alice"])
    batches = []
    real = auth_module.run_reads
    monkeypatch.setattr(auth_module, "run_reads",
                        lambda db, reads: batches.append(len(reads)) or real(db, reads))
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["voicemail_unread"] == 2
    assert batches == [2]
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and "voicemail_unread" not in refused.get_json()


def test_my_routing_preview_reads_go_with_the_login_check_when_the_caller_needs_no_country(
        app, client, monkeypatch):
    """The preview's three reads go with the login check (one batch, one statement on
    PostgreSQL) when the caller is written with + or 00; a national number waits for the
    company's country, which the check reads. The plan is the same either way, and a
    colleague's preview sends nothing along."""
    from api.availability import usecase
    from api.core import auth as auth_module

    company = make_company(app)
    batches = []
    for module in (auth_module, usecase):
        real = module.run_reads
        monkeypatch.setattr(module, "run_reads", lambda db, reads, real=real:
                            batches.append(len(reads)) or real(db, reads))
    headers = auth(client, company.users["alice"])
    bob = company.users["bob"]
    preview = "/api/v1/me/routing-preview"
    plans = []
    for caller, sent in ((bob, [4]), ("00" + bob[1:], [4]), (bob[3:], [3])):
        batches.clear()
        r = client.get(preview, headers=headers, query_string={"caller": caller})
        assert r.status_code == 200, r.get_json()
        assert batches == sent, caller
        plans.append(r.get_json())
    assert plans[0] == plans[1] == plans[2] and plans[0]["caller"] == bob
    admin = auth(client, company.admin_mobile)
    alice_id = client.get("/api/v1/me", headers=headers).get_json()["id"]
    batches.clear()
    theirs = client.get(f"/api/v1/users/{alice_id}/routing-preview", headers=admin,
                        query_string={"caller": bob})
    assert theirs.status_code == 200 and theirs.get_json() == plans[0]
    assert 4 not in batches and 3 in batches   # the colleague's reads after the check
