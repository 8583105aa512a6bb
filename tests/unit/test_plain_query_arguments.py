"""The hottest reads load their query without webargs when it is plainly valid: what they
load is exactly what webargs loads, and what webargs refuses is never taken as plain."""
from __future__ import annotations

import pytest
from flask import Flask, request
from flask_smorest import Blueprint
from hypothesis import given, settings, strategies as st
from werkzeug.exceptions import UnprocessableEntity

from api.availability.routes_settings import PREVIEW_ARGS, plain_preview_query
from api.callerid.schemas import LookupQueryArgsSchema, plain_lookup_query

REFUSED = object()
values = st.one_of(st.text(max_size=45), st.sampled_from(
    ["", "true", "FALSE", "yes", "1", "office", "mobile", "main", "short", "fax",
     "+4790000003", "2026-12-07T12:00:00+00:00", "2026-12-07T12:00:00", "a\x00b", "x" * 41]))
queries = st.lists(st.tuples(st.sampled_from(["caller", "dialled", "busy", "at", "number",
                                              "other"]), values), max_size=4)
app = Flask(__name__)


def _webargs(schema, query):
    with app.test_request_context(query_string=query):
        try:
            return Blueprint.ARGUMENTS_PARSER.parse(schema, request, location="query")
        except UnprocessableEntity:
            return REFUSED


def _plain(plain, query):
    with app.test_request_context(query_string=query):
        return plain(request.args)


CASES = [(PREVIEW_ARGS, plain_preview_query), (LookupQueryArgsSchema(), plain_lookup_query)]


@pytest.mark.parametrize(("schema", "plain"), CASES, ids=["preview", "lookup"])
@settings(max_examples=300, deadline=None)
@given(query=queries)
def test_a_plainly_valid_query_loads_exactly_what_webargs_loads(schema, plain, query):
    got = _plain(plain, query)
    assert got is None or got == _webargs(schema, query)


def test_the_usual_queries_take_the_plain_path_and_bad_ones_do_not():
    assert _plain(plain_preview_query, []) == {"dialled": "office"}
    assert _plain(plain_preview_query, [("caller", "91234567"), ("busy", "True"),
                                        ("dialled", "mobile")]) == {
        "caller": "91234567", "busy": True, "dialled": "mobile"}
    assert _plain(plain_lookup_query, [("number", "+4790000003")]) == {"number": "+4790000003"}
    for query in ([("dialled", "fax")], [("busy", "1")], [("at", "2026-12-07T12:00:00Z")]):
        assert _plain(plain_preview_query, query) is None
    for query in ([], [("number", "")], [("number", "x" * 41)], [("number", "1\x002")]):
        assert _plain(plain_lookup_query, query) is None
