"""The hottest responses are dumped by hand: exactly what marshmallow dumps from the same
schema's fields, for any profile."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings, strategies as st
from marshmallow import Schema

from api.accounts.schemas import TRANSFER_METHODS, MeSchema

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
