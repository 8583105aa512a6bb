"""The compiled catalogs, one per language, English (the source text) as the fallback."""
from __future__ import annotations

import gettext
import io
import os
import threading

LANGUAGES = ("nb", "nn", "sv", "da", "fi", "en")
DOMAIN = "messages"
LOCALES = os.path.join(os.path.dirname(__file__), "locales")

_lock = threading.Lock()
_compiled: dict[str, gettext.NullTranslations] = {}


def po_path(lang: str) -> str:
    return os.path.join(LOCALES, lang, "LC_MESSAGES", DOMAIN + ".po")


def _compile(lang: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = po_path(lang)
    if lang == "en" or not os.path.exists(path):
        return gettext.NullTranslations()
    with open(path, "rb") as f:
        catalog = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translations(lang: str) -> gettext.NullTranslations:
    """The catalog for a supported language (English for any other)."""
    found = _compiled.get(lang)
    if found is None:
        with _lock:
            found = _compiled.get(lang)
            if found is None:
                found = _compiled[lang] = _compile(lang if lang in LANGUAGES else "en")
    return found


def tr(lang: str, message: str, **values) -> str:
    """`message` in `lang`, with `{name}` placeholders filled from `values`."""
    text = translations(lang).gettext(message)
    return text.format(**values) if values else text


def tr_n(lang: str, singular: str, plural: str, n: int, **values) -> str:
    """The plural form of `lang` for `n` (`{n}` is available in the text)."""
    return translations(lang).ngettext(singular, plural, n).format(n=n, **values)
