"""Reading contact and register files, JSON field mapping, and the TTL cache (no database)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from api.callerid import importers
from api.callerid.calldirectory import _unique
from api.callerid.lookup import parse_number
from api.callerid.sources import TTLCache, dig
from api.core import clock


def test_csv_with_semicolons_and_aliases_becomes_contacts():
    text = "Name;Organisation;Mobile;Office;Tags\nKari;Bakeri AS;412 34 567;22112233;vip,customer\n"
    [(line, rec)] = list(importers.read_csv(text))
    assert line == 2
    assert rec["name"] == "Kari" and rec["company"] == "Bakeri AS"
    assert rec["numbers"] == [("mobile", "412 34 567"), ("office", "22112233")]
    assert rec["tags"] == ["vip", "customer"]


def test_csv_first_and_last_name_columns_make_the_name():
    [(_, rec)] = list(importers.read_csv("first_name,last_name,phone\nOla,Nordmann,22112233\n"))
    assert rec["name"] == "Ola Nordmann" and rec["numbers"] == [("phone", "22112233")]


def test_several_numbers_in_one_cell_are_all_kept():
    [(_, rec)] = list(importers.read_csv("name,numbers\nShop,22112233; 22112234\n"))
    assert [n for _, n in rec["numbers"]] == ["22112233", "22112234"]


def test_a_register_export_in_json_reads_lists_and_nested_entries():
    data = ('{"entries": [{"name": "Nordmann Bakeri", "organisation": "Nordmann Bakeri AS", '
            '"address": "Storgata 1", "numbers": ["22112233", "+4741234567"]}, "junk"]}')
    [(_, rec)] = list(importers.read_json(data))
    assert rec["company"] == "Nordmann Bakeri AS" and rec["address"] == "Storgata 1"
    assert [n for _, n in rec["numbers"]] == ["22112233", "+4741234567"]


@pytest.mark.parametrize("reader, text", [(importers.read_json, "{nope"),
                                          (importers.read_json, "42"),
                                          (importers.read_csv, "")])
def test_unreadable_files_are_refused_with_a_reason(reader, text):
    with pytest.raises(importers.ImportError_):
        list(reader(text))


def test_vcard_organisation_unit_becomes_the_department():
    card = ("BEGIN:VCARD\nVERSION:3.0\nN:Hansen;Lars;;;\nORG:Fjord AS;Support\n"
            "TEL;TYPE=WORK,VOICE:22 33 44 55\nEND:VCARD\n")
    [(_, rec)] = list(importers.read_vcard(card))
    assert rec["name"] == "Lars Hansen"
    assert (rec["company"], rec["department"]) == ("Fjord AS", "Support")
    assert rec["numbers"] == [("work", "22 33 44 55")]


def test_dig_follows_dotted_paths_into_objects_and_lists():
    data = {"results": [{"person": {"name": "Ola", "age": 40}}]}
    assert dig(data, "results.0.person.name") == "Ola"
    assert dig(data, "results.1.person.name") is None
    assert dig(data, "results.0.person") is None  # objects are not values
    assert dig(data, None) is None


@pytest.mark.parametrize("raw, expected", [
    ("+4722334455", ("+4722334455", None)), ("22 33 44 55", ("+4722334455", None)),
    ("0047 22334455", ("+4722334455", None)), ("201", (None, "201")),
    ("22334455", ("+4722334455", "22334455")), ("hello", (None, None)),
    ("+47²²³", (None, None)), ("٢٠١", (None, None))])
def test_numbers_are_read_as_e164_or_short_numbers(raw, expected):
    assert parse_number(raw, "NO") == expected


def test_the_call_directory_keeps_one_label_per_number_the_most_trusted():
    rows = [(4722, "Colleague", None, "colleague"), (4722, "Contact", "X", "contact"),
            (4733, "Shop", "Shop AS", "contact")]
    assert list(_unique(rows)) == [(4722, "Colleague"), (4733, "Shop (Shop AS)")]


def test_cached_answers_expire_after_their_ttl():
    cache = TTLCache()
    clock.freeze(datetime(2026, 1, 1, tzinfo=timezone.utc))
    try:
        cache.put("k", None, ttl_s=60)
        assert cache.get("k") == (True, None)  # a cached miss is still an answer
        clock.freeze(clock.now() + timedelta(seconds=61))
        assert cache.get("k") == (False, None)
    finally:
        clock.freeze(None)
