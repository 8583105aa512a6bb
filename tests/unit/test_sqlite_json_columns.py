"""SQLite's JSON columns are read by orjson where it reads them as the standard library
does, and by the standard library where it would not: every value comes back the same."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from api.core.db import sqlite_json_loads

leaves = st.one_of(st.none(), st.booleans(), st.integers(-2**80, 2**80),
                   st.floats(allow_nan=False), st.text(max_size=12))
documents = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20)


def same(a, b) -> bool:
    """Equal, and of the same types throughout (1 and 1.0 are not the same value here)."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True) and repr(a) == repr(b)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_a_json_column_reads_back_what_the_standard_library_reads(document):
    text = json.dumps(document)
    assert same(sqlite_json_loads(text), json.loads(text))


@pytest.mark.parametrize("text", [
    "18446744073709551616", "-9223372036854775809", '{"n": 123456789012345678901234567890}',
    '"\\ud800"', "1e400", '{"x": -Infinity}'])
def test_what_orjson_would_read_differently_or_refuse_is_read_by_the_standard_library(text):
    assert same(sqlite_json_loads(text), json.loads(text))


def test_nan_reads_as_nan_and_malformed_text_is_refused_as_before():
    assert math.isnan(sqlite_json_loads("NaN"))
    with pytest.raises(json.JSONDecodeError):
        sqlite_json_loads('{"a": 1,}')
