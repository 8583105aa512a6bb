"""The app as a softphone, pure: the plan rings an app device where it rings softphones (their
turn, their display number), the push to the phone whose app rings is its one VoIP push, and
the push parameters read back from a registered Contact."""
from __future__ import annotations

from dataclasses import replace

from api.availability.appdevice import app_address, contact_push_params
from api.availability.inputs import Caller, Device
from api.availability.routing import decide
from push import payloads
from tests.unit.availability_data import AVAILABLE, DEVICES, at, user
from tests.unit.test_push_rules import ALERT, ANDROID, CALL, VOIP, kinds

NOON = at(2026, 11, 23, 11)
APP = Device(14, "app", "sip:dev14@edge.example:5060", "App (iPhone)")


def _targets(profile):
    plan = decide(user(profile, devices=DEVICES + (APP,)), Caller("+4799999999"), NOON, False)
    return [t for s in plan.steps if s.action == "ring" for t in s.targets]


def test_an_app_device_rings_with_the_softphones_and_shows_their_display_number():
    profile = replace(AVAILABLE, display_numbers={"softphone": "+4721000009"})
    rung = {t.device_id: t for t in _targets(profile)}
    assert 14 in rung and rung[14].kind == "app"
    assert rung[14].display_number == rung[11].display_number == "+4721000009"


def test_a_profile_without_softphones_rings_no_app_either():
    assert 14 not in [t.device_id for t in _targets(replace(AVAILABLE, devices=("mobile",)))]


def test_one_after_another_gives_the_app_the_softphones_turn():
    profile = replace(AVAILABLE, ring_order="one_after_another", ring_each=10,
                      devices=("deskphone", "softphone"))
    turns = {t.device_id: t.delay for t in _targets(profile)}
    assert turns[12] == 0 and turns[11] == turns[14] == 10


def test_the_iphone_whose_app_is_the_ringing_device_gets_exactly_one_voip_push():
    call = {**CALL, "ringing": ["app"]}
    messages, _ = payloads.plan("incoming_call", "c1", call, [VOIP, ALERT, ANDROID], {})
    assert kinds(messages) == [(1, "voip"), (3, "data")]


def test_the_push_parameters_are_read_back_from_a_registered_contact():
    contact = "<sip:dev14@10.0.0.7:5062;transport=udp;pn-provider=apns;pn-prid=ab12;" \
              "pn-param=TEAM.no.example.pbx.voip>;expires=300"
    assert contact_push_params(contact) == {"pn-provider": "apns", "pn-prid": "ab12",
                                            "pn-param": "TEAM.no.example.pbx.voip"}
    assert contact_push_params("sip:dev3@10.0.0.7:5062") == {}


def test_an_app_device_is_at_its_address_of_record_on_the_registrar():
    assert app_address("dev14", "sip:edge.example:5060") == "sip:dev14@edge.example:5060"
    assert app_address("dev14", "sip:127.0.0.1:5060;transport=udp") == "sip:dev14@127.0.0.1:5060"
