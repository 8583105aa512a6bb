"""Properties of the routing decision and of feature codes, walked by Hypothesis."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from api.availability import featurecodes
from api.availability.inputs import (DEVICE_KINDS, DESTINATION_KINDS, DIALLED_KINDS, MATCHES,
                                     RING_ORDERS, Caller, CallerException, Destination, Device,
                                     ManualChoice, Profile, RoutingInputs, ScheduleEntry)
from api.availability.routing import TERMINAL, decide
from tests.unit.availability_data import AVAILABLE, BUSY, DND, LUNCH, MEETING, user

UTC = timezone.utc
instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC))
numbers = st.sampled_from(["+4791111111", "+4792222222", "+4793333333", None])
callers = st.builds(Caller, numbers, st.booleans())
kinds = st.lists(st.sampled_from(DEVICE_KINDS), unique=True).map(tuple)
destinations = st.builds(Destination, st.sampled_from(DESTINATION_KINDS),
                         st.sampled_from([None, "3", "+4722222222"]))
dialled = st.sampled_from(DIALLED_KINDS)
exceptions = st.builds(CallerException, st.sampled_from(MATCHES),
                       st.frozensets(numbers.filter(bool), max_size=2), st.just(""),
                       destinations, st.one_of(st.none(), kinds), st.booleans(),
                       st.one_of(st.none(), st.frozensets(dialled, min_size=1)))


@st.composite
def profiles(draw, pid):
    return Profile(pid, f"P{pid}", key=draw(st.sampled_from([None, "busy", "meeting", "dnd"])),
                   is_default=pid == 1, priority=draw(st.integers(0, 20)), devices=draw(kinds),
                   ring_order=draw(st.sampled_from(RING_ORDERS)),
                   mobile_delay=draw(st.integers(0, 60)), ring_each=draw(st.integers(5, 60)),
                   when_free=draw(destinations),
                   when_busy=draw(destinations),
                   no_answer=draw(destinations.filter(lambda d: d.kind != "ring")),
                   no_answer_after=draw(st.integers(1, 120)), announce=draw(st.booleans()),
                   exceptions=tuple(draw(st.lists(exceptions, max_size=2))))


@st.composite
def schedules(draw, profile_ids):
    start = draw(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1)))
    start = start.replace(second=0, microsecond=0)
    return ScheduleEntry(draw(st.integers(1, 1000)), draw(st.sampled_from(profile_ids)), start,
                         start + timedelta(minutes=draw(st.integers(1, 24 * 60))),
                         draw(st.sampled_from(["none", "daily", "weekly", "monthly", "yearly"])),
                         frozenset(draw(st.lists(st.integers(0, 6), max_size=7))))


@st.composite
def users(draw):
    profs = tuple(draw(profiles(pid)) for pid in range(1, draw(st.integers(1, 5)) + 1))
    ids = [p.id for p in profs]
    devices = tuple(Device(10 + i, k, f"sip:{k}@x") for i, k in enumerate(draw(kinds)))
    manual = draw(st.one_of(st.none(), st.builds(ManualChoice, st.sampled_from(ids),
                                                 st.one_of(st.none(), instants))))
    return RoutingInputs(1, "Europe/Oslo", "nb", "+4721000000", profs, devices,
                         tuple(draw(st.lists(schedules(ids), max_size=4))), (), manual)


@settings(max_examples=300)
@given(users(), callers, instants, st.booleans(), dialled)
def test_every_plan_ends_and_rings_only_devices_the_user_has(inputs, caller, at, busy, to):
    plan = decide(inputs, caller, at, busy, to)
    assert plan.steps and plan.steps[-1].action in TERMINAL
    assert all(s.action not in TERMINAL for s in plan.steps[:-1])
    owned = {(d.id, d.address) for d in inputs.devices}
    for step in plan.steps:
        for target in step.targets:
            assert (target.device_id, target.address) in owned
            assert 0 <= target.delay < step.timeout


@given(users(), callers, instants, st.booleans())
def test_an_expired_manual_choice_never_applies(inputs, caller, at, busy):
    if inputs.manual is not None and inputs.manual.until is not None and inputs.manual.until <= at:
        assert decide(inputs, caller, at, busy).source != "manual"


@given(callers, instants, st.booleans(), st.lists(exceptions, max_size=3), dialled)
def test_do_not_disturb_never_rings_unless_an_exception_says_so(caller, at, busy, excs, to):
    dnd = Profile(DND.id, DND.name, key="dnd", devices=(), when_free=DND.when_free,
                  when_busy=DND.when_busy, no_answer=DND.no_answer, exceptions=tuple(excs))
    plan = decide(user(AVAILABLE, dnd, manual=ManualChoice(dnd.id)), caller, at, busy, to)
    if any(s.action == "ring" for s in plan.steps):
        assert plan.rule.startswith("exception:")


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 23)), min_size=1, max_size=6),
       st.dates(min_value=datetime(2025, 1, 1).date(), max_value=datetime(2029, 1, 1).date()))
def test_lowest_priority_number_wins_among_overlapping_schedules(entries, day):
    profs, scheds = [AVAILABLE], []
    for n, (prio, hour) in enumerate(entries, start=2):
        profs.append(Profile(n, f"P{n}", priority=prio))
        start = datetime(2024, 1, 1, hour)
        scheds.append(ScheduleEntry(n, n, start, start + timedelta(hours=2), "daily"))
    local = datetime(day.year, day.month, day.day, 12, 30, tzinfo=ZoneInfo("Europe/Oslo"))
    plan = decide(user(*profs, schedules=tuple(scheds)), Caller(None), local.astimezone(UTC),
                  False)
    covering = [p for p, (_, h) in zip(profs[1:], entries) if h <= 12 < h + 2]
    if covering:
        best = min(covering, key=lambda p: (p.priority, p.id))
        assert plan.profile_id == best.id
    else:
        assert plan.profile_id == AVAILABLE.id


@given(st.dates(min_value=datetime(2024, 1, 1).date(), max_value=datetime(2030, 12, 31).date()),
       st.sampled_from(["Europe/Oslo", "Europe/Stockholm", "America/New_York"]))
def test_daily_schedule_keeps_its_wall_clock_hours_across_daylight_saving(day, tz_name):
    tz = ZoneInfo(tz_name)
    entry = ScheduleEntry(1, BUSY.id, datetime(2024, 1, 1, 9), datetime(2024, 1, 1, 17), "daily")
    inputs = RoutingInputs(1, tz_name, "en", None, (AVAILABLE, BUSY), (), (entry,))
    inside = datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz).astimezone(UTC)
    before = datetime(day.year, day.month, day.day, 8, 59, tzinfo=tz).astimezone(UTC)
    plan = decide(inputs, Caller(None), inside, False)
    assert plan.profile_id == BUSY.id
    assert plan.until.astimezone(tz).hour == 17
    assert decide(inputs, Caller(None), before, False).profile_id == AVAILABLE.id


def test_feature_codes_activate_the_profile_with_that_code():
    profs = (AVAILABLE, BUSY, MEETING, LUNCH)
    assert featurecodes.parse("*82", profs) == featurecodes.Activate(MEETING.id)
    assert featurecodes.parse("*83*45#", profs) == featurecodes.Activate(LUNCH.id, 45)
    assert featurecodes.parse("*80#", profs) == featurecodes.Activate(AVAILABLE.id)


@given(st.text(max_size=30))
def test_feature_codes_never_match_anything_but_a_code_and_never_fail(dialled):
    result = featurecodes.parse(dialled, (AVAILABLE, BUSY, MEETING))
    if result is not None:
        assert dialled.strip().rstrip("#").split("*")[1] in ("80", "81", "82")
