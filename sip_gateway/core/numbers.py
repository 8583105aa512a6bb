"""Numbers as the gateway reads them from SIP and writes them to the trunk (pure).

Everything the gateway stores, looks up and compares is E.164. What arrives in a Request-URI,
To, From, P-Asserted-Identity or Diversion is whatever the sender writes: national
(`21000003`), with the international prefix (`004721000003`), E.164 (`+4721000003`) or the
country code without its plus (`4721000003`); each is read in the country of the trunk it
came from (a number dialled on a user's phone: in the company's country). A withheld caller
(`anonymous`, `unknown`, nothing at all) has no number: it is never turned into one.
"""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

FORMATS = ("e164", "national", "00")  # what a trunk may want in the numbers it is sent
WITHHELD = frozenset({"", "anonymous", "anonymous.invalid", "unknown", "unavailable",
                      "restricted", "private", "withheld", "invalid"})
_SEPARATORS = re.compile(r"[\s\-().]")
_DIALLABLE = re.compile(r"^\+?[0-9]{2,17}$")


def is_withheld(user: str | None) -> bool:
    """The sender hides (or does not know) the number."""
    return (user or "").strip().lower() in WITHHELD


def _clean(user: str | None) -> str:
    """The user part without URI parameters (`;phone-context=..`) or visual separators."""
    return _SEPARATORS.sub("", (user or "").split(";", 1)[0].strip())


def read(user: str | None, country: str) -> str | None:
    """The number in a SIP user part as E.164, read in `country`; None when it is withheld
    or no phone number (a feature code, a short number, a name).

    `+...` needs only to be a possible number (carriers deliver ranges newer than any
    metadata); a number without the plus must be a valid one, first read as dialled in
    `country` (national or with the international prefix), then as a country code without
    its plus."""
    text = _clean(user)
    if is_withheld(text) or not _DIALLABLE.match(text):
        return None
    if text.startswith("+"):
        parsed = _parse(text, None)
        return _e164(parsed) if parsed is not None and \
            phonenumbers.is_possible_number(parsed) else None
    for candidate, region in ((text, country.upper()), ("+" + text, None)):
        parsed = _parse(candidate, region)
        if parsed is not None and phonenumbers.is_valid_number(parsed):
            return _e164(parsed)
    return None


def _parse(text: str, region: str | None):
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _e164(parsed) -> str:
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


def for_trunk(number: str, number_format: str, country: str) -> str:
    """An E.164 number as a trunk configured for `number_format` wants it: `e164`
    (`+4721000003`), `national` (`21000003`; a number abroad with the international prefix
    as dialled from `country`, `0046812345678` from Norway) or `00` (`004721000003`).
    Anything that is not E.164 (a SIP user name) is left as it is."""
    if number_format == "e164" or not number.startswith("+"):
        return number
    parsed = _parse(number, None)
    if parsed is None:
        return number
    if number_format == "00":
        nsn = phonenumbers.national_significant_number(parsed)
        return f"00{parsed.country_code}{nsn}"
    dialled = phonenumbers.format_out_of_country_calling_number(parsed, country.upper())
    return re.sub(r"[^0-9+]", "", dialled)


def valid_country(country: str) -> bool:
    """An ISO 3166 alpha-2 code phone numbers know (`NO`, `SE`)."""
    return phonenumbers.country_code_for_region(country.upper()) != 0
