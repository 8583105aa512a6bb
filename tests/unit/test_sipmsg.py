"""Reading raw SIP and writing the few headers and error responses the gateway makes (pure)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from sip_gateway import sipmsg
from sip_gateway.sipmsg import diversion_headers, error_reply, forwarded_headers, identity_user, parse

HEAD = ("INVITE sip:+4721999999@gw SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK-1\r\n"
        "From: <sip:+4791234567@10.0.0.5>;tag=a\r\nTo: <sip:+4721999999@gw>\r\n"
        "Call-ID: c-1@10.0.0.5\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")


def _without(name: str) -> str:
    return "".join(line + "\r\n" for line in HEAD.split("\r\n")[:-2]
                   if not line.startswith(name + ":")) + "\r\n"


@pytest.mark.parametrize("raw, where, missing", [
    (HEAD, ("UDP", "10.0.0.5", 5070), ()),
    (_without("Call-ID"), ("UDP", "10.0.0.5", 5070), ("Call-ID",)),
    (_without("CSeq"), ("UDP", "10.0.0.5", 5070), ("CSeq",)),
    (_without("From"), ("UDP", "10.0.0.5", 5070), ("From",)),
    (_without("To"), ("UDP", "10.0.0.5", 5070), ("To",)),
    (HEAD.replace("UDP 10.0.0.5:5070", "TCP 10.0.0.5"), ("TCP", "10.0.0.5", 5060), ()),
    (HEAD.replace("z9hG4bK-1", "z9hG4bK-1;rport=6000;received=10.0.0.9"),
     ("UDP", "10.0.0.9", 6000), ()),
    (HEAD.replace("Via:", "v:").replace("Call-ID:", "i:"), ("UDP", "10.0.0.5", 5070), ()),
])
def test_an_error_reply_goes_where_the_top_via_says_and_names_what_is_missing(
        raw, where, missing):
    reply = error_reply(raw.encode(), 400, "Bad Request", "Malformed request")
    assert (reply.transport, reply.host, reply.port) == where
    assert reply.missing == missing
    text = reply.data.decode()
    assert text.startswith("SIP/2.0 400 Bad Request\r\nVia: SIP/2.0/")
    assert text.endswith("Content-Length: 0\r\n\r\n")
    assert ("missing " + ", ".join(missing)) in text if missing else "missing" not in text
    if "To" not in missing:
        assert ";tag=gw-refused" in text  # a response to an INVITE carries a To tag


@pytest.mark.parametrize("raw", [
    b"", b"\x00\xffnot sip at all\r\n\r\n", b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 1.2.3.4\r\n\r\n",
    _without("Via").encode(),
    HEAD.replace("INVITE sip:", "ACK sip:").encode(),  # an ACK is never answered
    HEAD.replace("10.0.0.5:5070", "pbx.example.com:5070").encode(),  # no DNS on the call thread
    HEAD.replace("10.0.0.5:5070", "10.0.0.5:70000").encode(),
    HEAD.replace("UDP", "SCTP").encode(),
])
def test_no_reply_without_a_request_line_and_a_usable_via(raw):
    assert error_reply(raw, 400, "Bad Request", "x") is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([
    b"", HEAD.encode(), HEAD.split("Content-Length")[0].encode() + b"From: ",
    HEAD.split("Via:")[0].encode() + b"Via: SIP/2.0/UDP 10.0.0.5;x="]))
def test_any_bytes_give_a_well_formed_reply_or_none(noise, prefix):
    reply = error_reply(prefix + noise, 513, "Message Too Large", "x")
    if reply is not None:
        first, *rest = reply.data.split(b"\r\n")
        assert first == b"SIP/2.0 513 Message Too Large"
        assert rest[0].startswith(b"Via: SIP/2.0/") and 0 < reply.port < 65536
        assert reply.data.endswith(b"\r\n\r\n") and b"\r\n\r\n" not in reply.data[:-4]


@pytest.mark.parametrize("value, number", [
    ("<sip:+4722000000@10.0.0.5>", "+4722000000"), ("<tel:+4722000000>", "+4722000000"),
    ('"Sales" <sip:22000000@pbx;user=phone>', "22000000"), ("", None), (None, None),
    ("<http://example.com>", None)])
def test_the_number_a_device_asks_to_show_is_read_from_sip_and_tel_uris(value, number):
    assert identity_user(value) == number


@pytest.mark.parametrize("reason, cause", [("no-answer", 408), ("unconditional", 302),
                                           ("user-busy", 486)])
def test_a_forwarded_leg_names_the_called_number_in_diversion_and_history_info(reason, cause):
    diversion, history = diversion_headers("+4721000001", "sip:vm@10.0.0.9", reason, "gw:5060")
    assert diversion == ("Diversion",
                         f"<sip:+4721000001@gw:5060>;reason={reason};counter=1")
    assert history == ("History-Info", "<sip:+4721000001@gw:5060>;index=1,"
                                       f"<sip:vm@10.0.0.9;cause={cause}>;index=1.1;mp=1")


def test_a_forwarded_call_passes_its_diversion_and_history_info_on_to_the_phones():
    raw = ("INVITE sip:+4722000002@gw SIP/2.0\r\nCall-ID: x\r\nFrom: <sip:+4791234567@t>\r\n"
           "To: <sip:+4722000002@gw>\r\n"
           "Diversion: <sip:+4722000001@gw>;reason=no-answer;counter=1\r\n"
           "History-Info: <sip:+4722000001@gw>;index=1,<sip:+4722000002@gw;cause=408>;index=1.1"
           "\r\n\r\n")
    assert forwarded_headers(parse(raw).headers) == [
        ("Diversion", "<sip:+4722000001@gw>;reason=no-answer;counter=1"),
        ("History-Info", "<sip:+4722000001@gw>;index=1,<sip:+4722000002@gw;cause=408>;index=1.1")]
    assert forwarded_headers(parse(raw.split("Diversion")[0] + "\r\n").headers) == []


@given(st.text(max_size=700))
def test_only_printable_header_values_of_sane_length_are_passed_on(value):
    out = forwarded_headers({"diversion": value})
    if out:
        assert out[0][1] == value and len(value) <= 512
        assert all(" " <= ch <= "~" for ch in value)


def test_the_phones_see_a_colleagues_or_company_contacts_name_in_from_safe_to_quote():
    from sip_gateway.sipmsg import display_name

    hit = {"name": 'Bergen "Elektro" AS', "source": "company_contact"}
    assert display_name(hit, "+4755000000") == "Bergen Elektro AS"
    assert display_name({"name": "Kåre\r\nVia: x", "source": "colleague"}, "+4790000001") \
        == "KåreVia: x"


def test_an_external_sources_guess_or_a_withheld_caller_gives_the_phones_no_name():
    from sip_gateway.sipmsg import display_name

    assert display_name({"name": "Maybe Spam Ltd", "source": "external"}, "+4755000000") is None
    assert display_name({"name": "Bergen Elektro AS", "source": "company_contact"}, None) is None
    assert display_name(None, "+4755000000") is None


def _info(content_type: str, body: str) -> str:
    return (f"INFO sip:gw@127.0.0.1 SIP/2.0\r\nCall-ID: k1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}")


def test_an_info_carrying_a_key_as_application_dtmf_yields_the_key():
    assert sipmsg.info_key(_info("application/dtmf", "5\r\n")) == "5"
    assert sipmsg.info_key(_info("Application/DTMF; charset=x", "#")) == "#"
    assert sipmsg.info_key(_info("application/dtmf", "a")) == "A"


def test_an_application_dtmf_info_without_a_key_is_told_apart_from_other_infos():
    assert sipmsg.info_key(_info("application/dtmf", "hello")) == ""
    assert sipmsg.info_key(_info("application/dtmf", "")) == ""
    assert sipmsg.info_key(_info("application/dtmf-relay", "Signal=5\r\nDuration=160")) is None
    assert sipmsg.info_key(_info("application/media_control+xml", "<x/>")) is None


def _refer(refer_to: str, name: str = "Refer-To") -> str:
    return (f"REFER sip:gw@127.0.0.1 SIP/2.0\r\nCall-ID: r1\r\n{name}: {refer_to}\r\n"
            "Content-Length: 0\r\n\r\n")


def test_a_refer_to_names_the_number_the_host_and_any_dialog_it_replaces():
    assert sipmsg.refer_to(_refer("<sip:101@127.0.0.1:5060>")) == sipmsg.ReferTo(
        "101", "127.0.0.1:5060")
    assert sipmsg.refer_to(_refer('"Bob" <sips:%2B4722334455@PBX.example;user=phone>', "r")) \
        == sipmsg.ReferTo("+4722334455", "pbx.example")
    assert sipmsg.refer_to(_refer(
        "<sip:102@gw?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>")).replaces \
        == "abc@h;to-tag=1;from-tag=2"


def test_a_refer_without_a_usable_refer_to_names_nothing():
    assert sipmsg.refer_to(_refer("<tel:+4722334455>")) is None
    assert sipmsg.refer_to(_refer("<sip:gw.example>")) is None
    assert sipmsg.refer_to("REFER sip:gw SIP/2.0\r\nCall-ID: r2\r\n\r\n") is None
