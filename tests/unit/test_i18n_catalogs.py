"""The message catalogs: every text the code marks is translated in every language (pure).

The texts are extracted from the sources with Babel, as `make catalogs` does, and compared
with the template and with each language's `.po` file.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from i18n import LANGUAGES, tr, tr_n
from i18n.catalogs import po_file

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"N_": None, "tr": (2,), "tr_n": (2, 3)}
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _extracted() -> set:
    found = set()
    for package in ("api", "push", "sip_gateway", "i18n"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


@pytest.fixture(scope="module")
def extracted():
    return _extracted()


def _catalog(lang: str):
    with po_file(lang).open("rb") as f:
        return read_po(f, locale=lang)


def _key(message):
    return message.id if isinstance(message.id, str) else tuple(message.id)


def test_the_template_holds_exactly_the_texts_in_the_code(extracted):
    with open(ROOT / "i18n" / "messages.pot", "rb") as f:
        template = {_key(m) for m in read_po(f) if m.id}
    assert extracted - template == set(), "run `make catalogs`: texts missing from the template"
    assert template - extracted == set(), "run `make catalogs`: texts no longer used"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_is_translated_in_the_catalog(lang, extracted):
    catalog = {_key(m): m for m in _catalog(lang) if m.id}
    missing = sorted(str(k) for k in extracted if k not in catalog)
    assert missing == [], f"{lang} misses {missing}"
    empty = sorted(str(k) for k, m in catalog.items()
                   if not (m.string if isinstance(m.string, str) else all(m.string)))
    assert empty == [], f"{lang} leaves untranslated {empty}"
    fuzzy = sorted(str(k) for k, m in catalog.items() if m.fuzzy)
    assert fuzzy == [], f"{lang} has unchecked (fuzzy) translations {fuzzy}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_translation_fills_the_same_blanks_as_the_english_text(lang):
    for m in _catalog(lang):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, (lang, m.id, text)


@pytest.mark.parametrize("lang, one, many", [
    ("nb", "i 1 minutt.", "i 15 minutter."), ("nn", "i 1 minutt.", "i 15 minutt."),
    ("sv", "i 1 minut.", "i 15 minuter."), ("da", "i 1 minut.", "i 15 minutter."),
    ("fi", "1 minuutin ajan.", "15 minuutin ajan."), ("en", "for 1 minute.", "for 15 minutes.")])
def test_a_count_takes_the_plural_form_of_its_language(lang, one, many):
    def said(n):
        return tr_n(lang, "The code and the link work once, for {n} minute.",
                    "The code and the link work once, for {n} minutes.", n)
    assert said(1).endswith(one) and said(15).endswith(many)


@pytest.mark.parametrize("lang, expected", [
    ("nb", "Tilgjengelig"), ("nn", "Tilgjengeleg"), ("sv", "Tillgänglig"),
    ("da", "Tilgængelig"), ("fi", "Tavoitettavissa"), ("en", "Available"),
    ("de", "Available"), ("", "Available")])
def test_a_text_is_in_the_language_asked_and_english_otherwise(lang, expected):
    assert tr(lang, "Available") == expected
