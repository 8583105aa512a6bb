"""Whose language a text is in, and how times are said in it (pure)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from i18n import (best_accepted, caller_language, clock, day_and_clock, from_accept_language,
                  normalise, user_language)

ONE_PM_OSLO = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("tag, lang", [
    ("nb", "nb"), ("nb-NO", "nb"), ("no", "nb"), ("no_NO", "nb"), ("nn-NO", "nn"),
    ("sv-FI", "sv"), ("SV", "sv"), ("da-DK", "da"), ("fi", "fi"), ("en-GB", "en"),
    ("de-DE", None), ("", None), (None, None), ("x", None)])
def test_a_language_tag_names_one_of_the_supported_languages_or_none(tag, lang):
    assert normalise(tag) == lang


@pytest.mark.parametrize("user, device, company, lang", [
    ("sv", "nb-NO", "da", "sv"),      # the user's choice first
    (None, "nn-NO", "nb", "nn"),      # else the phone's locale
    (None, "de-DE", "fi", "fi"),      # a locale we do not have: the company's
    (None, None, "da", "da"),
    ("de", None, None, "en"),         # nothing we have: English
])
def test_a_user_reads_their_own_language_else_the_phones_else_the_companys(user, device,
                                                                          company, lang):
    assert user_language(user, device, company) == lang


def test_a_caller_hears_the_queues_greeting_language_else_the_companys():
    assert caller_language("sv", "fi") == "fi"
    assert caller_language("sv", None) == "sv"
    assert caller_language("de", None) == "en"


@pytest.mark.parametrize("header, lang", [
    ("nb-NO,nb;q=0.9,en;q=0.8", "nb"),
    ("en-US,en;q=0.9,sv;q=0.8", "en"),
    ("de-DE,sv;q=0.5,da;q=0.7", "da"),   # q-values, not order
    ("fi;q=0, sv", "sv"),                # q=0: not acceptable
    ("*", "en"), ("", "en"), (None, "en"), ("garbage;;q=x", "en"),
])
def test_a_request_without_a_user_goes_by_accept_language(header, lang):
    assert from_accept_language(header) == lang


@pytest.mark.parametrize("lang, said", [
    ("nb", "13:00"), ("nn", "13:00"), ("sv", "13.00"), ("da", "13.00"), ("fi", "13.00"),
    ("en", "1:00 PM")])
def test_the_clock_is_written_as_the_language_writes_it_in_the_companys_zone(lang, said):
    assert clock(ONE_PM_OSLO, "Europe/Oslo", lang) == said


def test_another_day_is_named_with_its_date_and_today_is_not():
    today = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
    assert day_and_clock(ONE_PM_OSLO, today, "Europe/Oslo", "nb") == (None, "13:00")
    yesterday = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)
    assert day_and_clock(ONE_PM_OSLO, yesterday, "Europe/Oslo", "sv") == ("7 december", "13.00")
    assert day_and_clock(ONE_PM_OSLO, yesterday, "Europe/Helsinki", "fi") == \
        ("7. joulukuuta", "14.00")


def test_a_header_naming_no_language_we_have_leaves_the_choice_to_the_next_rule():
    assert best_accepted("de-DE, fr;q=0.5") is None
    assert user_language(None, best_accepted("de-DE"), "sv") == "sv"
    assert from_accept_language("de-DE", default="da") == "da"
