"""Pure parts of a member's queue settings: the login schedule's edges and what the member's
phone shows for a queue call."""
from __future__ import annotations

from datetime import datetime

from api.queues.display import shown
from api.queues.loginschedule import change, parse, scheduled_in

# Monday 2026-11-23
WORKDAYS = parse([{"days": [1, 2, 3, 4, 5], "start": "08:00", "end": "16:00"}])
NIGHT = parse([{"days": [5], "start": "22:00", "end": "06:00"}])


def test_a_member_is_scheduled_in_during_a_window_and_out_after_it():
    assert scheduled_in(WORKDAYS, datetime(2026, 11, 23, 8, 0))
    assert not scheduled_in(WORKDAYS, datetime(2026, 11, 23, 16, 0))
    assert not scheduled_in(WORKDAYS, datetime(2026, 11, 28, 9, 0))  # Saturday


def test_a_window_past_midnight_covers_the_next_morning():
    assert scheduled_in(NIGHT, datetime(2026, 11, 27, 23, 0))        # Friday night
    assert scheduled_in(NIGHT, datetime(2026, 11, 28, 5, 59))        # Saturday morning
    assert not scheduled_in(NIGHT, datetime(2026, 11, 28, 23, 0))    # Saturday night


def test_the_schedule_acts_only_on_its_edges_so_a_manual_change_holds_in_between():
    monday_nine = datetime(2026, 11, 23, 9, 0)
    assert change(WORKDAYS, monday_nine, None) is True       # first look: logs in
    assert change(WORKDAYS, monday_nine, True) is None       # already applied: hands off
    assert change(WORKDAYS, datetime(2026, 11, 23, 17, 0), True) is False
    assert change([], monday_nine, None) is None


def test_the_member_sees_the_caller_with_the_queue_prefix():
    got = shown("caller", caller="+4791111111", caller_name="Kari", queue_name="Support",
                queue_number="+4721000099", main_number=None, prefix="[Support] ")
    assert (got.user, got.display) == ("+4791111111", "[Support] Kari")


def test_the_member_sees_the_queue_number_and_name_with_prefix_and_suffix():
    got = shown("queue", caller="+4791111111", caller_name="Kari", queue_name="Support",
                queue_number="+4721000099", main_number=None, prefix="Q:", suffix=" *")
    assert (got.user, got.display) == ("+4721000099", "Q:Support *")


def test_a_main_number_the_queue_lacks_falls_back_to_the_caller():
    got = shown("main", caller="+4791111111", caller_name=None, queue_name="Support",
                queue_number=None, main_number=None)
    assert (got.user, got.display) == ("+4791111111", "+4791111111")


def test_what_the_member_sees_cannot_break_out_of_the_sip_display_name():
    got = shown("queue", caller="+4791111111", caller_name=None,
                queue_name='Sup"port\r\nX-Evil: 1 <sip:x>', queue_number="+4721000099",
                main_number=None)
    assert got.display == "SupportX-Evil: 1 sip:x"
