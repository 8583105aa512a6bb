"""APNs request headers: each push has its own well-formed apns-id, and whatever the HPACK
encoder remembers, the server's decoder reads back exactly the headers that were sent, with
what changes per push kept out of the table."""
from __future__ import annotations

import random
import uuid

from hpack import Decoder, NeverIndexedHeaderTuple

from push.apns import new_apns_id
from push.hpackblocks import HeaderBlocks

FRESH = frozenset({b":path", b"apns-id", b"apns-expiration"})


def request(token: bytes, topic: bytes, bearer: bytes, n: int) -> list[tuple[bytes, bytes]]:
    return [(b":method", b"POST"), (b":scheme", b"https"), (b":authority", b"api.push.apple.com"),
            (b":path", b"/3/device/" + token), (b"apns-topic", topic),
            (b"apns-push-type", b"voip"), (b"apns-priority", b"10"),
            (b"authorization", b"bearer " + bearer),
            (b"apns-expiration", str(1_700_000_000 + n).encode()),
            (b"apns-id", f"00000000-0000-4000-8000-{n:012d}".encode())]


def decoded(decoder: Decoder, block: bytes) -> list[tuple[bytes, bytes]]:
    return [(bytes(k), bytes(v)) for k, v in decoder.decode(block, raw=True)]


def test_every_push_gets_its_own_random_uuid_as_apns_id():
    ids = [new_apns_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_every_block_decodes_to_its_headers_through_new_tokens_topics_and_table_resizes():
    rng = random.Random(26)
    encoder, decoder = HeaderBlocks(FRESH), Decoder()
    bearers = [b"jwt-%d." % i + b"x" * rng.randrange(100, 600) for i in range(6)]
    topics = [b"no.example.app%d.voip" % i for i in range(12)]
    for n in range(3000):
        if rng.random() < 0.01:   # the server changes its table size now and then
            encoder.header_table_size = rng.choice([0, 256, 1024, 4096])
        headers = request(b"%064x" % rng.randrange(50), rng.choice(topics),
                          rng.choice(bearers[:1 + n // 500]), n)
        assert decoded(decoder, encoder.encode(headers)) == headers, f"request {n}"


def test_the_fields_that_change_per_push_and_those_marked_never_indexed_stay_out_of_the_table():
    encoder, decoder = HeaderBlocks(FRESH), Decoder()
    for n in range(20):
        headers = request(b"%064x" % n, b"no.example.pbx.voip", b"t", n)
        headers.append(NeverIndexedHeaderTuple(b"x-secret", b"s3cret"))
        assert decoded(decoder, encoder.encode(headers)) == headers
    names = {bytes(name) for name, _ in decoder.header_table.dynamic_entries}
    assert names == {b":authority", b"apns-topic", b"apns-push-type", b"apns-priority",
                     b"authorization"}


def test_a_repeated_request_sends_one_byte_for_each_field_it_repeats():
    encoder = HeaderBlocks(FRESH)
    first = encoder.encode(request(b"a" * 64, b"no.example.pbx.voip", b"t" * 300, 1))
    encoder.encode(request(b"a" * 64, b"no.example.pbx.voip", b"t" * 300, 2))
    headers = request(b"a" * 64, b"no.example.pbx.voip", b"t" * 300, 3)
    third = encoder.encode(headers)
    # a literal: its kind, the name's length, the name, the value's length, the value
    literals = sum(3 + len(k) + len(v) for k, v in headers if k in FRESH)
    assert len(third) == (len(headers) - 3) + literals
    assert len(first) > 300
