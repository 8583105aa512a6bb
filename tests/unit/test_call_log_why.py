"""The call log's sentence for why a call went where it went."""
from __future__ import annotations

from api.callerid.why import bounded_reason, outcome_of, why

LUNCH = {"profile": "Lunch", "rule": "when_free"}


def test_a_call_taken_by_voicemail_or_a_forward_says_so_whatever_its_status():
    assert outcome_of("missed", "voicemail") == "voicemail"
    assert outcome_of("missed", "forward") == "forwarded"
    assert outcome_of("answered", "softphone") == "answered"
    assert outcome_of("rejected", None) == "rejected"


def test_a_forwarded_call_names_the_colleague_and_the_profile():
    reason = {**LUNCH, "forwarded_to": {"kind": "colleague", "target": "7", "name": "Anna Berg"}}
    assert why("incoming", "forwarded", reason) == \
        "Forwarded to Anna Berg by your Lunch profile, when free"


def test_a_forward_to_a_number_names_the_number_and_exceptions_are_named_as_such():
    reason = {"profile": "Busy", "rule": "exception:0",
              "forwarded_to": {"kind": "external", "target": "+4755599999", "name": None}}
    assert why("incoming", "forwarded", reason) == \
        "Forwarded to +4755599999 by your Busy profile, a caller exception"


def test_voicemail_is_told_and_outgoing_or_old_entries_say_nothing():
    assert why("incoming", "voicemail", LUNCH) == "Went to voicemail by your Lunch profile, " \
                                                 "when free"
    assert why("outgoing", "answered", LUNCH) is None
    assert why("incoming", None, None) is None


def test_the_kept_reason_is_bounded_to_known_keys_and_short_texts():
    kept = bounded_reason({"profile": "x" * 500, "rule": "when_busy", "secret": "no",
                           "forwarded_to": {"kind": "colleague", "target": "3", "name": "A",
                                            "uri": "sip:x"}})
    assert kept == {"profile": "x" * 80, "rule": "when_busy",
                    "forwarded_to": {"kind": "colleague", "target": "3", "name": "A"}}
    assert bounded_reason(None) is None and bounded_reason({}) is None


def test_the_sentence_is_worded_in_the_readers_language_with_the_standard_profile_named_so():
    lunch = {"profile": "Lunch", "profile_key": "lunch", "rule": "when_free"}
    assert why("incoming", "voicemail", lunch, "sv") == \
        "Gick till röstbrevlådan (din profil Lunch, när ledig)"
    meeting = {"profile": "In a meeting", "profile_key": "meeting", "rule": "exception:1",
               "forwarded_to": {"kind": "colleague", "target": "7", "name": "Anna Berg"}}
    assert why("incoming", "forwarded", meeting, "nb") == \
        "Viderekoblet til Anna Berg (profilen din I møte, et unntak for innringere)"
    assert why("incoming", "missed", {"profile": "In a meeting", "profile_key": "meeting"},
               "fi") == "Vastaamatta (tilasi Kokouksessa)"


def test_a_profile_the_user_named_keeps_its_name_and_a_forward_without_a_name_says_so():
    own = {"profile": "Lunch", "profile_key": None, "rule": "when_busy",
           "forwarded_to": {"kind": "external", "target": None, "name": None}}
    assert why("incoming", "forwarded", own, "da") == \
        "Viderestillet til et andet nummer (din profil Lunch, når optaget)"
    assert why("incoming", "answered", own, "en") == \
        "Answered; rang as your Lunch profile, when busy says"
