"""Phone numbers: everything is stored and compared in E.164."""
from __future__ import annotations

import functools

import phonenumbers

from i18n import N_

from .errors import field_error


class InvalidNumber(ValueError):
    pass


def to_e164(raw: str, region: str) -> str:
    """Normalise a number in any common format to E.164 with `region` as default country.

    Raises InvalidNumber when the text is not a valid phone number.
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidNumber("empty number")
    if text.startswith("00"):
        text = "+" + text[2:]
    e164, error = _parsed(text, region.upper() if region else None)
    if e164 is None:
        raise InvalidNumber(error.format(raw=raw))
    return e164


@functools.lru_cache(maxsize=8192)
def _parsed(text: str, region: str | None) -> tuple[str | None, str | None]:
    """(E.164, None), or (None, why not). Parsing and validating costs about 0.1 ms; the
    answer depends only on the text and the region (the numbering plans are fixed for the
    life of the process), so each worker keeps the most recent ones: callers call again."""
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        return None, str(exc).replace("{", "{{").replace("}", "}}")
    if not phonenumbers.is_valid_number(parsed):
        return None, "{raw!r} is not a valid phone number"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def try_e164(raw: str | None, region: str) -> str | None:
    """E.164 or None (for lookups, where a bad number is simply not found)."""
    if not raw:
        return None
    try:
        return to_e164(raw, region)
    except InvalidNumber:
        return None


def normalise_field(field: str, raw: str | None, region: str) -> str | None:
    """E.164 for an API field, or a 422 naming the field."""
    if raw is None or raw == "":
        return None
    try:
        return to_e164(raw, region)
    except InvalidNumber:
        raise field_error(field, N_("'{number}' is not a valid phone number for region {region}"),
                          number=raw, region=region)
