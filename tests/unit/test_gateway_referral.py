"""Which REFERs the gateway takes during a call (pure)."""
from __future__ import annotations

from dataclasses import replace

from sip_gateway.core.referral import Consultation, attended_refusal, refusal
from sip_gateway.sipmsg import ReferTo, replaces, tag_of

OURS = frozenset({"10.0.0.1", "10.0.0.1:5060"})
TO_BOB = ReferTo("101", "10.0.0.1:5060")


def _status(refer_to=TO_BOB, from_phone=True, transferable=True):
    got = refusal(refer_to, from_phone=from_phone, transferable=transferable, own_hosts=OURS)
    return None if got is None else got[0]


def test_the_answering_phone_referring_to_a_number_here_is_taken():
    assert _status() is None


def test_a_refer_the_gateway_cannot_honour_gets_the_status_that_says_why():
    assert _status(refer_to=None) == 400
    assert _status(from_phone=False) == 403                     # the caller's side, a ringing leg
    assert _status(ReferTo("101", "pbx.elsewhere.example")) == 403
    assert _status(transferable=False) == 403                   # not answered, a transfer runs


def test_an_attended_refer_is_taken_like_a_blind_one_until_its_consultation_is_judged():
    assert _status(ReferTo("101", "10.0.0.1", replaces="a;to-tag=1;from-tag=2")) is None
    assert _status(ReferTo("101", "10.0.0.1", replaces="a;to-tag=1;from-tag=2"),
                   transferable=False) == 403


JOINABLE = Consultation(found=True, dialog=True, same_user=True, other_call=True, answered=True)


def test_the_users_own_answered_consultation_call_is_joined():
    assert attended_refusal(JOINABLE) is None


def test_an_unknown_dialog_or_another_users_call_looks_the_same_481():
    assert attended_refusal(Consultation())[0] == 481
    assert attended_refusal(replace(JOINABLE, dialog=False))[0] == 481
    assert attended_refusal(replace(JOINABLE, same_user=False))[0] == 481


def test_the_call_itself_or_an_unanswered_consultation_is_refused_403_with_the_reason():
    assert attended_refusal(replace(JOINABLE, other_call=False)) == (
        403, "Replaces names the call being transferred")
    assert attended_refusal(replace(JOINABLE, answered=False)) == (
        403, "the consultation call is not answered")


def test_a_replaces_value_names_the_call_id_and_both_tags_or_nothing():
    got = replaces("abc@host;to-tag=gw1; from-tag=ph2;early-only")
    assert (got.call_id, got.to_tag, got.from_tag) == ("abc@host", "gw1", "ph2")
    assert replaces("abc@host;to-tag=gw1") is None
    assert replaces(";to-tag=1;from-tag=2") is None
    assert replaces(None) is None


def test_the_tag_of_a_from_header_is_read_after_its_uri():
    assert tag_of('"A" <sip:a@h;tag=no>;tag=yes') == "yes"
    assert tag_of("<sip:a@h>") is None
