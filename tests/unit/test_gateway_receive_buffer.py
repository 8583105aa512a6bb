"""The SIP UDP socket's receive buffer: asked for by default, the system's own on request."""
from __future__ import annotations

import pytest

from sip_gateway.config import GatewayConfig


def test_the_gateway_asks_for_a_4_mib_receive_buffer_unless_told_otherwise():
    assert GatewayConfig.from_env({}).udp_receive_buffer == 4 << 20
    assert GatewayConfig.from_env({"SIP_UDP_RECEIVE_BUFFER": "0"}).udp_receive_buffer == 0
    assert GatewayConfig.from_env(
        {"SIP_UDP_RECEIVE_BUFFER": "16777216"}).udp_receive_buffer == 16 << 20


@pytest.mark.parametrize("value, says", [("lots", "whole number"), ("-1", "at least 0")])
def test_a_wrong_receive_buffer_names_the_variable(value, says):
    with pytest.raises(ValueError, match=f"SIP_UDP_RECEIVE_BUFFER must be .*{says}"):
        GatewayConfig.from_env({"SIP_UDP_RECEIVE_BUFFER": value})
