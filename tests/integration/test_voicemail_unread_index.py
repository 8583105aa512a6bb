"""The unread count every `GET /api/v1/me` reads goes straight to the user's unheard
messages (a partial index), not through all of the company's: a big company's mailboxes
do not slow down everyone's app (SQLite, which has no statistics to choose by)."""
from __future__ import annotations

import pytest

from api.core.clock import now
from api.voicemail.models import VoicemailMessage
from api.voicemail.provides import _UNREAD, unread
from tests.support.api import make_company, user_id_of

pytestmark = pytest.mark.once  # SQLite's planner; PostgreSQL's chooses by its statistics


def test_the_unread_count_reads_only_the_users_unheard_messages(app, db):
    company = make_company(app)
    alice, bob = (user_id_of(db, company.users[who]) for who in ("alice", "bob"))
    for n in range(30):
        db.add(VoicemailMessage(tenant_id=company.tenant_id, user_id=bob if n % 3 else alice,
                                caller_number=f"+47900{n:05d}", reason="no_answer",
                                duration_ms=3000, size=48_000, file=f"m{n}.wav",
                                heard_at=None if n < 27 else now()))
    db.commit()
    sql, args = _UNREAD.statement(db.get_bind().dialect,
                                  {"tid": company.tenant_id, "uid": alice})
    plan = " ".join(str(row) for row in db.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {sql}", args))
    assert "ix_voicemail_messages_user_unheard" in plan
    assert unread(db, company.tenant_id, alice) == 9   # n = 0, 3, ... 24 (27 was heard)

