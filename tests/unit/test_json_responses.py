"""Response bodies are written by orjson: the same document the standard library wrote
(keys sorted, every time with its offset, a naive one in UTC), and what orjson cannot
write still goes out."""
from __future__ import annotations

import json
from collections import namedtuple
from datetime import datetime, timezone

from flask import Flask
from hypothesis import given, settings, strategies as st

from api.core.jsonbody import StrictJSONProvider

provider = StrictJSONProvider(Flask(__name__))
COMPACT = {"separators": (",", ":")}
offsets = st.sampled_from([timezone.utc, timezone.max, timezone.min])
leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=10),
    st.datetimes(), st.datetimes(timezones=offsets), st.dates())
documents = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20)


def _standard_library(obj) -> str:
    return json.dumps(obj, default=provider.default, sort_keys=True, **COMPACT)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_a_response_body_is_the_document_the_standard_library_wrote(document):
    written = provider.dumps(document, **COMPACT)
    assert json.loads(written) == json.loads(_standard_library(document))
    assert written.encode() == written.encode("utf-8")  # UTF-8 text for the response


def test_keys_are_sorted_and_a_naive_time_is_written_in_utc():
    written = provider.dumps({"b": datetime(2026, 12, 7, 12, 0), "a": 1}, **COMPACT)
    assert written == '{"a":1,"b":"2026-12-07T12:00:00+00:00"}'


def test_what_orjson_cannot_write_is_written_by_the_standard_library():
    Pair = namedtuple("Pair", "left right")
    assert json.loads(provider.dumps({"big": 2**70, "pair": Pair(1, 2)}, **COMPACT)) == {
        "big": 2**70, "pair": [1, 2]}


def test_the_hottest_views_response_is_what_jsonify_answers():
    from flask import jsonify

    from api.core.jsonbody import install, json_response

    app = Flask(__name__)
    install(app)
    document = {"b": datetime(2026, 12, 7, 12, 0), "a": [1, "ø"], "big": 2**70}
    with app.app_context():
        for doc in (document, {k: v for k, v in document.items() if k != "big"}):
            built, standard = json_response(doc), jsonify(doc)
            assert built.get_data() == standard.get_data()
            assert built.status_code == standard.status_code == 200
            assert sorted(built.headers.items()) == sorted(standard.headers.items())
