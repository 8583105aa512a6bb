"""The demo companies can take a first live call: phones at local addresses, a main number
that rings the receptionist, a Support queue with logged-in members."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from api.availability.models import Device
from api.demo import seed_demo


def _login(client, mobile):
    r = client.post("/api/v1/auth/login", json={"username": mobile, "password": "demo"})
    assert r.status_code == 200, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['access_token']}"}


def test_a_call_to_a_demo_users_office_number_rings_their_local_softphone(app, client, db):
    seed_demo(db, "demo")
    lars = _login(client, "+4790000003")
    plan = client.get("/api/v1/me/routing-preview?caller=%2B4791111111", headers=lars).get_json()
    ring = next(s for s in plan["steps"] if s["action"] == "ring")
    assert sorted((t["kind"], t["address"]) for t in ring["targets"]) == \
        [("mobile", "+4790000003"), ("softphone", "sip:203@127.0.0.1:5062")]


def test_the_demo_has_a_main_number_for_reception_and_a_staffed_support_queue(app, client, db):
    seed_demo(db, "demo")
    admin = _login(client, "+4790000001")
    [main] = client.get("/api/v1/main-numbers", headers=admin).get_json()
    ida = next(u for u in client.get("/api/v1/users?q=Ida", headers=admin).get_json())
    assert (main["number"], main["user_id"]) == ("+4721000000", ida["id"])
    ida_devices = client.get(f"/api/v1/users/{ida['id']}/devices", headers=admin).get_json()
    assert sorted(d["kind"] for d in ida_devices) == ["deskphone", "mobile", "softphone"]
    ola = _login(client, "+4790000005")  # support lead
    [support] = client.get("/api/v1/me/queues", headers=ola).get_json()
    assert support["name"] == "Support" and support["number"] == "+4721000099"
    assert (support["members"], support["logged_in"]) == (4, 4)


def test_seeding_twice_adds_nothing_and_an_older_demo_gets_its_phones(app, db):
    assert seed_demo(db, "demo")[:2] == ["Fjordtelefon AS", "Fjordtelefon AS: phones, "
                                         "main number, queue"]
    devices = db.scalar(select(func.count()).select_from(Device))
    assert devices == 24 + 24 + 5  # a mobile and a softphone each; reception and support desks
    assert seed_demo(db, "demo") == []
    assert db.scalar(select(func.count()).select_from(Device)) == devices
    db.execute(delete(Device).where(Device.kind != "mobile"))  # a demo database seeded before phones were part of it
    db.commit()
    assert seed_demo(db, "demo") == ["Fjordtelefon AS: phones", "Nordlys Regnskap AS: phones"]
    assert db.scalar(select(func.count()).select_from(Device)) == devices
