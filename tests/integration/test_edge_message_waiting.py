"""Message waiting (RFC 3842) through the SIP edge: a desk phone registered with the
credentials the API issued gets a NOTIFY (Event: message-summary) when a message arrives
for its user and again when the user hears it in the app."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from api.accounts.models import User
from api.availability.models import Device
from api.voicemail import mwi
from tests.integration.test_edge_register import (  # noqa: F401 (fixtures)
    edge, register, softphone)
from tests.support.api import auth
from tests.support.edge import edge_missing
from tests.support.sip import Sipp, header, sip_tools_missing, wait_until
from tests.support.voicemail import leave_message

missing = sip_tools_missing() or edge_missing()
pytestmark = [pytest.mark.skipif(bool(missing), reason=missing or ""), pytest.mark.once]


@pytest.fixture(autouse=True)
def empty_store(app):
    yield
    shutil.rmtree(app.config["SETTINGS"].voicemail_dir, ignore_errors=True)


def _notifies(phone: Sipp) -> list[str]:
    return [t for d, _, t in phone.messages() if d == "received" and t.startswith("NOTIFY")]


def test_a_registered_phone_lamp_lights_when_a_message_arrives_and_goes_out_when_heard(
        app, db, client, tmp_path, edge, softphone, monkeypatch):  # noqa: F811
    user, password = softphone
    settings = app.config["SETTINGS"]
    monkeypatch.setattr(settings, "sip_edge_ctl", f"unix:{edge.run_dir / 'kamailio.ctl'}")
    monkeypatch.setattr(settings, "sip_realm", edge.realm)
    monkeypatch.delitem(app.extensions, "mwi", raising=False)
    # the phone registers, then listens on the address it registered for the NOTIFYs
    desk = register(tmp_path, edge, "desk", user, password)
    assert edge.contacts(user) == [f"sip:{user}@127.0.0.1:{desk.port}"]
    phone = Sipp(tmp_path, "lamp", "phone_mwi.xml", port=desk.port, calls=2)
    try:
        device = db.scalar(select(Device).where(Device.sip_username == user))
        left = leave_message(app, device.tenant_id, device.user_id, 2.0)
        lamps = mwi.Lamps(settings.sip_edge_ctl, edge.realm)
        assert lamps.light(left.lamp) == 1  # as the gateway does once the message is kept
        first = wait_until(lambda: _notifies(phone), what="the first NOTIFY")[0]
        assert header(first, "Event") == "message-summary"
        assert "Messages-Waiting: yes" in first and "Voice-Message: 1/0" in first
        assert f"Message-Account: sip:{user}@{edge.realm}" in first

        heads = auth(client, db.get(User, device.user_id).mobile)
        assert client.patch(f"/api/v1/me/voicemail/{left.message_id}", headers=heads,
                            json={"heard": True}).status_code == 200
        second = wait_until(lambda: _notifies(phone)[1:], what="the second NOTIFY")[0]
        assert "Messages-Waiting: no" in second and "Voice-Message: 0/1" in second
        assert phone.wait(20) == 0  # both answered 200, each once (no retransmission)
        assert len(_notifies(phone)) == 2
    finally:
        phone.stop()


def _received(phone: Sipp) -> list[str]:
    return [t for d, _, t in phone.messages() if d == "received"]


def test_a_phone_that_subscribes_gets_the_counts_at_once_and_each_change_in_its_dialog(
        app, db, tmp_path, edge, softphone):  # noqa: F811
    user, password = softphone
    device = db.scalar(select(Device).where(Device.sip_username == user))
    first_left = leave_message(app, device.tenant_id, device.user_id, 2.0)
    # a phone subscribes (RFC 3842) instead of waiting for unsolicited NOTIFYs
    phone = Sipp(tmp_path, "subscriber", "phone_subscribe_mwi.xml", edge.address,
                 "-set", "user", user, "-set", "realm", edge.realm, "-au", user,
                 "-ap", password)
    try:
        first = wait_until(lambda: _notifies(phone), what="the NOTIFY after SUBSCRIBE")[0]
        accepted = next(t for t in _received(phone) if t.startswith("SIP/2.0 200"))
        assert header(accepted, "Expires") == "600"
        assert header(first, "Event") == "message-summary"
        assert header(first, "Subscription-State").startswith("active;expires=")
        assert header(first, "Call-ID") == header(accepted, "Call-ID")
        edge_tag = header(accepted, "To").split(";tag=")[1]  # the dialog the 200 made
        assert header(first, "From").endswith(f";tag={edge_tag}")
        assert header(first, "Contact")
        assert "Messages-Waiting: yes" in first and "Voice-Message: 1/0" in first
        assert f"Message-Account: sip:{user}@{edge.realm}" in first

        # a second message: the lamps tell the subscription, in its dialog
        second_left = leave_message(app, device.tenant_id, device.user_id, 2.0)
        lamps = mwi.Lamps(f"unix:{edge.run_dir / 'kamailio.ctl'}", edge.realm)
        assert lamps.light(second_left.lamp) == 1
        second = wait_until(lambda: _notifies(phone)[1:], what="the second NOTIFY")[0]
        assert header(second, "Call-ID") == header(first, "Call-ID")
        assert header(second, "From").endswith(f";tag={edge_tag}")
        assert header(second, "To") == header(first, "To")
        assert int(header(second, "CSeq").split()[0]) > int(header(first, "CSeq").split()[0])
        assert "Messages-Waiting: yes" in second and "Voice-Message: 2/0" in second
        assert phone.wait(20) == 0
        assert first_left.message_id != second_left.message_id
    finally:
        phone.stop()


def test_a_summary_pushed_to_the_edge_without_its_key_is_refused(edge):  # noqa: F811
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.settimeout(10)
        me = s.getsockname()[1]
        body = "Messages-Waiting: yes\r\nVoice-Message: 9/0\r\n"
        s.sendto((f"NOTIFY sip:mwi@{edge.address} SIP/2.0\r\n"
                  f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK-forged\r\n"
                  f"From: <sip:x@{edge.realm}>;tag=1\r\nTo: <sip:dev1@{edge.realm}>\r\n"
                  f"Call-ID: forged@127.0.0.1\r\nCSeq: 1 NOTIFY\r\nMax-Forwards: 70\r\n"
                  "X-PBX-MWI-Key: guessed\r\nEvent: message-summary\r\n"
                  "Content-Type: application/simple-message-summary\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n{body}").encode(),
                 ("127.0.0.1", edge.port))
        answer = s.recv(65535).decode()
    assert answer.startswith("SIP/2.0 403"), answer


def test_a_phone_that_ends_its_subscription_is_told_it_ended_and_no_longer_notified(
        app, db, tmp_path, edge, softphone):  # noqa: F811
    user, password = softphone
    device = db.scalar(select(Device).where(Device.sip_username == user))
    phone = Sipp(tmp_path, "unsubscriber", "phone_unsubscribe_mwi.xml", edge.address,
                 "-set", "user", user, "-set", "realm", edge.realm, "-au", user,
                 "-ap", password)
    try:
        assert phone.wait(30) == 0
    finally:
        phone.stop()
    first, last = _notifies(phone)
    assert "Messages-Waiting: no" in first and "Voice-Message: 0/0" in first
    assert header(first, "Subscription-State").startswith("active")
    assert header(last, "Subscription-State") == "terminated;reason=timeout"
    assert header(last, "Call-ID") == header(first, "Call-ID")
    # the edge forgot the dialog: a new message notifies nobody (the phone is not registered)
    left = leave_message(app, device.tenant_id, device.user_id, 2.0)
    lamps = mwi.Lamps(f"unix:{edge.run_dir / 'kamailio.ctl'}", edge.realm)
    assert lamps.subscription(user, 0) is None
    assert lamps.light(left.lamp) == 0
