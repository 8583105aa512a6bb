"""HPACK encoding for a client that sends the same headers again and again (APNs: per
device and topic the same method, authority, topic, push type, priority and token; per push
a new path, id and expiry).

`HeaderBlocks` is an `hpack.Encoder` (h2 calls its `encode` for every request) that sends
the fields named fresh (`:path`, `apns-id`, ...) as never-indexed literals, so they never
enter the dynamic table nor push the repeated fields out of it, and remembers the encoding
of the other fields. While the dynamic table is the one they were encoded against (nothing
was added, evicted or resized since), a block with the same repeated fields reuses their
bytes: indexed references to the same entries. Whenever the table changes (a repeated
field seen for the first time, a new provider token, the server's table size) everything
remembered is forgotten and the next block is encoded field by field again, so the server's
decoder always sees the table this encoder has.
"""
from __future__ import annotations

from hpack import Encoder
from hpack.hpack import encode_integer

MAX_SHAPES = 256   # distinct sets of repeated fields remembered at once
NEVER_INDEXED = 0x10


def _length(n: int) -> bytes:
    return bytes(encode_integer(n, 7))   # a raw string's length (no Huffman bit)


class HeaderBlocks(Encoder):
    def __init__(self, fresh: frozenset[bytes]) -> None:
        """`fresh`: the names of the fields that change from request to request."""
        super().__init__()
        self._fresh = fresh
        self._shapes: dict[tuple, list] = {}   # repeated fields -> their encoding, in order
        self._names: dict[bytes, bytes] = {}   # a fresh field's encoded name
        self._head: tuple | None = None        # the table these encodings are valid for:
        self._size = 0                          # its newest entry (by identity) and length

    def encode(self, headers, huffman: bool = True) -> bytes:
        """`headers`: (name, value) pairs of bytes (as h2 hands them over)."""
        entries = self.header_table.dynamic_entries
        if (self.header_table.resized or len(entries) != self._size
                or (entries[0] if entries else None) is not self._head):
            self._shapes.clear()
        fresh = self._fresh
        shape = tuple([h[0] if h[0] in fresh else h for h in headers])
        parts = self._shapes.get(shape)
        if parts is None:
            return self._encode_anew(headers, shape, huffman)
        return b"".join([part or self._literal(h) for part, h in zip(parts, headers)])

    def _encode_anew(self, headers, shape: tuple, huffman: bool) -> bytes:
        block = [self._encode_table_size_change()] if self.header_table.resized else []
        self.header_table.resized = False
        entries = self.header_table.dynamic_entries
        before, size = (entries[0] if entries else None), len(entries)
        fresh = self._fresh
        parts = [None if h[0] in fresh else   # a NeverIndexedHeaderTuple stays one
                 self.add((h[0], h[1]), not getattr(h, "indexable", True), huffman)
                 for h in headers]
        head = entries[0] if entries else None
        if block or head is not before or len(entries) != size:
            self._shapes.clear()   # the table moved: what was remembered no longer holds
        else:
            if len(self._shapes) >= MAX_SHAPES:
                self._shapes.clear()
            self._shapes[shape] = parts   # the table did not move: these bytes stay valid
        self._head, self._size = head, len(entries)
        block.extend(part or self._literal(h) for part, h in zip(parts, headers))
        return b"".join(block)

    def _literal(self, header) -> bytes:
        """A never-indexed literal with a raw (not Huffman-coded) name and value."""
        name, value = header[0], header[1]
        encoded = self._names.get(name)
        if encoded is None:
            encoded = self._names[name] = bytes([NEVER_INDEXED]) + _length(len(name)) + name
        return encoded + _length(len(value)) + value
