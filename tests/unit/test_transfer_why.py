"""Why a transfer came back, in the words of the transfer_returned push (pure)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from api.transfer.why import TargetStatus, rule, why_returned
from i18n.shared import RETURN_REASONS as REASONS

AT = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)          # 11:30 in Oslo
ONE = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)          # 13:00 in Oslo
AVAILABLE = TargetStatus("available", "Available", timezone="Europe/Oslo")
MEETING = TargetStatus("meeting", "In a meeting", ONE, timezone="Europe/Oslo")
IN_CALL = TargetStatus("available", "Available", in_call=True)
REASON_KINDS = ("no_answer", "busy", "declined", "unavailable", "not_found", None, "odd")


@pytest.mark.parametrize("reason, status, expected", [
    ("no_answer", None, "Anna did not answer"),                          # not a colleague
    ("busy", None, "Anna is busy"),
    ("declined", None, "Anna declined the call"),
    ("unavailable", None, "Anna is not available"),
    ("not_found", None, "Anna could not be reached"),
    ("something_new", None, "Anna could not take the call"),
    (None, None, "Anna could not take the call"),
    ("no_answer", AVAILABLE, "Anna did not answer"),                     # available: the reason
    ("busy", AVAILABLE, "Anna is busy"),
    ("no_answer", MEETING, "Anna is in a meeting until 1:00 PM"),        # the status explains
    ("busy", MEETING, "Anna is in a meeting until 1:00 PM"),
    ("unavailable", MEETING, "Anna is in a meeting until 1:00 PM"),
    ("declined", MEETING, "Anna declined the call"),                     # she chose: that
    ("no_answer", TargetStatus("lunch", "Lunch"), "Anna is at lunch"),   # no end: none said
    ("no_answer", TargetStatus("dnd", "Do not disturb"), "Anna is not available"),
    ("no_answer", TargetStatus("gone_for_day", "Gone for the day",
                               AT + timedelta(days=1), timezone="Europe/Oslo"),
     "Anna is gone for the day until November 24 at 11:30 AM"),          # another day: its date
    ("no_answer", TargetStatus(None, "Workshop", ONE, timezone="Europe/Oslo"),
     "Anna: Workshop until 1:00 PM"),                                   # her own profile
    ("no_answer", IN_CALL, "Anna is on another call"),
    ("busy", IN_CALL, "Anna is on another call"),
    ("unavailable", IN_CALL, "Anna is not available"),                   # a call does not explain
    ("no_answer", TargetStatus("meeting", "In a meeting", ONE, True, "Nowhere/Odd"),
     "Anna is in a meeting until 12:00 PM"),                             # unknown zone: UTC
])
def test_the_push_says_why_from_the_status_when_it_explains_it(reason, status, expected):
    assert why_returned("Anna", reason, status, AT) == expected


def test_a_target_without_a_name_is_the_target():
    assert why_returned("", "no_answer", None, AT) == "The target did not answer"


def test_every_rule_in_one_table():
    table = {(r, s): rule(r, st_) for r in REASON_KINDS
             for s, st_ in (("none", None), ("available", AVAILABLE), ("meeting", MEETING),
                            ("in_call", IN_CALL))}
    for (reason, status), chosen in table.items():
        if reason == "declined":
            assert chosen == "declined"
        elif status == "meeting":
            assert chosen == "status"
        elif status == "in_call" and reason in ("busy", "no_answer"):
            assert chosen == "in_call"
        else:
            assert chosen == "reason"


statuses = st.one_of(st.none(), st.builds(
    TargetStatus, key=st.sampled_from(["available", "busy", "meeting", "lunch", "away",
                                       "out_of_office", "gone_for_day", "dnd", None]),
    name=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20),
    until=st.one_of(st.none(), st.datetimes(min_value=datetime(2026, 1, 1),
                                            max_value=datetime(2027, 1, 1),
                                            timezones=st.just(timezone.utc))),
    in_call=st.booleans(), timezone=st.sampled_from(["Europe/Oslo", "UTC", "Bad/Zone"])))


@given(reason=st.one_of(st.none(), st.sampled_from(REASON_KINDS[:-2]), st.text(max_size=10)),
       status=statuses, name=st.text(max_size=20))
def test_there_is_always_one_sentence_naming_the_target(reason, status, name):
    text = why_returned(name, reason, status, AT)
    assert text.startswith(name or "The target") and "\n" not in text.replace(name, "")
    if rule(reason, status) == "reason" and reason in REASONS:
        assert text == REASONS[reason].format(who=name or "The target")
