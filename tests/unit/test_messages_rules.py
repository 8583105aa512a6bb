"""Opt-out keywords and the company's alphanumeric sender name (pure rules)."""
from __future__ import annotations

import pytest

from api.messages import rules


@pytest.mark.parametrize("text", ["STOP", "stop", " Stop ", "STOPP", "stop please",
                                  "Unsubscribe", "STOP!", "avslutt"])
def test_stop_words_opt_the_sender_out(text):
    assert rules.opt_keyword(text) == rules.STOP


@pytest.mark.parametrize("text", ["START", "start", "Unstop"])
def test_start_words_opt_the_sender_back_in(text):
    assert rules.opt_keyword(text) == rules.START


@pytest.mark.parametrize("text", ["", "   ", "PASSWORD", "please stop", "stopwatch", "hello"])
def test_other_texts_are_not_opt_out_requests(text):
    assert rules.opt_keyword(text) is None


@pytest.mark.parametrize("name", ["ACME", "Acme AS", "Blå-AS".replace("å", "a"), "A1",
                                  "B&O", "ELEVENCHARS"])
def test_short_names_with_a_letter_are_valid_senders(name):
    assert rules.sender_name_problem(name) is None


@pytest.mark.parametrize("name, why", [
    ("TWELVE CHARS", "11 characters"),
    ("12345678", "at least one letter"),
    ("Blåbær", "letters A-Z"),
    (" ACME", "begin or end"),
    ("ACME<script", "letters A-Z"),
    ("", "11 characters"),
])
def test_long_numeric_or_unusual_names_are_refused_with_the_reason(name, why):
    assert why in rules.sender_name_problem(name)
