"""Which REFERs the gateway takes during a call (pure)."""
from __future__ import annotations

from sip_gateway.core.referral import refusal
from sip_gateway.sipmsg import ReferTo

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
    assert _status(ReferTo("101", "10.0.0.1", replaces="a;to-tag=1;from-tag=2")) == 501
    assert _status(transferable=False) == 403                   # not answered, a transfer runs
