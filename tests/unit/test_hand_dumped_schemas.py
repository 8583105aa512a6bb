"""The hottest responses are dumped by hand: exactly what marshmallow dumps from the same
schema's fields, for any profile."""
from __future__ import annotations

from dataclasses import asdict
from datetime import timezone
from types import SimpleNamespace

from hypothesis import given, settings, strategies as st
from marshmallow import Schema

from api.accounts.schemas import TRANSFER_METHODS, MeSchema
from api.availability.inputs import Destination
from api.availability.routing import Plan, RingTarget, Skipped, Step
from api.availability.schemas import PlanSchema
from api.availability.standard import NAMES
from api.callerid.schemas import LookupResultSchema
from api.callerid.sources import Hit

texts = st.one_of(st.none(), st.text(max_size=12))
json_values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
roles = st.builds(SimpleNamespace, id=st.integers(1, 10**6), name=st.text(max_size=12),
                  builtin=st.one_of(st.none(), st.sampled_from(["administrator", "user"])),
                  permissions=st.one_of(st.none(), st.lists(st.text(max_size=10),
                                                            max_size=6)))
settings_dicts = st.one_of(st.none(), st.dictionaries(
    st.sampled_from(["default_transfer_method", "ring_order", "x"]),
    st.one_of(st.sampled_from(TRANSFER_METHODS), json_values), max_size=3))
profiles = st.builds(
    SimpleNamespace, id=st.integers(1, 10**9), mobile=st.text(max_size=16),
    first_name=st.text(max_size=12), last_name=texts, email=texts, title=texts,
    department=texts, office_number=texts, short_number=texts,
    tags=st.one_of(st.none(), st.lists(st.text(max_size=8), max_size=4)), language=texts,
    hidden_from_directory=st.booleans(),
    custom_fields=st.one_of(st.none(), st.dictionaries(st.text(max_size=6), json_values,
                                                        max_size=4)),
    role_id=st.integers(1, 10**6), role=roles, tenant_id=st.integers(1, 10**6),
    settings=settings_dicts, password_expired=st.booleans(),
    voicemail_unread=st.integers(0, 10**4))


def _marshmallow(schema: Schema, obj, many: bool = False):
    return Schema.dump(schema, obj, many=many)


@settings(max_examples=300, deadline=None)
@given(profiles)
def test_me_is_dumped_by_hand_exactly_as_marshmallow_dumps_it(profile):
    schema = MeSchema()
    by_hand, generic = schema.dump(profile), _marshmallow(schema, profile)
    assert list(by_hand.items()) == list(generic.items())  # the same keys in the same order


@settings(max_examples=30, deadline=None)
@given(st.lists(profiles, max_size=3))
def test_a_list_of_profiles_is_dumped_as_marshmallow_dumps_it(many):
    assert MeSchema(many=True).dump(many) == _marshmallow(MeSchema(many=True), many, True)


@settings(max_examples=10, deadline=None)
@given(profiles)
def test_a_schema_asked_for_some_fields_only_leaves_the_others_out(profile):
    assert set(MeSchema(only=("id", "mobile")).dump(profile)) == {"id", "mobile"}


small = st.integers(0, 10**6)
destinations = st.builds(Destination, kind=st.sampled_from(["ring", "voicemail", "colleague"]),
                         target=texts)
targets = st.builds(RingTarget, device_id=small, kind=st.sampled_from(["app", "sip", "mobile"]),
                    address=st.text(max_size=12), delay=st.integers(0, 60),
                    display_number=texts, stop=st.one_of(st.none(), st.integers(0, 120)))
steps = st.builds(Step, action=st.sampled_from(["announce", "ring", "voicemail", "forward"]),
                  text=texts, language=texts, targets=st.lists(targets, max_size=3).map(tuple),
                  timeout=st.one_of(st.none(), st.integers(0, 300)),
                  destination=st.one_of(st.none(), destinations))
standard_or_own = st.one_of(st.tuples(st.sampled_from(sorted(NAMES)), st.just(None)).map(
    lambda kv: (kv[0], NAMES[kv[0]])), st.tuples(st.none(), st.text(max_size=10)))
plans = st.builds(
    lambda key_name, **kw: Plan(profile_key=key_name[0], profile_name=key_name[1], **kw),
    key_name=standard_or_own, profile_id=small,
    source=st.sampled_from(["manual", "schedule", "calendar", "default"]),
    until=st.one_of(st.none(), st.datetimes(timezones=st.just(timezone.utc))), note=texts,
    busy=st.booleans(), rule=st.sampled_from(["when_free", "when_busy", "exception:0"]),
    reason=st.text(max_size=20), language=st.sampled_from(["en", "nb", "sv"]),
    steps=st.lists(steps, max_size=3).map(tuple),
    on_no_answer=st.one_of(st.none(), destinations),
    display_numbers=st.dictionaries(st.sampled_from(["app", "sip", "mobile"]),
                                    st.one_of(st.none(), st.text(max_size=12)), max_size=3),
    dialled=st.sampled_from(["office", "mobile", "main", "short"]), caller=texts,
    skipped=st.lists(st.builds(Skipped, device_id=small, kind=st.just("sip"),
                               reason=st.text(max_size=10)), max_size=2).map(tuple))


@settings(max_examples=300, deadline=None)
@given(plans)
def test_a_routing_plan_is_dumped_by_hand_exactly_as_marshmallow_dumps_it(plan):
    schema = PlanSchema()
    by_hand, generic = schema.dump(plan), _marshmallow(schema, plan)
    assert list(by_hand.items()) == list(generic.items())


hits = st.builds(Hit, name=st.text(max_size=12), number=st.text(max_size=16),
                 source=st.sampled_from(["colleague", "company_contact", "external"]),
                 source_name=st.text(max_size=12), company=texts, title=texts,
                 department=texts, address=texts, label=texts,
                 user_id=st.one_of(st.none(), small), contact_id=st.one_of(st.none(), small))
lookups = st.fixed_dictionaries({
    "number": st.text(max_size=16), "e164": texts, "found": st.booleans(),
    "lookup_enabled": st.booleans(), "hit": st.one_of(st.none(), hits.map(Hit.as_dict))})


@settings(max_examples=200, deadline=None)
@given(lookups)
def test_a_lookup_is_dumped_by_hand_exactly_as_marshmallow_dumps_it(result):
    schema = LookupResultSchema()
    assert schema.dump(result) == _marshmallow(schema, result)
    if result["hit"] is not None:
        assert list(schema.dump(result)["hit"]) == list(_marshmallow(schema, result)["hit"])


@settings(max_examples=50, deadline=None)
@given(hits)
def test_a_hit_as_a_dict_is_what_dataclasses_asdict_gives(hit):
    assert hit.as_dict() == asdict(hit)
