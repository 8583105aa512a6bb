"""The texts of problem details can be worded in every language: the service's own carry
their parts apart from the wording, and the validation library's are in the catalogs."""
from __future__ import annotations

import enum
import inspect

import marshmallow
from marshmallow import fields, validate

from api.core.errors import (Conflict, FieldInvalid, Phrase, TooManyRequests, field_error,
                             localise_texts)
from api.core.field_messages import BUILT_IN, localise_message
from i18n import N_
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


def _library_messages_with_parts() -> list[str]:
    """What marshmallow says, parts filled in, for every validator and field whose message
    has parts (Range with each kind of bound)."""
    said = []

    def refused(check, value):
        try:
            check(value)
        except marshmallow.ValidationError as exc:
            said.extend(exc.messages if isinstance(exc.messages, list) else [exc.messages])

    for lo, hi in ((True, True), (True, False), (False, True), (False, False)):
        refused(validate.Range(1, 9, min_inclusive=lo, max_inclusive=hi), 99)
        refused(validate.Range(1, None, min_inclusive=lo), -5)
        refused(validate.Range(None, 9, max_inclusive=hi), 99)
    for check, value in ((validate.Length(2, 4), "a"), (validate.Length(2, 4), "abcdef"),
                         (validate.Length(min=2), "a"), (validate.Length(max=2), "abc"),
                         (validate.Length(equal=3), "a"), (validate.OneOf(["a", "b"]), "c"),
                         (validate.Equal(3), 4), (validate.ContainsOnly(["a"]), ["b"]),
                         (validate.ContainsNoneOf(["a"]), ["a"]),
                         (validate.Regexp("^a$"), "b")):
        refused(check, value)
    for field in (fields.DateTime(), fields.AwareDateTime(), fields.NaiveDateTime(),
                  fields.Time(), fields.Date()):
        refused(field.deserialize, "not a time")
    refused(fields.Enum(Flavour).deserialize, "mint")
    return said


class Flavour(enum.Enum):
    vanilla = 1


def test_every_message_with_parts_of_the_validation_library_is_worded_in_each_language():
    said = _library_messages_with_parts()
    assert len(said) >= 25
    for lang in ("nb", "nn", "sv", "da", "fi"):
        unworded = [m for m in said if localise_message(lang, m) == m]
        assert unworded == [], (lang, unworded)


def test_a_range_or_choice_message_keeps_its_parts_in_the_readers_words():
    errors = {"target_id": ["Must be greater than or equal to 1 and less than or equal to "
                            "2147483647."],
              "kind": ["Must be one of: colleague, contact, external."],
              "label": ["Length must be between 1 and 80."]}
    assert localise_texts("nb", errors) == {
        "target_id": ["Må være større enn eller lik 1 og mindre enn eller lik 2147483647."],
        "kind": ["Må være en av: colleague, contact, external."],
        "label": ["Lengden må være mellom 1 og 80."]}
    assert localise_texts("fi", errors)["target_id"] == ["On oltava vähintään 1 ja enintään "
                                                         "2147483647."]
    assert localise_texts("en", errors) == errors


def test_a_text_filled_in_before_it_was_raised_is_worded_by_its_template():
    refusal = field_error("config", N_("url_template: {reason}"),
                          reason=Phrase(N_("port {port} is not allowed").format(port=8080)))
    assert refusal.localised("sv")[2]["errors"] == {"config": [
        "url_template: port 8080 är inte tillåten"]}
    filled = FieldInvalid("data", [N_("at most {n} contacts per import").format(n=5000)])
    assert filled.localised("da")[1] == "data: højst 5000 kontakter pr. import"


def test_a_commands_result_is_read_in_the_readers_language_and_a_code_stays_as_it_is():
    from api.calls.schemas import CallCommandSchema

    def shown(result, lang):
        return CallCommandSchema(lang=lang).dump(
            {"id": 1, "call_id": 2, "kind": "transfer_complete", "state": "done",
             "result": result, "created_at": None, "done_at": None})["result"]

    assert shown("refused: the target has not answered", "nb") == \
        "avvist: mottakeren har ikke svart"
    assert shown("refused: unknown method parrot", "sv") == "avvisat: okänd metod parrot"
    assert shown("the gateway restarted", "da") == "gatewayen genstartede"
    assert shown("done", "fi") == "done" and shown(None, "fi") is None
