"""Registering a push token another company's user holds: the victim's device row stays
where it is, with its id, and the victim's company sees no change at all."""
from __future__ import annotations

from sqlalchemy import select

from api.pushdevices.models import PushDevice
from tests.support.api import auth, make_company
from tests.support.isolation_pushdevices import IOS_VOIP

URL = "/api/v1/me/push-devices"


def test_a_token_registered_in_another_company_does_not_move_the_victims_device(app, client,
                                                                                db):
    victim_co, attacker_co = make_company(app), make_company(app)
    victim, attacker = auth(client, victim_co.users["alice"]), auth(client,
                                                                    attacker_co.users["alice"])
    mine = client.post(URL, json=IOS_VOIP, headers=victim).get_json()
    before = client.get(URL, headers=victim).get_json()

    stolen = client.post(URL, json=IOS_VOIP, headers=attacker)
    assert stolen.status_code == 201
    assert stolen.get_json()["id"] != mine["id"]

    assert client.get(URL, headers=victim).get_json() == before  # same row, same id, same data
    row = db.get(PushDevice, mine["id"])
    assert row.tenant_id == victim_co.tenant_id
    assert sorted(db.scalars(select(PushDevice.tenant_id).where(
        PushDevice.token == IOS_VOIP["token"]))) == sorted([victim_co.tenant_id,
                                                            attacker_co.tenant_id])


def test_the_attacker_removing_his_registration_leaves_the_victims(app, client):
    victim_co, attacker_co = make_company(app), make_company(app)
    victim, attacker = auth(client, victim_co.users["alice"]), auth(client,
                                                                    attacker_co.users["alice"])
    client.post(URL, json=IOS_VOIP, headers=victim)
    theirs = client.post(URL, json=IOS_VOIP, headers=attacker).get_json()
    assert client.delete(f"{URL}/{theirs['id']}", headers=attacker).status_code == 204
    assert client.post("/api/v1/auth/logout", headers=attacker).status_code == 204
    assert len(client.get(URL, headers=victim).get_json()) == 1
