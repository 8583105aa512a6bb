"""Marshmallow's and webargs' own messages, marked for the catalogs.

Request validation answers with the library's English texts ("Missing data for required
field."); the problem handler looks each one up in the reader's catalog. A text with parts
("Must be one of: a, b.", "Length must be between 1 and 100.") is recognised by its
template, and the template is worded in the reader's language with the same parts. Tests
keep both lists in step with the library.
"""
from __future__ import annotations

import re
from functools import cache

from i18n import N_, tr
from i18n.catalogs import translations

BUILT_IN = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid period of time."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    N_("Invalid JSON body."),
)

# The library's messages with parts; Range's with every combination of its bounds' words.
TEMPLATES = (
    N_("Must be one of: {choices}."),
    N_("Must be equal to {other}."),
    N_("Shorter than minimum length {min}."),
    N_("Longer than maximum length {max}."),
    N_("Length must be between {min} and {max}."),
    N_("Length must be {equal}."),
    N_("Must be greater than or equal to {min}."),
    N_("Must be greater than {min}."),
    N_("Must be less than or equal to {max}."),
    N_("Must be less than {max}."),
    N_("Must be greater than or equal to {min} and less than or equal to {max}."),
    N_("Must be greater than or equal to {min} and less than {max}."),
    N_("Must be greater than {min} and less than or equal to {max}."),
    N_("Must be greater than {min} and less than {max}."),
    N_("One or more of the choices you made was not in: {choices}."),
    N_("One or more of the choices you made was in: {values}."),
    N_("String does not match expected pattern."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid time."),
    N_("Not a valid aware time."),
    N_("Not a valid naive time."),
    N_("\"{input}\" cannot be formatted as a datetime."),
    N_("\"{input}\" cannot be formatted as a date."),
    N_("\"{input}\" cannot be formatted as a time."),
)


_FIXED_AT_LEAST = 10


@cache
def _patterns(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """Every template of `lang`'s catalog with parts and enough fixed words to be told
    apart ("{who} is {status}" would match any sentence with "is"), as a pattern; the one
    with the most fixed words first, so that a text matches its most specific template."""
    found = []
    for template in translations(lang)._catalog:  # noqa: SLF001 - gettext keeps them there
        if not isinstance(template, str) or "{" not in template:
            continue
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                        for i, p in enumerate(parts))
        fixed = sum(len(p) for p in parts[::2])
        if fixed < _FIXED_AT_LEAST:
            continue
        found.append((fixed, re.compile(regex + r"\Z", re.S), template))
    return tuple((pattern, template) for _f, pattern, template in
                 sorted(found, key=lambda f: -f[0]))


def localise_message(lang: str, text: str) -> str:
    """`text` in `lang`: a catalog message as it is; a message already filled with its parts
    (the library's "Must be one of: a, b.", the service's per-field messages) by its
    template, the parts kept; any other text stays as it is."""
    if lang == "en":
        return text
    translated = tr(lang, text)
    if translated != text:
        return translated
    for pattern, template in _patterns(lang):
        match = pattern.match(text)
        if match:
            return tr(lang, template, **match.groupdict())
    return text
