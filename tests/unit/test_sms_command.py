"""The SMS command, the message texts, Kannel's requests and delivery state (pure)."""
from __future__ import annotations

import pytest

from api.passwordreset import command
from api.sms import kannel
from api.sms.gateway import ACCEPTED, DELIVERED, FAILED, QUEUED, BadInbound, InboundSms, next_state
from api.sms.services import dedupe_hash


@pytest.mark.parametrize("text", ["PASSWORD", "password", "  Password \n", "TSC PASSWORD",
                                  "tsc   password"])
def test_the_keyword_in_any_case_with_spaces_or_a_prefix_asks_for_a_reset(text):
    assert command.parse_command(text, "PASSWORD") == command.RESET


@pytest.mark.parametrize("text", ["", "PASS", "PASSWORD please", "a b PASSWORD", "PASSWORDS",
                                  "hello"])
def test_anything_else_is_an_unknown_command(text):
    assert command.parse_command(text, "PASSWORD") == command.UNKNOWN


def test_a_company_keyword_replaces_the_default():
    assert command.parse_command("passord", "PASSORD") == command.RESET
    assert command.parse_command("password", "PASSORD") == command.UNKNOWN


def test_codes_are_six_digits_and_hashed_per_user_with_the_secret():
    code = command.new_code()
    assert len(code) == 6 and code.isdigit()
    assert command.code_hash("s", 1, code) == command.code_hash("s", 1, f" {code} ")
    assert command.code_hash("s", 1, code) != command.code_hash("s", 2, code)
    assert command.code_hash("s", 1, code) != command.code_hash("t", 1, code)
    assert code not in command.code_hash("s", 1, code)


def test_the_reset_sms_holds_the_code_and_link_but_never_the_login():
    text = command.reset_sms("123456", "https://x/reset/tok", 15)
    assert "123456" in text and "https://x/reset/tok" in text and "15 min" in text
    assert "+47" not in text


def test_the_reset_sms_fits_one_message_with_a_real_link():
    link = "https://pbx.example.com/reset/" + command.new_token()
    assert len(command.reset_sms(command.new_code(), link, 15)) <= 160


def test_the_email_names_the_login_only_when_the_caller_allows_it():
    _s, with_login = command.reset_email("123456", "https://x/r", 15, login="+4790000002")
    _s, strict = command.reset_email("123456", "https://x/r", 15, login=None)
    assert "+4790000002" in with_login
    assert "+4790000002" not in strict and "123456" in strict


def test_the_help_text_is_the_same_for_everyone_and_names_the_keyword():
    assert command.help_sms("passord") == command.help_sms("PASSORD")
    assert "PASSORD" in command.help_sms("passord")


def test_kannel_get_url_and_post_url_give_the_same_sms():
    got = kannel.parse_inbound({"from": "+4790000002", "to": "+4741000000", "text": "PASSWORD",
                                "ts": "17", "id": "u-1"}, {}, "")
    posted = kannel.parse_inbound({}, {"X-Kannel-From": "+4790000002", "X-Kannel-To":
                                       "+4741000000", "X-Kannel-Time": "17"}, "PASSWORD")
    assert (got.sender, got.receiver, got.text) == (posted.sender, posted.receiver, posted.text)
    assert got.gateway_id == "u-1"


@pytest.mark.parametrize("query", [{"to": "1", "text": "x"}, {"from": "1", "text": "x"},
                                   {"from": "1", "to": "2"}, {"from": "1", "to": "2", "text": ""},
                                   {"from": "1" * 41, "to": "2", "text": "x"}])
def test_a_request_without_sender_receiver_or_text_is_not_an_sms(query):
    with pytest.raises(BadInbound):
        kannel.parse_inbound(query, {}, "")


def test_delivery_report_types_map_to_states():
    assert kannel.parse_report({"ref": "r", "type": "8"}).state == ACCEPTED
    assert kannel.parse_report({"ref": "r", "type": "1"}).state == DELIVERED
    assert kannel.parse_report({"ref": "r", "type": "16"}).state == FAILED
    assert kannel.parse_report({"ref": "r", "type": "3"}) is None
    assert kannel.parse_report({"type": "1"}) is None


def test_a_late_or_repeated_report_never_moves_the_state_back():
    assert next_state(QUEUED, ACCEPTED) == ACCEPTED
    assert next_state(ACCEPTED, DELIVERED) == DELIVERED
    assert next_state(DELIVERED, ACCEPTED) == DELIVERED
    assert next_state(DELIVERED, DELIVERED) == DELIVERED
    assert next_state(FAILED, ACCEPTED) == FAILED


def test_a_retried_sms_hashes_the_same_and_a_new_one_differently():
    sms = InboundSms("+4790000002", "+4741000000", "PASSWORD", "17", "u-1")
    assert dedupe_hash(sms, "2026-01-01T10:00") == dedupe_hash(sms, "2026-01-01T10:05")
    again = InboundSms("+4790000002", "+4741000000", "PASSWORD", "18", "u-2")
    assert dedupe_hash(sms, "m") != dedupe_hash(again, "m")
    bare = InboundSms("+4790000002", "+4741000000", "PASSWORD")
    assert dedupe_hash(bare, "10:00") != dedupe_hash(bare, "10:01")
