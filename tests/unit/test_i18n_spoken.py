"""What a caller hears is worded in the company's language, and spoken with its voice (pure)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from api.availability.announce import activated, referral
from i18n import LANGUAGES
from sip_gateway.core.callmessages import CallPlan, Play, Routed
from sip_gateway.core.queuecontrol import QueueControl
from sip_gateway.core.queuemessages import Entered, QueueStep
from sip_gateway.queuerouting import queue_words
from sip_gateway.tts import voice_for

NOON = datetime(2026, 11, 23, 11, 0, tzinfo=timezone.utc)      # 12:00 in Stockholm
ONE_PM = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
TOMORROW = datetime(2026, 11, 24, 7, 30, tzinfo=timezone.utc)


def test_a_swedish_caller_hears_the_end_time_the_swedish_way():
    assert referral("meeting", "I möte", ONE_PM, NOON, "Europe/Stockholm", "sv") == \
        "Personen du söker är på möte tills 13.00."
    assert referral("lunch", "Lunch", TOMORROW, NOON, "Europe/Stockholm", "sv") == \
        "Personen du söker är på lunch tills den 24 november klockan 08.30."
    assert referral(None, "Kundbesök", None, NOON, "Europe/Stockholm", "sv") == \
        "Personen du söker har status Kundbesök."


def test_a_language_we_do_not_have_is_spoken_in_english():
    assert referral("meeting", "x", ONE_PM, NOON, "Europe/Oslo", "de") == \
        "The person you are calling is in a meeting until 1:00 PM."


@pytest.mark.parametrize("lang, said", [
    ("nb", "Lunsj er nå aktiv til klokken 13:00."),
    ("sv", "Lunch är nu aktiv till klockan 13.00."),
    ("fi", "Tila Lounaalla on nyt käytössä kello 13.00 asti."),
    ("en", "Lunch is now active until 1:00 PM."),
])
def test_the_feature_code_confirms_the_standard_profile_in_the_companys_words(lang, said):
    assert activated("lunch", "Lunch", ONE_PM, NOON, "Europe/Oslo", lang) == said


def test_the_feature_code_says_a_renamed_profile_as_the_user_named_it():
    assert activated("lunch", "Matpause", None, NOON, "Europe/Oslo", "nb") == \
        "Matpause er nå aktiv."


def test_a_swedish_queue_greets_places_and_confirms_in_swedish():
    step = QueueStep(7, 1, "Support", max_wait_s=60, announce_position=True,
                     offer_callback=True, language="sv", words=queue_words("sv"))
    call = QueueControl()
    call.handle(Routed(CallPlan((step,), push=False)))
    out = call.handle(Entered(40, True, 3))
    greeting = next(o for o in out if isinstance(o, Play))
    assert greeting.language == "sv" and greeting.text == (
        "Du har kommit till Support. Du är nummer 3 i kön. "
        "Var god vänta, eller tryck 1 för att bli uppringd.")


@pytest.mark.parametrize("lang, voice", [("nb", "nb"), ("nn", "nb"), ("no-NO", "nb"),
                                         ("sv-SE", "sv"), ("da", "da"), ("fi", "fi"),
                                         ("en", "en"), ("de", "en"), (None, "en")])
def test_each_language_is_spoken_with_its_own_voice(lang, voice):
    assert voice_for(lang) == voice


def test_every_language_with_a_catalog_has_a_voice_of_its_own_or_its_sibling():
    assert {lang: voice_for(lang) for lang in LANGUAGES} == \
        {"nb": "nb", "nn": "nb", "sv": "sv", "da": "da", "fi": "fi", "en": "en"}
