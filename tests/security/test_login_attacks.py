"""Login under attack: a guess costs the same for a number nobody has, a guesser is slowed
without locking the owner out, and every failure and refusal is on record."""
from __future__ import annotations

import statistics
import time

from argon2 import PasswordHasher
from sqlalchemy import select

from api.accounts import passwords
from api.accounts.models import AuditEvent, User
from tests.support.api import PASSWORD, auth, make_company

ATTACKER, OWNER = "203.0.113.7", "198.51.100.20"
LOGIN = "/api/v1/auth/login"


def _try(client, number, password, ip=ATTACKER):
    return client.post(LOGIN, json={"username": number, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def _time_ms(client, number, ip) -> float:
    start = time.perf_counter()
    assert _try(client, number, "wrong-guess", ip).status_code == 401
    return (time.perf_counter() - start) * 1000


def test_a_wrong_password_and_an_unknown_number_take_the_same_time(app, client, db,
                                                                  monkeypatch):
    """With the production argon2 parameters (the test suite's cheap ones would hide it).

    Known and unknown tries alternate, each from its own address (no limit is reached), so
    that whatever else the machine does weighs on both alike.
    """
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher())
    monkeypatch.setattr(passwords, "_DUMMY", None)
    c = make_company(app)
    user = db.scalar(select(User).where(User.mobile == c.users["alice"]))
    user.password_hash = passwords.hash_password(PASSWORD)
    db.commit()
    known, unknown = [], []
    for i in range(25):
        known.append(_time_ms(client, c.users["alice"], f"192.0.2.{i + 1}"))
        unknown.append(_time_ms(client, "+4799999902", f"198.18.0.{i + 1}"))
    known_ms, unknown_ms = statistics.median(known[2:]), statistics.median(unknown[2:])
    assert abs(known_ms - unknown_ms) / max(known_ms, unknown_ms) < 0.20, (known_ms, unknown_ms)


def test_the_owner_logs_in_from_her_own_address_while_a_guesser_is_refused(app, client, db):
    c = make_company(app)
    number = c.users["alice"]
    phone = auth(client, number)  # her phone's session, logged in before the attack
    limit = app.config["SETTINGS"].login_user_limit
    codes = [_try(client, number, f"guess-{i}").status_code for i in range(limit + 3)]
    assert codes[:limit] == [401] * limit and set(codes[limit:]) == {429}
    assert _try(client, number, PASSWORD).status_code == 429  # even the right one, from there
    assert _try(client, number, PASSWORD, OWNER).status_code == 200
    assert client.get("/api/v1/me", headers=phone).status_code == 200  # untouched


def test_a_guesser_spread_over_many_addresses_gets_one_try_from_each_once_noticed(app, client):
    c = make_company(app)
    number = c.users["bob"]
    settings = app.config["SETTINGS"]
    per_address, total = settings.login_user_limit, settings.login_user_total_limit
    addresses = [f"10.9.{i // 250}.{i % 250 + 1}" for i in range(total // per_address + 3)]
    tries = 0
    for ip in addresses:
        while tries < total and _try(client, number, f"g{tries}", ip).status_code == 401:
            tries += 1
            if tries % per_address == 0:
                break
    assert tries == total
    fresh = addresses[-1]
    assert _try(client, number, "one-more", fresh).status_code == 401  # a new address: one try
    assert _try(client, number, "and-again", fresh).status_code == 429
    assert _try(client, number, PASSWORD, addresses[0]).status_code == 429
    assert _try(client, number, PASSWORD, OWNER).status_code == 200  # the owner still gets in


def test_failures_and_refusals_are_in_the_company_audit_log_and_the_logs(app, client, db, caplog):
    c = make_company(app)
    number = c.users["alice"]
    limit = app.config["SETTINGS"].login_user_limit
    for i in range(limit + 1):
        _try(client, number, f"guess-{i}")
    kinds = [e.kind for e in db.scalars(select(AuditEvent).where(
        AuditEvent.tenant_id == c.tenant_id).order_by(AuditEvent.id))]
    assert kinds == ["login_failed"] * limit + ["login_throttled"]
    events = [r for r in caplog.records if getattr(r, "event", "").startswith("login_")]
    assert [r.event for r in events][-1] == "login_throttled"
    assert events[-1].ip == ATTACKER and events[-1].login == number
