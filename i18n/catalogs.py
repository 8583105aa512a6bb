"""The compiled catalogs, one per language, English (the source text) as the fallback.

A catalog is package data, read like a module's source: once per process, on first use,
and the same every time. Two threads asking for a language at once may both compile it;
either result is the same, and the dictionary keeps one.
"""
from __future__ import annotations

import gettext
import io
from importlib import resources

LANGUAGES = ("nb", "nn", "sv", "da", "fi", "en")
DOMAIN = "messages"

_compiled: dict[str, gettext.NullTranslations] = {}


def po_file(lang: str):
    """The catalog source of `lang` (an importlib resource)."""
    return resources.files(__package__).joinpath("locales", lang, "LC_MESSAGES",
                                                 DOMAIN + ".po")


def _compile(lang: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = po_file(lang)
    if lang == "en" or not source.is_file():
        return gettext.NullTranslations()
    with source.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translations(lang: str) -> gettext.NullTranslations:
    """The catalog for a supported language (English for any other)."""
    found = _compiled.get(lang)
    if found is None:
        found = _compiled.setdefault(lang, _compile(lang if lang in LANGUAGES else "en"))
    return found


def tr(lang: str, message: str, **values) -> str:
    """`message` in `lang`, with `{name}` placeholders filled from `values`."""
    text = translations(lang).gettext(message)
    return text.format(**values) if values else text


def tr_n(lang: str, singular: str, plural: str, n: int, **values) -> str:
    """The plural form of `lang` for `n` (`{n}` is available in the text)."""
    return translations(lang).ngettext(singular, plural, n).format(n=n, **values)
