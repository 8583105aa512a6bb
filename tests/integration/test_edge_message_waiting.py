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
