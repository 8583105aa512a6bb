"""Stored destinations read back as the values routing decides with; the ones without a
target are shared, so the inputs each process keeps per user (eight profiles, three
destinations each) hold no copies of them for the garbage collector to walk."""
from __future__ import annotations

from api.availability import convert
from api.availability.inputs import BUSY_TONE, RING, VOICEMAIL, Destination


def test_a_destination_without_a_target_is_the_shared_value():
    assert convert.destination({"kind": "ring"}, VOICEMAIL) is RING
    assert convert.destination({"kind": "voicemail", "target": None}, RING) is VOICEMAIL
    assert convert.destination({"kind": "busy_tone"}, RING) is BUSY_TONE


def test_a_destination_with_a_target_keeps_it_as_text():
    assert convert.destination({"kind": "colleague", "target": 42}, RING) == \
        Destination("colleague", "42")
    assert convert.destination({"kind": "external", "target": "+4722000000"}, RING) == \
        Destination("external", "+4722000000")


def test_an_empty_destination_is_the_default_given():
    assert convert.destination(None, VOICEMAIL) is VOICEMAIL
    assert convert.destination({"kind": ""}, RING) is RING
