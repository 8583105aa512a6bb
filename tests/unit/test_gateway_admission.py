"""The gateway's admission limits: read from the environment with useful errors, and which
limit a new call meets."""
from __future__ import annotations

import pytest

from sip_gateway.admission import Admission
from sip_gateway.config import GatewayConfig


def test_the_call_limit_is_half_the_legs_unless_set():
    assert GatewayConfig.from_env({"SIP_MAX_CALLS": "2048"}).call_limit == 1024
    cfg = GatewayConfig.from_env({"SIP_MAX_CALLS": "2048", "SIP_MAX_ACTIVE_CALLS": "300"})
    assert cfg.call_limit == 300


def test_legs_are_capped_at_what_the_build_allows():
    assert GatewayConfig.from_env({"SIP_MAX_CALLS": "100000"}).max_calls == 2048


@pytest.mark.parametrize("name, value, says", [
    ("SIP_MAX_SETUPS", "many", "whole number"),
    ("SIP_MAX_SETUPS", "0", "at least 1"),
    ("SIP_RETRY_AFTER_S", "-3", "at least 1"),
    ("SIP_MAX_ACTIVE_CALLS", "-1", "at least 0"),
])
def test_a_wrong_admission_setting_names_the_variable(name, value, says):
    with pytest.raises(ValueError, match=f"{name}.*{says}"):
        GatewayConfig.from_env({name: value})


def test_a_new_call_meets_the_call_limit_then_the_setup_limit():
    admission = Admission(GatewayConfig.from_env({"SIP_MAX_ACTIVE_CALLS": "10",
                                                  "SIP_MAX_SETUPS": "3",
                                                  "SIP_RETRY_AFTER_S": "5"}))
    assert admission.retry_after == (("Retry-After", "5"),)
    assert admission.full(9, 2) is None
    assert admission.full(10, 0) == "calls"
    assert admission.full(5, 3) == "setups"


def test_a_call_turned_away_is_answered_503_with_retry_after():
    admission = Admission(GatewayConfig.from_env({"SIP_MAX_ACTIVE_CALLS": "1",
                                                  "SIP_RETRY_AFTER_S": "4"}))
    answers = []

    class Leg:
        def answer(self, op):
            answers.append(op)

    def op(status, headers=()):
        return status, tuple(headers)

    assert not admission.turned_away(Leg(), 0, 0, op) and answers == []
    assert admission.turned_away(Leg(), 1, 0, op)
    assert answers == [(503, (("Retry-After", "4"),))]
