"""Marshmallow schemas for the directory, contacts, lookup, favourites, call logs and settings."""
from __future__ import annotations

from datetime import timezone

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from i18n import N_

from ..core.schemas import (Boolean, HandDumped, Integer, PartialMixin, int_or_none,
                            text_or_none)
from .calllog import DIRECTIONS, QUEUE_EVENTS, STATUSES
from .why import END_REASONS, OUTCOMES, end_reason, why
from .favourites import KINDS as FAVOURITE_KINDS

ID = validate.Range(1, 2**31 - 1)
MAPPED = ("name", "company", "title", "department", "address")


class Text(fields.String):
    """A string without NUL characters (PostgreSQL cannot store them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError(N_("must not contain NUL characters"))
        return text


def _when(**kw):
    return fields.AwareDateTime(default_timezone=timezone.utc, **kw)


def _text(n: int, **kw):
    return Text(allow_none=True, validate=validate.Length(0, n), **kw)


class NumberSchema(Schema):
    label = _text(40, metadata={"example": "mobile"})
    number = Text(required=True, validate=validate.Length(1, 40),
                           metadata={"description": "Any common format in; E.164 out",
                                     "example": "+4790012345"})


class ContactSchema(Schema):
    id = Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(1, 200))
    company = _text(200)
    title = _text(120)
    department = _text(120)
    email = fields.Email(allow_none=True)
    note = _text(2000)
    tags = fields.List(Text(validate=validate.Length(1, 40)),
                       validate=validate.Length(0, 50))
    numbers = fields.List(fields.Nested(NumberSchema), validate=validate.Length(0, 20))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ContactUpdateSchema(PartialMixin, ContactSchema):
    pass


class ContactQueryArgsSchema(Schema):
    q = Text(validate=validate.Length(0, 100),
                      metadata={"description": "Name, company, title, department, tag or digits"})


class ImportSchema(Schema):
    format = Text(required=True, validate=validate.OneOf(("csv", "vcard", "json")))
    data = Text(required=True, validate=validate.Length(1, 8 * 1024 * 1024),
                         metadata={"description": "The file's text (CSV with a header line, "
                                                  "vCard 3/4, or a JSON list of entries)"})


class SkippedSchema(Schema):
    line = Integer()
    reason = Text()


class ImportResultSchema(Schema):
    created = Integer()
    numbers = Integer()
    skipped = fields.List(fields.Nested(SkippedSchema))


class DirectoryQueryArgsSchema(ContactQueryArgsSchema):
    kind = Text(validate=validate.OneOf(("colleague", "contact")))


class _WhoSchema(Schema):
    name = Text()
    company = Text(allow_none=True)
    title = Text(allow_none=True)
    department = Text(allow_none=True)


class _LiveSchema(Schema):
    numbers = fields.List(fields.Nested(NumberSchema))
    availability = fields.Dict(allow_none=True, metadata={
        "description": "Colleagues' live availability: profile name, colour, icon, note, "
                       "until (ISO 8601 with offset)"})
    in_call = Boolean(allow_none=True)


class DirectoryEntrySchema(_WhoSchema, _LiveSchema):
    kind = Text(metadata={"description": "colleague or contact"})
    id = Integer()
    first_name = Text(allow_none=True)
    last_name = Text(allow_none=True)
    email = Text(allow_none=True)
    tags = fields.List(Text())
    short_number = Text(allow_none=True)


class HitSchema(_WhoSchema):
    number = Text()
    source = Text(metadata={"description": "colleague, company_contact, personal_contact or "
                                           "external"})
    source_name = Text()
    address = Text(allow_none=True)
    label = Text(allow_none=True)
    user_id = Integer(allow_none=True)
    contact_id = Integer(allow_none=True)


class LookupQueryArgsSchema(Schema):
    number = Text(required=True, validate=validate.Length(1, 40),
                           metadata={"description": "E.164, national, international (00) or "
                                                    "a short number"})


def plain_lookup_query(args) -> dict | None:
    """What `LookupQueryArgsSchema` loads from a plainly valid query, else None (the schema
    decides, and names what is wrong)."""
    if len(args) == 1:
        number = args.get("number")
        if number and len(number) <= 40 and "\x00" not in number:
            return {"number": number}
    return None


class LookupResultSchema(HandDumped, Schema):
    number = Text()
    e164 = Text(allow_none=True)
    found = Boolean()
    lookup_enabled = Boolean()
    hit = fields.Nested(HitSchema, allow_none=True)

    def dump_one(self, r: dict) -> dict:  # every lookup: the route's dict, every key given
        hit = r["hit"]
        return {"number": text_or_none(r["number"]), "e164": text_or_none(r["e164"]),
                "found": _bool(r["found"]), "lookup_enabled": _bool(r["lookup_enabled"]),
                "hit": None if hit is None else {
                    key: text_or_none(hit[key]) for key in _HIT_TEXTS} | {
                    "user_id": int_or_none(hit["user_id"]),
                    "contact_id": int_or_none(hit["contact_id"])}}


_HIT_TEXTS = ("name", "company", "title", "department", "number", "source", "source_name",
              "address", "label")


def _bool(value):
    """What marshmallow's Boolean dumps from True, False or None."""
    return None if value is None else bool(value)


class FavouriteCreateSchema(Schema):
    kind = Text(required=True, validate=validate.OneOf(FAVOURITE_KINDS))
    target_id = Integer(allow_none=True, validate=ID, metadata={
        "description": "User id (colleague), contact id, queue id or main number id"})
    number = _text(40, metadata={"description": "For an external favourite"})
    label = _text(200)


class FavouriteUpdateSchema(Schema):
    label = _text(200, required=True)


class FavouriteOrderSchema(Schema):
    ids = fields.List(Integer(validate=ID), required=True,
                      validate=validate.Length(0, 200))


class FavouriteSchema(_LiveSchema):
    id = Integer()
    position = Integer()
    kind = Text()
    target_id = Integer(allow_none=True)
    label = Text(allow_none=True)
    name = Text(allow_none=True)
    number = Text(allow_none=True)


class CallLogQueryArgsSchema(Schema):
    missed = Boolean(metadata={"description": "Only missed incoming calls"})
    handled = Boolean()
    direction = Text(validate=validate.OneOf(DIRECTIONS))
    since = _when()
    until = _when()


class CallLogEntrySchema(Schema):
    """An entry as its reader sees it: `why` is worded in `lang` (the API reader's language
    when not given)."""

    def __init__(self, *args, lang: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def _language(self) -> str:
        from ..core.request_language import request_language

        return self.lang or request_language()

    def _why(self, entry) -> str | None:
        return why(entry.direction, entry.outcome, entry.reason, self._language())

    def _end_reason(self, entry) -> str | None:
        return end_reason(entry.end_reason, self._language())

    id = Integer()
    call_id = Text(allow_none=True)
    direction = Text(metadata={"description": " or ".join(DIRECTIONS)})
    status = Text(metadata={"description": ", ".join(STATUSES)})
    other_number = Text(allow_none=True)
    hit = fields.Nested(HitSchema, allow_none=True)
    via_queue_id = Integer(allow_none=True)
    via_main_number_id = Integer(
        allow_none=True, metadata={"description": "The call came in on this main number"})
    transferred_by_user_id = Integer(allow_none=True)
    transfer = fields.Dict(
        allow_none=True, dump_only=True,
        metadata={"description": "I transferred this call: {id, method, target {kind, id, "
                                 "number, name}, state (how it ended), reason}; the last "
                                 "transfer when there were several"})
    voicemail_id = Integer(
        allow_none=True, dump_only=True,
        metadata={"description": "The caller left this voicemail message "
                                 "(`/me/voicemail/{id}`)"})
    is_callback = Boolean()
    started_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    handled_at = fields.DateTime(allow_none=True)
    end_reason = fields.Method("_end_reason", dump_only=True, metadata={
        "type": "string", "nullable": True,
        "description": "Why the phone system ended the call, when it cut it (\"the gateway "
                       "restarted\"), in the reader's language; null for calls that ended "
                       "normally"})
    end_reason_code = fields.Function(lambda e: e.end_reason, dump_only=True, metadata={
        "type": "string", "nullable": True,
        "description": "The same as a code: " + ", ".join(END_REASONS)})
    outcome = Text(allow_none=True, dump_only=True, metadata={
        "description": "What became of the call: " + ", ".join(OUTCOMES)})
    reason = fields.Dict(allow_none=True, dump_only=True, metadata={
        "description": "The routing that decided it: profile, rule (when_free, when_busy, "
                       "exception:<n>) and forwarded_to {kind, target, name}"})
    why = fields.Method("_why", dump_only=True,
                          metadata={"type": "string", "nullable": True, "description":
                                    '"Forwarded to Anna by your Lunch profile, when free"'})
    missed = fields.Function(lambda e: e.status == "missed" and e.direction == "incoming",
                             dump_only=True, metadata={"type": "boolean"})


class CallLogUpdateSchema(Schema):
    handled = Boolean(required=True)


class QueueLogQueryArgsSchema(Schema):
    queue_id = Integer(validate=ID)
    event = Text(validate=validate.OneOf(QUEUE_EVENTS))
    since = _when()
    until = _when()


class QueueLogEntrySchema(Schema):
    id = Integer()
    queue_id = Integer()
    call_id = Text(allow_none=True)
    event = Text(metadata={"description": ", ".join(QUEUE_EVENTS)})
    caller_number = Text(allow_none=True)
    hit = fields.Nested(HitSchema, allow_none=True)
    member_user_id = Integer(allow_none=True)
    transferred_to = Text(allow_none=True)
    wait_s = Integer(allow_none=True)
    at = fields.DateTime()


class CallDirectoryQueryArgsSchema(Schema):
    since = Integer(validate=validate.Range(0, 2**53), metadata={
        "description": "The version the phone holds: only changes since it (0 or absent: all)"})


class CallDirectoryEntrySchema(Schema):
    number = Integer(metadata={"format": "int64", "example": 4790012345})
    label = Text()


class CallDirectorySchema(Schema):
    version = Integer(metadata={"format": "int64"})
    full = Boolean(metadata={"description": "true: replace everything; false: apply "
                                            "the additions and removals"})
    removed = fields.List(Integer(metadata={"format": "int64"}))
    entries = fields.List(fields.Nested(CallDirectoryEntrySchema))


class SettingsSchema(Schema):
    push_calls = Boolean(metadata={"description": "Push notifications for calls"})
    number_lookup = Boolean(metadata={"description": "Identify callers (lookup and "
                                                     "the phone's call directory)"})


class HttpSourceConfigSchema(Schema):
    class Meta:
        unknown = INCLUDE  # plug-in kinds keep their own settings here

    url_template = Text(validate=validate.Length(1, 2000), metadata={
        "example": "https://directory.example/api?phone={e164}"})
    mapping = fields.Dict(keys=Text(validate=validate.OneOf(MAPPED)),
                          values=Text(validate=validate.Length(1, 200)),
                          metadata={"description": "Hit field -> dotted path in the JSON answer"})
    ttl_s = Integer(validate=validate.Range(0, 7 * 86400))
    timeout_s = fields.Float(validate=validate.Range(0.05, 10))
    headers = fields.Dict(keys=Text(validate=validate.Length(1, 100)),
                          values=Text(validate=validate.Length(0, 1000)))


class SourceSchema(Schema):
    id = Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(1, 120))
    kind = Text(required=True, validate=validate.Length(1, 20),
                         metadata={"description": "register, http_json, or a plug-in kind"})
    position = Integer(validate=validate.Range(0, 1000), metadata={
        "description": "Order of trust among external sources, lowest first"})
    enabled = Boolean()
    config = fields.Nested(HttpSourceConfigSchema)
    entry_count = Integer(dump_only=True)


class SourceUpdateSchema(PartialMixin, SourceSchema):
    class Meta:
        exclude = ("kind",)
