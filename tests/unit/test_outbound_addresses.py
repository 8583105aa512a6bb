"""The outbound guard's address rule and name resolution (no connection is made here)."""
from __future__ import annotations

import ipaddress

import pytest

from api.core.outbound import Guard, Refused, is_public, literal_address, use_resolver


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1",
    "169.254.169.254", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "192.0.2.10",
    "::", "::1", "fe80::1", "fc00::1", "fd12::1", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:8.8.8.8", "::127.0.0.1", "2002:7f00:1::1", "2001::1", "64:ff9b::7f00:1",
    "2001:db8::1"])
def test_no_local_private_special_or_ipv4_carrying_address_counts_as_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_globally_routed_unicast_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("host, address", [
    ("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("[::1]", "::1"),
    ("017700000001", "127.0.0.1")])
def test_every_legacy_spelling_of_an_address_is_read_as_that_address(host, address):
    assert str(literal_address(host)) == address


def test_a_name_with_one_private_answer_among_public_ones_is_refused():
    with use_resolver({"mixed.invalid": ["93.184.215.14", "10.0.0.7"],
                       "public.invalid": ["93.184.215.14"]}):
        with pytest.raises(Refused, match="public"):
            Guard().address_for("mixed.invalid")
        assert Guard().address_for("public.invalid") == "93.184.215.14"


def test_a_name_pointing_at_a_metadata_address_is_refused_unless_the_operator_allows_it():
    with use_resolver({"meta.invalid": ["169.254.169.254"]}):
        with pytest.raises(Refused):
            Guard().check_url("http://meta.invalid/latest/meta-data/")
        assert Guard(allowed=frozenset({"meta.invalid"})).address_for("meta.invalid") == \
            "169.254.169.254"


@pytest.mark.parametrize("url, reason", [
    ("ftp://93.184.215.14/x", "http and https"), ("file:///etc/passwd", "http and https"),
    ("gopher://93.184.215.14:70/", "http and https"), ("http://93.184.215.14:22/", "port 22"),
    ("http://93.184.215.14:25/", "port 25"), ("http://a b.invalid/", "spaces"),
    ("http://93.184.215.14\\@x.invalid/", "backslashes"), ("http:///x", "no host")])
def test_only_http_and_https_on_sane_ports_with_unambiguous_addresses_are_read(url, reason):
    with pytest.raises(Refused, match=reason):
        Guard().check_url(url)
