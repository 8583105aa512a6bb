"""Phones register at the SIP edge (Kamailio) with the credentials the API issued."""
from __future__ import annotations

import pytest

from tests.support.api import auth, make_company
from tests.support.edge import Edge, edge_missing
from tests.support.sip import Sipp, header, wait_until

pytestmark = pytest.mark.skipif(bool(edge_missing()), reason=edge_missing() or "")


@pytest.fixture
def edge(database_url, db):
    server = Edge(database_url)
    yield server
    server.stop()


@pytest.fixture
def softphone(app, client):
    """Alice's softphone as the API created it: (sip user name, password)."""
    company = make_company(app)
    admin, alice = auth(client, company.admin_mobile), auth(client, company.users["alice"])
    me = client.get("/api/v1/me", headers=alice).get_json()
    r = client.post(f"/api/v1/users/{me['id']}/devices", headers=admin,
                    json={"kind": "softphone", "sip_uri": "sip:2101@pbx.example.com"})
    creds = r.get_json()["sip_credentials"]
    return creds["username"], creds["password"]


def register(tmp_path, edge: Edge, name: str, user: str, password: str, expires: int = 300):
    phone = Sipp(tmp_path, name, "phone_register.xml", edge.address, "-set", "user", user,
                 "-set", "realm", edge.realm, "-set", "expires", str(expires),
                 "-au", user, "-ap", password)
    phone.wait()
    return phone


def final(phone: Sipp) -> str:
    return [t for d, _, t in phone.messages() if d == "received"][-1]


def test_a_phone_with_the_right_password_is_registered_at_its_address_of_record(
        tmp_path, edge, softphone):
    user, password = softphone
    phone = register(tmp_path, edge, "phone", user, password)
    assert final(phone).startswith("SIP/2.0 200")
    assert edge.contacts(user) == [f"sip:{user}@127.0.0.1:{phone.port}"]


def test_a_wrong_password_is_challenged_again_and_nothing_is_registered(
        tmp_path, edge, softphone):
    user, _ = softphone
    phone = register(tmp_path, edge, "phone", user, "not-the-password")
    assert final(phone).startswith("SIP/2.0 401")
    assert edge.contacts(user) == []


def test_a_phone_cannot_register_under_another_devices_address_of_record(
        tmp_path, edge, softphone):
    user, password = softphone
    phone = Sipp(tmp_path, "phone", "phone_register.xml", edge.address, "-set", "user", "dev999999",
                 "-set", "realm", edge.realm, "-set", "expires", "300", "-au", user, "-ap", password)
    phone.wait()
    assert not final(phone).startswith("SIP/2.0 200")
    assert edge.contacts("dev999999") == []


def test_repeated_wrong_passwords_from_one_address_are_refused_with_403(
        tmp_path, edge, softphone):
    user, password = softphone
    answers = [final(register(tmp_path, edge, f"guess{i}", user, f"guess-{i}"))
               for i in range(11)]
    assert answers[0].startswith("SIP/2.0 401")
    assert answers[-1].startswith("SIP/2.0 403")
    # even the right password is refused from that address while the block lasts
    assert final(register(tmp_path, edge, "late", user, password)).startswith("SIP/2.0 403")


def test_a_registration_ends_when_it_expires(tmp_path, edge, softphone):
    user, password = softphone
    phone = register(tmp_path, edge, "phone", user, password, expires=2)
    assert header(final(phone), "Contact").endswith("expires=2")
    assert edge.contacts(user)
    wait_until(lambda: edge.contacts(user) == [], timeout=10, what="the registration to expire")


def test_several_phones_share_one_address_of_record(tmp_path, edge, softphone):
    user, password = softphone
    desk = register(tmp_path, edge, "desk", user, password)
    laptop = register(tmp_path, edge, "laptop", user, password)
    both = {f"sip:{user}@127.0.0.1:{desk.port}", f"sip:{user}@127.0.0.1:{laptop.port}"}
    assert set(edge.contacts(user)) == both
    # the registrar's answer lists every binding of the address of record
    answered = {c.split(";")[0].strip(" <>") for c in header(final(laptop), "Contact").split(",")}
    assert answered == both
