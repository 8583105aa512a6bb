"""Helpers for tests that talk to the API: companies, users, logins."""
from __future__ import annotations

import contextlib
import itertools
import secrets
from dataclasses import dataclass, field

from api.accounts import admin, permissions

PASSWORD = "secret-pass"
_seq = itertools.count(1)


@dataclass
class Company:
    tenant_id: int
    admin_mobile: str
    users: dict[str, str] = field(default_factory=dict)  # name -> mobile


def make_company(app, *, name: str | None = None, policy: str = "standard",
                 extra_users: tuple[str, ...] = ("alice", "bob"), team_leader: str | None = None,
                 country: str = "NO", language: str = "en") -> Company:
    """A tenant with an administrator and a few users, all with PASSWORD. Its language is
    English unless asked (the users choose none of their own)."""
    n = next(_seq)
    factory = app.extensions["session_factory"]
    with factory() as db:
        tenant = admin.create_tenant(db, name=name or f"Company {n}", country=country,
                                     language=language, password_policy="standard")
        base = 92000000 + n * 100
        adm_role = admin.builtin_role(db, tenant.id, permissions.ADMINISTRATOR)
        adm = admin.create_user(db, tenant, {"mobile": f"+47{base}", "first_name": "Admin",
                                             "last_name": f"N{n}", "role_id": adm_role.id},
                                password=PASSWORD)
        company = Company(tenant.id, adm.mobile)
        for i, who in enumerate(extra_users, start=1):
            role_key = permissions.TEAM_LEADER if who == team_leader else permissions.USER
            role = admin.builtin_role(db, tenant.id, role_key)
            u = admin.create_user(db, tenant, {
                "mobile": f"+47{base + i}", "first_name": who.capitalize(), "last_name": f"N{n}",
                "office_number": f"+47{22000000 + n * 100 + i}", "short_number": f"{n}{i:02d}",
                "title": "Engineer", "department": "R&D", "role_id": role.id},
                password=PASSWORD)
            company.users[who] = u.mobile
        tenant.password_policy = policy
        db.commit()
    return company


def login(client, mobile: str, password: str = PASSWORD) -> dict:
    r = client.post("/api/v1/auth/login", json={"username": mobile, "password": password})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def auth(client, mobile: str, password: str = PASSWORD) -> dict:
    """Authorization header for a fresh login."""
    return {"Authorization": "Bearer " + login(client, mobile, password)["access_token"]}


@contextlib.contextmanager
def own_web_api(url: str, voicemail_dir):
    """A web app of its own on the migrated database at `url`, stopped and its pool closed
    after: for tests that change the database under it (locks, restarts)."""
    from api.config import Settings
    from bootstrap import stop_web_api, web_api

    app = web_api(Settings.from_env({
        "DATABASE_URL": url, "APP_ENV": "test", "SECRET_KEY": secrets.token_urlsafe(48),
        "PUBLIC_BASE_URL": "http://testserver", "VOICEMAIL_DIR": str(voicemail_dir)}))
    try:
        yield app
    finally:
        stop_web_api(app)
        app.extensions["engine"].dispose()


def user_id_of(db, mobile: str) -> int | None:
    """The id of the user with this mobile number (numbers are unique across companies)."""
    from sqlalchemy import select

    from api.accounts.models import User

    return db.scalar(select(User.id).where(User.mobile == mobile))
