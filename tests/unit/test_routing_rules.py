"""The routing decision, rule by rule (table-driven)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from api.availability.inputs import (BusyPeriod, Caller, CallerException, Destination,
                                     ManualChoice, ScheduleEntry)
from api.availability.routing import TERMINAL, decide
from tests.unit.availability_data import (AVAILABLE, BUSY, DND, FORWARD_EXTERNAL, LUNCH, MEETING,
                                          VIP, at, user, vip_rings_mobile)

NOON = at(2026, 11, 23, 11)  # 12:00 in Oslo
STRANGER = Caller("+4799999999")


def actions(plan):
    return [s.action for s in plan.steps]


def manual(profile, until=None, note=None):
    return ManualChoice(profile.id, until, note)


CASES = [
    # (what, inputs, caller, busy, expected actions, expected rule)
    ("available rings every device then voicemail", user(), STRANGER, False,
     ["ring", "voicemail"], "when_free"),
    ("available but in a call goes to voicemail", user(), STRANGER, True,
     ["voicemail"], "when_busy"),
    ("meeting announces then voicemail", user(manual=manual(MEETING)), STRANGER, False,
     ["announce", "voicemail"], "when_free"),
    ("do not disturb gives busy tone", user(manual=manual(DND)), STRANGER, False,
     ["busy_tone"], "when_free"),
    ("lunch announces then rings the mobile", user(manual=manual(LUNCH)), STRANGER, False,
     ["announce", "ring", "voicemail"], "when_free"),
    ("a colleague exception forwards colleagues", user(
        replace(AVAILABLE, exceptions=(CallerException(
            "colleagues", destination=FORWARD_EXTERNAL),))),
     Caller("+4790000009", is_colleague=True), False, ["forward"], "exception:0"),
    ("a withheld number matches no number exception", user(vip_rings_mobile(AVAILABLE)),
     Caller(None), False, ["ring", "voicemail"], "when_free"),
    ("an audio message plays then hangs up", user(
        replace(AVAILABLE, when_free=Destination("audio_message", "We are closed")),),
     STRANGER, False, ["play_message"], "when_free"),
    ("forward to a queue", user(replace(AVAILABLE, when_free=Destination("queue", "4")),),
     STRANGER, False, ["forward"], "when_free"),
    ("no devices: straight to the no-answer destination", user(devices=()), STRANGER, False,
     ["voicemail"], "when_free"),
]


@pytest.mark.parametrize("what,inputs,caller,busy,expected,rule", CASES,
                         ids=[c[0] for c in CASES])
def test_each_rule_gives_the_expected_plan(what, inputs, caller, busy, expected, rule):
    plan = decide(inputs, caller, NOON, busy)
    assert actions(plan) == expected
    assert plan.rule == rule
    assert plan.steps[-1].action in TERMINAL


def test_meeting_lets_vip_ring_through_to_mobile_only():
    plan = decide(user(AVAILABLE, vip_rings_mobile(MEETING), manual=manual(MEETING)),
                  Caller(VIP), NOON, False)
    ring = [s for s in plan.steps if s.action == "ring"][0]
    assert [t.kind for t in ring.targets] == ["mobile"]
    assert plan.rule == "exception:0" and "VIPs" in plan.reason


def test_meeting_announcement_says_until_when_in_the_tenant_time():
    until = at(2026, 11, 23, 12)  # 13:00 in Oslo
    plan = decide(user(manual=manual(MEETING, until)), STRANGER, NOON, False)
    assert plan.steps[0].text == "The person you are calling is in a meeting until 1:00 PM."
    assert plan.until == until and plan.source == "manual"


@pytest.mark.parametrize("language,text", [
    ("nb", "Personen du ringer til, er i møte til 13:00."),
    ("nn", "Personen du ringjer til, er i møte til 13:00."),
    ("sv", "Personen du söker är på möte tills 13.00."),
    ("da", "Personen, du ringer til, er til møde indtil klokken 13.00."),
    ("fi", "Soittamasi henkilö on kokouksessa kello 13.00 asti."),
    ("en", "The person you are calling is in a meeting until 1:00 PM."),
])
def test_announcement_is_in_the_tenants_language(language, text):
    plan = decide(user(manual=manual(MEETING, at(2026, 11, 23, 12)), language=language),
                  STRANGER, NOON, False)
    assert plan.steps[0].text == text and plan.steps[0].language == language


def test_announcement_for_another_day_names_the_date():
    plan = decide(user(manual=manual(MEETING, at(2026, 11, 25, 7))), STRANGER, NOON, False)
    assert plan.steps[0].text.endswith("until November 25 at 8:00 AM.")


def test_expired_manual_choice_returns_to_available():
    plan = decide(user(manual=manual(MEETING, NOON)), STRANGER, NOON, False)
    assert plan.profile_id == AVAILABLE.id and plan.source == "default"


def test_mobile_after_n_seconds_delays_only_the_mobile():
    prof = replace(AVAILABLE, ring_order="mobile_after", mobile_delay=10)
    ring = decide(user(prof), STRANGER, NOON, False).steps[0]
    assert {t.kind: t.delay for t in ring.targets} == {"softphone": 0, "deskphone": 0,
                                                       "mobile": 10}
    assert ring.timeout == 25


def test_display_number_per_device_follows_the_profile():
    prof = replace(AVAILABLE, display_numbers={"mobile": "+4721999999"})
    ring = decide(user(prof), STRANGER, NOON, False).steps[0]
    shown = {t.kind: t.display_number for t in ring.targets}
    assert shown == {"softphone": "+4721000002", "deskphone": "+4721000002",
                     "mobile": "+4721999999"}


def test_weekly_schedule_sets_lunch_on_weekdays_only():
    entry = ScheduleEntry(1, LUNCH.id, datetime(2026, 1, 5, 11, 30), datetime(2026, 1, 5, 12, 15),
                          "weekly", frozenset({0, 1, 2, 3, 4}))
    inputs = user(schedules=(entry,))
    monday = decide(inputs, STRANGER, at(2026, 11, 23, 10, 45), False)  # 11:45 Oslo
    sunday = decide(inputs, STRANGER, at(2026, 11, 22, 10, 45), False)
    assert monday.profile_id == LUNCH.id and monday.source == "schedule"
    assert monday.until == at(2026, 11, 23, 11, 15)
    assert sunday.profile_id == AVAILABLE.id


def test_manual_choice_with_until_beats_the_schedule_until_it_ends():
    entry = ScheduleEntry(1, BUSY.id, datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 16), "daily")
    inputs = user(schedules=(entry,), manual=manual(LUNCH, at(2026, 11, 23, 11, 30)))
    assert decide(inputs, STRANGER, NOON, False).profile_id == LUNCH.id
    assert decide(inputs, STRANGER, at(2026, 11, 23, 11, 30), False).profile_id == BUSY.id


def test_calendar_meeting_sets_in_a_meeting_until_the_end_of_back_to_back_meetings():
    periods = (BusyPeriod(at(2026, 11, 23, 10), at(2026, 11, 23, 11, 30), "Standup"),
               BusyPeriod(at(2026, 11, 23, 11, 30), at(2026, 11, 23, 12), "Review"))
    plan = decide(user(busy_periods=periods), STRANGER, NOON, False)
    assert plan.profile_id == MEETING.id and plan.source == "calendar"
    assert plan.until == at(2026, 11, 23, 12)
    assert plan.steps[0].text.endswith("until 1:00 PM.")


def test_monthly_and_yearly_schedules_recur_on_their_day():
    monthly = ScheduleEntry(1, BUSY.id, datetime(2026, 1, 23, 9), datetime(2026, 1, 23, 17),
                            "monthly")
    yearly = ScheduleEntry(2, DND.id, datetime(2025, 12, 24, 0), datetime(2025, 12, 27, 0),
                           "yearly")
    inputs = user(schedules=(monthly, yearly))
    assert decide(inputs, STRANGER, NOON, False).profile_id == BUSY.id
    assert decide(inputs, STRANGER, at(2026, 11, 24, 11), False).profile_id == AVAILABLE.id
    assert decide(inputs, STRANGER, at(2026, 12, 26, 11), False).profile_id == DND.id


def test_schedule_stops_after_its_repeat_until_date():
    entry = ScheduleEntry(1, BUSY.id, datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 16), "daily",
                          repeat_until=datetime(2026, 11, 22).date())
    assert decide(user(schedules=(entry,)), STRANGER, NOON, False).profile_id == AVAILABLE.id
    earlier = at(2026, 11, 22, 11)
    assert decide(user(schedules=(entry,)), STRANGER, earlier, False).profile_id == BUSY.id


def test_no_answer_after_n_seconds_goes_to_the_chosen_destination():
    prof = replace(AVAILABLE, no_answer_after=15, no_answer=FORWARD_EXTERNAL)
    plan = decide(user(prof), STRANGER, NOON, False)
    assert plan.steps[0].timeout == 15
    assert plan.steps[-1].destination == FORWARD_EXTERNAL and plan.on_no_answer == FORWARD_EXTERNAL


def test_plan_until_is_none_for_a_choice_without_end():
    plan = decide(user(manual=manual(BUSY, None, "Deadline")), STRANGER,
                  NOON + timedelta(days=300), False)
    assert plan.profile_id == BUSY.id and plan.until is None and plan.note == "Deadline"
