"""Two transactions claiming one number at the same instant: the database's unique
constraint on the registry decides, and the loser gets the same neutral 409 (PostgreSQL,
where both can be in flight at once; SQLite lets one writer in at a time)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from api.accounts.models import Tenant
from api.numbers.lookup import Owner, public_owner
from api.numbers.sync import NumberTaken
from api.queues import services as queues
from api.queues.models import Queue
from tests.support.api import make_company
from tests.support.pg import a_backend_waits_on_a_lock
from tests.support.sip import wait_until

NUMBER = "+4723960000"


def test_the_second_of_two_simultaneous_claims_is_refused_by_the_database(app, db):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("needs two writers in flight at once")
    factory = app.extensions["session_factory"]
    first, second = make_company(app), make_company(app)
    one = factory()
    queue = Queue(tenant_id=first.tenant_id, name="First", number=NUMBER)
    one.add(queue)
    one.flush()  # claimed, not yet committed
    outcome = {}

    def claim_too():
        with factory() as two:
            tenant = two.get(Tenant, second.tenant_id)
            try:
                queues.create_queue(two, tenant, {"name": "Second", "number": NUMBER})
                outcome["second"] = "created"
            except NumberTaken as exc:
                outcome["second"] = exc.detail

    worker = threading.Thread(target=claim_too)
    worker.start()

    # its insert waits on the first's unique key
    wait_until(lambda: a_backend_waits_on_a_lock(app.extensions["engine"]),
               what="the second claim to wait for the first")
    one.commit()
    one.close()
    worker.join(timeout=30)
    assert outcome == {"second": f"The number {NUMBER} is taken; choose another"}
    assert public_owner(db, NUMBER) == Owner(first.tenant_id, "queue", queue.id)
    assert db.scalar(select(Queue.id).where(Queue.name == "Second")) is None
