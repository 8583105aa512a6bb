"""The password policies, with the examples from the product brief."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from api.accounts import passwords as pw


def rules(policy, password):
    return {r.rule for r in pw.check_policy(policy, password)}


def test_standard_policy_accepts_four_characters_and_refuses_three():
    assert rules("standard", "abcd") == set()
    assert rules("standard", "abc") == {"min_length"}


def test_strict_policy_refuses_abc12abc_for_its_repeated_sequence():
    assert "no_repeated_sequence" in rules("strict", "abc12abc")
    assert "no_repeated_sequence" in rules("strict", "Abc12abcX")


def test_strict_policy_accepts_ab11ab12_as_far_as_repetition_goes():
    assert "no_repeated_sequence" not in rules("strict", "ab11ab12")
    assert rules("strict", "Ab11ab12") == set()


@pytest.mark.parametrize("password,rule", [
    ("Ab1cD2e", "min_length"),
    ("Abcdefgh", "letters_and_digits"),
    ("12345678", "letters_and_digits"),
    ("abcd1234", "mixed_case"),
    ("ABCD1234", "mixed_case"),
    ("Xy123z123", "no_repeated_sequence"),
])
def test_strict_policy_names_the_rule_that_failed(password, rule):
    assert rule in rules("strict", password)


def test_strict_password_expires_after_ninety_days_and_standard_never_does():
    changed = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert not pw.is_expired("strict", changed, changed + timedelta(days=90))
    assert pw.is_expired("strict", changed, changed + timedelta(days=91))
    assert not pw.is_expired("standard", changed, changed + timedelta(days=900))


def test_hashes_are_argon2id_and_verify_only_the_right_password():
    h = pw.hash_password("Secret12")
    assert h.startswith("$argon2id$")
    assert pw.verify_password(h, "Secret12")
    assert not pw.verify_password(h, "secret12")
    assert not pw.verify_password(None, "anything")
