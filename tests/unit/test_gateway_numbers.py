"""How the gateway reads numbers from SIP, writes them to the trunk, and decides who calls."""
from __future__ import annotations

import pytest

from sip_gateway.config import GatewayConfig, Trunk, parse_trunks
from sip_gateway.core.numbers import for_trunk, read
from sip_gateway.origin import Origin, read_caller


@pytest.mark.parametrize("sent", ["+4721000003", "21000003", "004721000003", "4721000003",
                                  "+47 21 00 00 03", "21-00-00-03", "21000003;phone-context=x"])
def test_every_common_form_of_a_norwegian_number_reads_as_the_same_e164(sent):
    assert read(sent, "NO") == "+4721000003"


def test_a_national_number_is_read_in_the_trunks_own_country():
    assert read("98765432", "NO") == "+4798765432"
    assert read("0812345678", "SE") == "+46812345678"
    assert read("0046812345678", "NO") == "+46812345678"


@pytest.mark.parametrize("sent", ["anonymous", "Anonymous", "unknown", "restricted", "", None,
                                  "withheld"])
def test_a_withheld_caller_has_no_number(sent):
    assert read(sent, "NO") is None


@pytest.mark.parametrize("sent", ["*82", "#21", "7002", "alice", "0", "+", "++4721000003",
                                  "21000003" * 3])
def test_feature_codes_short_numbers_and_names_are_no_phone_number(sent):
    assert read(sent, "NO") is None


def test_an_e164_number_only_needs_to_be_possible_a_national_one_valid():
    assert read("+98765432", "NO") == "+98765432"  # a range newer than any metadata
    assert read("1234567", "NO") is None            # seven digits: no Norwegian number


@pytest.mark.parametrize("fmt, norwegian, swedish", [
    ("e164", "+4722222222", "+46812345678"),
    ("national", "22222222", "0046812345678"),
    ("00", "004722222222", "0046812345678")])
def test_the_trunk_gets_numbers_in_the_format_it_is_configured_for(fmt, norwegian, swedish):
    assert for_trunk("+4722222222", fmt, "NO") == norwegian
    assert for_trunk("+46812345678", fmt, "NO") == swedish


def test_a_national_trunk_in_sweden_gets_swedish_national_numbers():
    assert for_trunk("+46812345678", "national", "SE") == "0812345678"
    assert for_trunk("+4722222222", "national", "SE") == "004722222222"


def test_what_is_not_e164_goes_to_the_trunk_as_it_is():
    assert for_trunk("voicemail", "national", "NO") == "voicemail"


def _origin(kind: str, **headers) -> Origin:
    return Origin.of(Trunk("10.0.0.5", kind, "NO"), headers)


def test_a_carriers_caller_is_an_outsider_whatever_number_it_shows():
    who = read_caller(_origin("carrier", **{"p-asserted-identity": "<sip:+4790000001@x>"}),
                      "90000001")
    assert (who.number, who.identity) == ("+4790000001", None)


def test_a_carriers_caller_shown_is_its_from_not_its_asserted_identity():
    origin = _origin("carrier", **{"p-asserted-identity": "<sip:+4790000002@x>"})
    assert read_caller(origin, "90000001").number == "+4790000001"


def test_a_trusted_carriers_asserted_identity_is_the_caller_shown_but_never_a_user():
    trunk = parse_trunks("10.0.0.5;pai=trusted", "NO")[0]
    origin = Origin.of(trunk, {"p-asserted-identity": "<sip:+4790000002@x>"})
    who = read_caller(origin, "90000001")   # From is what the caller wrote
    assert (who.number, who.identity) == ("+4790000002", None)


def test_a_trusted_carrier_withholding_its_asserted_identity_falls_back_to_from():
    trunk = parse_trunks("10.0.0.5;pai=trusted", "NO")[0]
    origin = Origin.of(trunk, {"p-asserted-identity": "<sip:anonymous@x>"})
    assert read_caller(origin, "90000001").number == "+4790000001"


def test_a_mex_peers_asserted_identity_names_the_caller_over_from():
    origin = _origin("mex", **{"p-asserted-identity": "<tel:90000002>"})
    who = read_caller(origin, "anonymous")
    assert (who.number, who.identity) == ("+4790000002", "+4790000002")


def test_a_mex_peer_without_asserted_identity_is_read_by_from():
    assert read_caller(_origin("mex"), "004790000003").identity == "+4790000003"


def test_privacy_withholds_the_number_shown_but_not_the_identity():
    origin = _origin("mex", **{"p-asserted-identity": "<sip:+4790000004@x>",
                               "privacy": "id;critical"})
    who = read_caller(origin, "anonymous")
    assert (who.number, who.identity) == (None, "+4790000004")
    assert read_caller(_origin("carrier", privacy="id"), "90000001").number is None


def test_an_anonymous_caller_stays_withheld_with_no_identity():
    who = read_caller(_origin("carrier"), "anonymous")
    assert (who.number, who.identity) == (None, None)
    origin = _origin("mex", **{"p-asserted-identity": "<sip:anonymous@anonymous.invalid>"})
    assert read_caller(origin, "anonymous").identity is None


def test_a_call_the_edge_authenticated_is_the_users_own_by_its_asserted_identity():
    origin = _origin("edge", **{"p-asserted-identity": "<sip:+4721000005@pbx.local>",
                                "x-pbx-device": "dev5"})
    who = read_caller(origin, "+4790000009")
    assert (who.number, who.identity) == ("+4721000005", "+4721000005")


def test_a_call_the_edge_passed_on_from_a_trunk_is_an_outsiders_whatever_it_asserts():
    origin = _origin("edge", **{"p-asserted-identity": "<sip:+4721000005@pbx.local>"})
    who = read_caller(origin, "+4721000005")
    assert (who.number, who.identity) == ("+4721000005", None)


def test_a_call_the_edge_passed_on_from_its_mex_peer_is_trusted_like_the_mex_peer():
    origin = _origin("edge", **{"p-asserted-identity": "<sip:+4790000009@mex>",
                                "x-pbx-peer": "mex"})
    assert origin.kind == "mex"
    who = read_caller(origin, "anonymous")
    assert (who.number, who.identity) == ("+4790000009", "+4790000009")


def test_the_number_first_called_is_read_from_diversion():
    origin = _origin("carrier", diversion="<sip:21000003@x>;reason=unconditional")
    assert read_caller(origin, "90000001").diverted_from == "+4721000003"


def test_trunks_are_configured_with_kind_country_and_format():
    trunks = parse_trunks("10.0.0.5;format=national, 10.0.0.6;kind=mex;country=se", "NO")
    assert trunks == (Trunk("10.0.0.5", "carrier", "NO", "national"),
                      Trunk("10.0.0.6", "mex", "SE", "e164"))


@pytest.mark.parametrize("text, says", [
    ("10.0.0.5;kind=friend", "kind must be one of"),
    ("10.0.0.5;country=XX", "no country code"),
    ("10.0.0.5;format=+", "format must be one of"),
    ("10.0.0.5;pai=yes", "pai must be one of"),
    ("10.0.0.5;colour=red", "unknown option"),
    (";kind=mex", "no address")])
def test_a_wrong_trunk_option_stops_the_gateway_with_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        parse_trunks(text, "NO")


def test_trunk_peers_stay_carriers_and_trunks_add_peers_with_options():
    cfg = GatewayConfig.from_env({"SIP_TRUNK_PEERS": "10.0.0.5,10.0.0.6",
                                  "SIP_TRUNK_COUNTRY": "se",
                                  "SIP_TRUNKS": "10.0.0.6;kind=mex,10.0.0.7;kind=phones",
                                  "SIP_HOST": "10.0.0.1", "DATABASE_URL": "sqlite://"})
    assert cfg.trunk_for("10.0.0.5") == Trunk("10.0.0.5", "carrier", "SE")
    assert cfg.trunk_for("10.0.0.6").kind == "mex"
    assert cfg.trunk_for("10.0.0.7").kind == "phones"
    assert cfg.trunk_for("10.0.0.1").kind == "carrier"  # the gateway's own forwarded calls
    assert cfg.trunk_for("10.0.0.9") is None


def test_without_configuration_the_local_address_is_a_norwegian_carrier():
    cfg = GatewayConfig.from_env({"DATABASE_URL": "sqlite://"})
    assert cfg.trunk_for("127.0.0.1") == Trunk("127.0.0.1", "carrier", "NO", "e164")
    assert cfg.uris()["trunk_format"] == "e164"


def test_the_outbound_trunks_format_comes_from_its_peer_entry():
    cfg = GatewayConfig.from_env({"SIP_TRUNKS": "10.0.0.5;format=00;country=SE",
                                  "SIP_TRUNK_URI": "sip:10.0.0.5:5060",
                                  "SIP_HOST": "10.0.0.1", "DATABASE_URL": "sqlite://"})
    assert (cfg.uris()["trunk_format"], cfg.uris()["trunk_country"]) == ("00", "SE")
    assert cfg.trunk_for("127.0.0.1") is None  # SIP_TRUNKS alone: only its peers
