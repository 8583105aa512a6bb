"""The gateway while its database is briefly unreachable: a PostgreSQL server of its own is
stopped between calls (connections refused), then started again."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

import bootstrap
from api.migrate import upgrade
from tests.integration.test_sip_gateway import (  # noqa: F401 (fixtures shared, not copied)
    CALLER, call, final_status, peers, sink)
from tests.support.api import make_company
from tests.support.sip import Gateway, free_port, header, sip_tools_missing, wait_until

pytestmark = [pytest.mark.skipif(sip_tools_missing() is not None,
                                 reason=sip_tools_missing() or ""),
              pytest.mark.once]  # its own PostgreSQL whatever the suite runs on


@pytest.fixture(scope="module")
def server():
    from tests.support.pg import ThrowawayPostgres

    pg = ThrowawayPostgres().start()
    try:
        url = pg.create_database("pbx_outage")
        upgrade(url)
        yield pg, url
    finally:
        pg.stop()


def _user_with_softphone(url: str, soft_uri: str):
    """A company on the gateway's own database; its user's softphone rings at `soft_uri`."""
    from api.accounts.models import User
    from api.availability.models import Device
    from api.availability.services import ensure_standard

    process = bootstrap.cli(url)  # seeded as an operator's command would
    sessions = process.sessions
    company = make_company(SimpleNamespace(extensions={"session_factory": sessions}))
    with sessions() as db:
        user = db.scalar(select(User).where(User.mobile == company.users["alice"]))
        ensure_standard(db, user.tenant_id, user.id)
        db.add(Device(tenant_id=user.tenant_id, user_id=user.id, kind="softphone",
                      label="PC", sip_uri=soft_uri, enabled=True))
        db.commit()
        office = user.office_number
    process.engine.dispose()
    return office


def _state(url: str) -> tuple[dict, int]:
    """The call log's statuses by SIP Call-ID, and how many calls are still live."""
    from api.callerid.models import CallLogEntry
    from api.calls.models import LiveCall

    process = bootstrap.cli(url)
    try:
        with process.sessions() as db:
            log = dict(db.execute(select(CallLogEntry.call_id, CallLogEntry.status)).all())
            return log, len(db.scalars(select(LiveCall.id)).all())
    finally:
        process.engine.dispose()


def _answered_on(trunk, phone) -> str:
    assert trunk.wait() == 0 and phone.wait() == 0 and final_status(trunk) == 200
    assert phone.received("INVITE")
    return header(trunk.received("SIP/2.0 200")[0], "Call-ID")


def test_with_the_database_down_devices_ring_by_the_last_known_plan_and_unknown_numbers_go_to_voicemail(  # noqa: E501
        server, tmp_path, peers, sink):
    pg, url = server
    ports = {"trunk": free_port(), "voicemail": free_port(), "soft": free_port()}
    office = _user_with_softphone(url, f"sip:soft@127.0.0.1:{ports['soft']}")
    gateway = Gateway(url, tmp_path, trunk_port=ports["trunk"],
                      voicemail_port=ports["voicemail"], sink_url=sink[1])
    try:
        soft = peers("soft", "phone_answer.xml", port=ports["soft"])
        first = _answered_on(call(peers, gateway, office), soft)  # the plan becomes known
        assert json.loads(gateway.events("call_routed", first)[0])["source"] == "live"

        pg.pause()  # connections refused from now on
        soft = peers("soft_down", "phone_answer.xml", port=ports["soft"])
        ringing = _answered_on(call(peers, gateway, office), soft)
        assert json.loads(gateway.events("call_routed", ringing)[0])["source"] == "last_known"
        voicemail = peers("voicemail", "phone_answer.xml", port=ports["voicemail"])
        unknown = _answered_on(call(peers, gateway, "+4721999999"), voicemail)
        assert json.loads(gateway.events("call_routed", unknown)[0])["source"] == "voicemail"
        assert voicemail.received("INVITE")[0].startswith("INVITE sip:voicemail@")
        fallbacks = [json.loads(x) for x in gateway.events("route_fallback")]
        assert [(f["source"], f["called"]) for f in fallbacks] == [
            ("last_known", office), ("voicemail", "+4721999999")]
        assert gateway.alive()

        pg.resume()  # what the gateway could not write meanwhile lands now, in order
        wait_until(lambda: _state(url) == ({first: "answered", ringing: "answered"}, 0),
                   what="the outage's calls in the log, none left live")
        soft = peers("soft_up", "phone_answer.xml", port=ports["soft"])
        again = _answered_on(call(peers, gateway, office), soft)
        assert json.loads(gateway.events("call_routed", again)[0])["source"] == "live"
        assert gateway.alive()
    except BaseException:
        print("\n".join(gateway.lines))  # what the gateway did, shown with the failure
        raise
    finally:
        gateway.stop()
