"""Ids of another company's users and queues are refused exactly like ids nobody has."""
from __future__ import annotations

import pytest

from tests.support.api import auth, make_company


def _company_with_queue(app, client):
    c = make_company(app)
    admin = auth(client, c.admin_mobile)
    queue = client.post("/api/v1/queues", json={"name": "Support"}, headers=admin).get_json()
    users = {u["mobile"]: u["id"] for u in client.get("/api/v1/users", headers=admin).get_json()}
    return c, admin, queue, users


@pytest.mark.parametrize("kind", ["user", "queue"])
def test_a_queue_cannot_overflow_to_another_companys_user_or_queue(app, client, kind):
    c, admin, queue, users = _company_with_queue(app, client)
    other, other_admin, other_queue, other_users = _company_with_queue(app, client)
    foreign = other_queue["id"] if kind == "queue" else other_users[other.users["alice"]]
    url = f"/api/v1/queues/{queue['id']}"
    refused = client.patch(url, json={"overflow_kind": kind, "overflow_target": str(foreign)},
                           headers=admin)
    missing = client.patch(url, json={"overflow_kind": kind, "overflow_target": "999999"},
                           headers=admin)
    assert refused.status_code == missing.status_code == 422
    assert refused.get_json()["detail"].replace(str(foreign), "N") == \
        missing.get_json()["detail"].replace("999999", "N")
    mine = users[c.users["alice"]] if kind == "user" else \
        client.post("/api/v1/queues", json={"name": "Sales"}, headers=admin).get_json()["id"]
    ok = client.patch(url, json={"overflow_kind": kind, "overflow_target": str(mine)},
                      headers=admin)
    assert ok.status_code == 200 and ok.get_json()["overflow_target"] == str(mine)


def test_a_new_queue_cannot_overflow_to_another_companys_user(app, client):
    c, admin, queue, users = _company_with_queue(app, client)
    other, _, _, other_users = _company_with_queue(app, client)
    r = client.post("/api/v1/queues", json={"name": "Night", "overflow_kind": "user",
                                            "overflow_target": str(other_users[other.admin_mobile])},
                    headers=admin)
    assert r.status_code == 422
