"""The routing preview and the gateway's plan leave out a softphone at its address of record
that has not registered at the SIP edge (Kamailio writes registrations to the service's
database), and say why; a registered one rings."""
from __future__ import annotations

import pytest

from tests.integration.test_edge_register import edge, register  # noqa: F401
from tests.support.api import auth, make_company
from tests.support.edge import edge_missing
from tests.support.sip import wait_until

pytestmark = pytest.mark.skipif(bool(edge_missing()), reason=edge_missing() or "")


def _softphones(app, client, db, n: int):
    """Alice's `n` softphones, each at its address of record: [(id, user name, password)]."""
    from api.availability.models import Device

    company = make_company(app)
    admin, alice = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    me = client.get("/api/v1/me", headers=alice).get_json()
    out = []
    for k in range(n):
        r = client.post(f"/api/v1/users/{me['id']}/devices", headers=admin,
                        json={"kind": "softphone", "sip_uri": f"sip:{k}@pbx.example.com"})
        assert r.status_code == 201, r.get_json()
        body = r.get_json()
        db.get(Device, body["id"]).sip_uri = body["sip_credentials"]["aor"]
        out.append((body["id"], body["sip_credentials"]["username"],
                    body["sip_credentials"]["password"]))
    db.commit()
    return alice, out


def test_a_softphone_that_has_not_registered_is_skipped_with_the_reason_the_preview_shows(
        app, client, db, tmp_path, edge):
    headers, ((first, user, password), (second, _, _)) = _softphones(app, client, db, 2)
    phone = register(tmp_path, edge, "phone", user, password)
    assert phone.wait() == 0

    plan = client.get("/api/v1/me/routing-preview", headers=headers).get_json()
    rung = [t["device_id"] for s in plan["steps"] if s["action"] == "ring"
            for t in s["targets"]]
    assert first in rung and second not in rung
    assert plan["skipped"] == [{"device_id": second, "kind": "softphone",
                                "reason": "not registered at the SIP edge"}]


def test_a_registration_that_expired_no_longer_counts(app, client, db, tmp_path, edge):
    headers, ((device, user, password),) = _softphones(app, client, db, 1)
    assert register(tmp_path, edge, "phone", user, password, expires=2).wait() == 0
    assert client.get("/api/v1/me/routing-preview", headers=headers).get_json()["skipped"] == []
    skipped = wait_until(lambda: client.get("/api/v1/me/routing-preview", headers=headers)
                         .get_json()["skipped"], timeout=10, what="the expiry to count")
    assert [s["device_id"] for s in skipped] == [device]
