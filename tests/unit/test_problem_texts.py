"""The texts of problem details can be worded in every language: the service's own carry
their parts apart from the wording, and the validation library's are in the catalogs."""
from __future__ import annotations

import inspect

import marshmallow
from marshmallow import fields

from api.core.errors import Conflict, TooManyRequests, field_error
from api.core.field_messages import BUILT_IN
from api.numbers.sync import NumberTaken


def test_every_fixed_message_of_the_validation_library_is_marked_for_the_catalogs():
    library = set(marshmallow.Schema._default_error_messages.values())
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        if issubclass(cls, fields.Field):
            library.update(cls.default_error_messages.values())
    fixed = {m for m in library if "{" not in m}
    assert fixed - set(BUILT_IN) == set()


def test_a_taken_number_is_worded_per_language_with_the_number_left_as_it_is():
    taken = NumberTaken("+4722334455", "number")
    assert taken.detail == "The number +4722334455 is taken; choose another"
    assert taken.localised("sv")[:2] == \
        ("Konflikt", "Numret +4722334455 är redan upptaget; välj ett annat")
    assert taken.localised("fi")[2] == {"field": "number", "number": "+4722334455"}


def test_a_field_error_words_the_field_message_and_the_detail_alike():
    error = field_error("text", "must not contain NUL characters")
    title, detail, extra = error.localised("da")
    assert detail == "text: må ikke indeholde NUL-tegn"
    assert extra["errors"] == {"text": ["må ikke indeholde NUL-tegn"]}
    assert error.localised("en")[1] == error.detail == "text: must not contain NUL characters"


def test_a_text_the_catalogs_do_not_know_stays_english_and_keeps_its_parts():
    assert Conflict("The moon is made of cheese").localised("nb")[1] == \
        "The moon is made of cheese"
    throttled = TooManyRequests("Too many login attempts; try again later", 30)
    assert throttled.localised("nn")[1] == "For mange innloggingsforsøk; prøv att seinare"
    assert throttled.headers == {"Retry-After": "30"} and throttled.extra == {"retry_after": 30}
