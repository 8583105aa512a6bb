"""Counting an SMS as a phone does: GSM-7 or UCS-2, places, parts and where parts split."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.sms import encoding
from api.sms.encoding import GSM7, UCS2

GSM_CHARS = sorted(encoding.GSM7_BASIC | encoding.GSM7_EXTENSION)


@pytest.mark.parametrize("text, enc, units, parts, left", [
    ("", GSM7, 0, 0, 160),
    ("Hei", GSM7, 3, 1, 157),
    ("x" * 160, GSM7, 160, 1, 0),
    ("x" * 161, GSM7, 161, 2, 145),
    ("x" * 306, GSM7, 306, 2, 0),
    ("x" * 307, GSM7, 307, 3, 152),
    ("Blåbærsyltetøy på Ærø", GSM7, 21, 1, 139),   # Norwegian letters are GSM-7
    ("€" * 80, GSM7, 160, 1, 0),                     # the extension table counts double
    ("€" * 81, GSM7, 162, 2, 143),                   # 76 € fill 152 of 153 places
    ("[]{}^~\\|", GSM7, 16, 1, 144),
    ("✓", UCS2, 1, 1, 69),
    ("✓" * 70, UCS2, 70, 1, 0),
    ("✓" * 71, UCS2, 71, 2, 63),
    ("😀" * 35, UCS2, 70, 1, 0),                     # an emoji takes two UTF-16 units
    ("😀" * 36, UCS2, 72, 2, 61),
    ("ç", UCS2, 1, 1, 69),                           # only the capital Ç is in GSM-7
    ("Møte kl. 14 ✓", UCS2, 13, 1, 57),              # one character makes it all UCS-2
])
def test_a_text_is_counted_as_a_phone_counts_it(text, enc, units, parts, left):
    c = encoding.count(text)
    assert (c.encoding, c.units, c.parts, c.left) == (enc, units, parts, left)


def test_the_characters_that_force_unicode_are_named_once_each():
    assert encoding.count("Møte ✓ kl. 14 ✓ 😀").unicode_characters == ("✓", "😀")
    assert encoding.count("Møte kl. 14").unicode_characters == ()


def test_a_part_never_ends_between_the_two_places_of_an_extension_character():
    parts = encoding.split("x" * 152 + "€" + "y" * 10)
    assert parts == ["x" * 152, "€" + "y" * 10]


def test_a_part_never_splits_an_emoji_into_its_two_halves():
    parts = encoding.split("a" * 66 + "😀" + "b" * 10)
    assert parts == ["a" * 66, "😀" + "b" * 10]


@given(st.text(alphabet=st.sampled_from(GSM_CHARS), max_size=700))
def test_any_gsm_text_stays_gsm_and_its_parts_fit(text):
    c = encoding.count(text)
    parts = encoding.split(text)
    assert c.encoding == GSM7 and "".join(parts) == text and len(parts) == c.parts
    assert c.per_part == (160 if len(parts) <= 1 else 153)
    assert all(encoding.units(p, GSM7) <= c.per_part for p in parts)
    assert 0 <= c.left < c.per_part or (c.left == c.per_part and text == "")


@given(st.text(max_size=400))
def test_any_text_splits_into_parts_that_join_back_and_fit(text):
    c = encoding.count(text)
    parts = encoding.split(text)
    assert "".join(parts) == text and len(parts) == c.parts
    assert c.units == sum(encoding.units(p, c.encoding) for p in parts)
    if len(parts) > 1:
        assert all(encoding.units(p, c.encoding) <= c.per_part for p in parts)
        # greedy as a phone: every part but the last is full, but for a two-place character
        assert all(encoding.units(p, c.encoding) >= c.per_part - 1 for p in parts[:-1])
    assert (c.encoding == GSM7) == encoding.is_gsm7(text)
    assert c.left >= 0


@given(st.text(max_size=200), st.text(min_size=1, max_size=20))
def test_a_longer_text_never_needs_fewer_parts(text, more):
    assert encoding.count(text + more).parts >= encoding.count(text).parts
