"""Marshmallow schemas for availability: profiles, state, preview, devices, numbers, calendar."""
from __future__ import annotations

from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, post_dump, validate

from i18n import N_

from ..core.schemas import Boolean, HandDumped, Integer, PartialMixin, one_line
from . import plan_json
from .featurecodes import CODE_RE
from .inputs import (DESTINATION_KINDS, DEVICE_KINDS, DIALLED_KINDS, MATCHES, RECURRENCES,
                     RING_ORDERS)
from .standard import shown_name

ID = validate.Range(1, 2**31 - 1)
KIND = validate.OneOf(DEVICE_KINDS)


class QueueLogout(fields.Field):
    """A list of queue ids, or "all"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update({"oneOf": [
            {"type": "string", "enum": ["all"]},
            {"type": "array", "maxItems": 200,
             "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}]})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "all":
            return "all"
        if not isinstance(value, list) or len(value) > 200 or not all(
                isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value):
            raise ValidationError(N_('must be "all" or a list of queue ids'))
        return sorted(set(value))

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is not None else []


class DestinationSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(DESTINATION_KINDS))
    target = fields.String(allow_none=True, validate=validate.Length(0, 500), metadata={
        "description": "colleague: user id; queue: queue id; main_number/external: the number; "
                       "audio_message: the text to play"})


class CallerExceptionSchema(Schema):
    match = fields.String(required=True, validate=validate.OneOf(MATCHES), metadata={
        "description": "number, list (numbers), colleagues, or anyone (then `dialled` says "
                       "which calls)"})
    numbers = fields.List(fields.String(validate=validate.Length(1, 40)),
                          validate=validate.Length(0, 200), load_default=list)
    label = fields.String(validate=validate.Length(0, 60), load_default="")
    destination = fields.Nested(DestinationSchema, load_default=None, allow_none=True)
    devices = fields.List(fields.String(validate=KIND), allow_none=True, load_default=None,
                          validate=validate.Length(0, 3))
    announce = Boolean(load_default=False)
    dialled = fields.List(fields.String(validate=validate.OneOf(DIALLED_KINDS)),
                          allow_none=True, load_default=None, validate=validate.Length(1, 4),
                          metadata={"description": "Only calls to these of my numbers "
                                                   "(office, mobile, main, short); none = any"})


class ProfileSchema(Schema):
    id = Integer(dump_only=True)
    key = fields.String(dump_only=True, allow_none=True,
                        metadata={"description": "The standard profile it started as, a stable "
                                               "key (available, busy, meeting, lunch, away, "
                                               "out_of_office, gone_for_day, dnd); null for "
                                               "the user's own. Until the user renames it, a "
                                               "standard profile's name is in the user's "
                                               "language"})
    is_default = Boolean(dump_only=True)
    name = fields.String(required=True, validate=[validate.Length(1, 60), one_line])
    colour = fields.String(validate=validate.Regexp(r"^#[0-9a-fA-F]{6}$"))
    icon = fields.String(validate=validate.Length(1, 40))
    note = fields.String(allow_none=True, validate=validate.Length(0, 200))
    priority = Integer(validate=validate.Range(0, 1000))
    activation_code = fields.String(allow_none=True, validate=validate.Regexp(CODE_RE.pattern))
    announce = Boolean(metadata={"description": "Spoken referral before the call goes on"})
    devices = fields.List(fields.String(validate=KIND), validate=validate.Length(0, 3))
    ring_order = fields.String(validate=validate.OneOf(RING_ORDERS), metadata={
        "description": "simultaneous; mobile_after (the mobile joins after mobile_delay s); "
                       "mobile_first (the others join after mobile_delay s); "
                       "one_after_another (each device kind alone for ring_each s, in the "
                       "order of `devices`)"})
    mobile_delay = Integer(validate=validate.Range(0, 120))
    ring_each = Integer(validate=validate.Range(5, 120), metadata={
        "description": "one_after_another: seconds each device kind rings before the next"})
    when_free = fields.Nested(DestinationSchema)
    when_busy = fields.Nested(DestinationSchema)
    no_answer = fields.Nested(DestinationSchema)
    no_answer_after = Integer(validate=validate.Range(5, 300))
    exceptions = fields.List(fields.Nested(CallerExceptionSchema),
                             validate=validate.Length(0, 20))
    display_numbers = fields.Dict(keys=fields.String(validate=KIND),
                                  values=fields.String(validate=validate.Length(1, 40)))
    queue_logout = QueueLogout(metadata={"description": 'Queue ids to log out of, or "all"'})


    @post_dump
    def _shown_name(self, data, **kw):
        return _localised(data)


def _localised(data: dict) -> dict:
    """A standard profile's name in the reader's language, until its user renamed it."""
    from ..core.request_language import request_language

    if data.get("key") and "name" in data:
        data["name"] = shown_name(data["key"], data["name"], request_language())
    return data


class ProfileUpdateSchema(PartialMixin, ProfileSchema):
    pass


class ProfileRefSchema(Schema):
    id = Integer(allow_none=True)
    key = fields.String(allow_none=True)
    name = fields.String()
    colour = fields.String()
    icon = fields.String()

    @post_dump
    def _shown_name(self, data, **kw):
        return _localised(data)


class AvailabilitySchema(Schema):
    profile = fields.Nested(ProfileRefSchema)
    source = fields.String(metadata={"description": "manual, schedule, calendar or default"})
    until = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)
    reason = fields.String()


class AvailabilitySetSchema(Schema):
    profile_id = Integer(required=True, validate=ID)
    until = fields.AwareDateTime(allow_none=True, load_default=None,
                                 metadata={"description": "Ends by itself then (ISO 8601 with "
                                                          "offset); none = until changed"})
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(0, 200))


class PreviewQueryArgsSchema(Schema):
    caller = fields.String(validate=validate.Length(0, 40),
                           metadata={"description": "The calling number (any format)"})
    at = fields.AwareDateTime(metadata={"description": "The instant (default now)"})
    busy = Boolean(metadata={"description": "Already in a call (default: as now)"})
    dialled = fields.String(load_default="office", validate=validate.OneOf(DIALLED_KINDS),
                            metadata={"description": "Which of my numbers is called"})


class RingTargetSchema(Schema):
    device_id = Integer()
    kind = fields.String()
    address = fields.String()
    delay = Integer()
    display_number = fields.String(allow_none=True)
    stop = Integer(allow_none=True, metadata={
        "description": "Stops ringing this many seconds after the step starts (one after "
                       "another); none = rings until the step ends"})


class SkippedDeviceSchema(Schema):
    device_id = Integer()
    kind = fields.String()
    reason = fields.String(metadata={"description": "Why it does not ring now"})


class StepSchema(Schema):
    action = fields.String()
    text = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    targets = fields.List(fields.Nested(RingTargetSchema))
    timeout = Integer(allow_none=True)
    destination = fields.Nested(DestinationSchema, allow_none=True)


class PlanSchema(HandDumped, Schema):
    profile_id = Integer()
    profile_key = fields.String(allow_none=True, metadata={
        "description": "The standard profile's stable key; null for the user's own"})
    profile_name = fields.String(metadata={
        "description": "In the reader's language for a standard profile not renamed"})
    source = fields.String()
    until = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)
    busy = Boolean()
    rule = fields.String()
    reason = fields.String()
    language = fields.String()
    steps = fields.List(fields.Nested(StepSchema))
    skipped = fields.List(fields.Nested(SkippedDeviceSchema), metadata={
        "description": "My devices left out of ringing now, and why (a phone at its "
                       "address of record that has not registered at the SIP edge)"})
    on_no_answer = fields.Nested(DestinationSchema, allow_none=True)
    display_numbers = fields.Dict(keys=fields.String(), values=fields.String())
    dialled = fields.String(metadata={"description": "office, mobile, main or short"})
    caller = fields.String(allow_none=True, metadata={"description": "In E.164"})

    def dump_one(self, plan) -> dict:  # every routing preview: what the fields above dump
        return self._shown_name(plan_json.plan(plan, self.fields["until"]))

    @post_dump
    def _shown_name(self, data, **kw):
        from ..core.request_language import request_language

        if "profile_name" in data:
            data["profile_name"] = shown_name(data.get("profile_key"), data["profile_name"],
                                              request_language())
        return data


LOCAL_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


class LocalDateTime(fields.NaiveDateTime):
    """A wall-clock time without offset. Documented as a pattern, not `format: date-time`:
    RFC 3339 date-times carry an offset, which this field refuses."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("pattern", LOCAL_DATETIME)
        super().__init__(**kwargs)


class ScheduleSchema(Schema):
    id = Integer(dump_only=True)
    profile_id = Integer(required=True, validate=ID)
    starts = LocalDateTime(required=True, validate=validate.Range(
        datetime(2000, 1, 1), datetime(2100, 1, 1)), metadata={
        "description": "Local wall time in the company's time zone, without offset"})
    ends = LocalDateTime(required=True, validate=validate.Range(
        datetime(2000, 1, 1), datetime(2101, 1, 1)))
    recurrence = fields.String(load_default="none", validate=validate.OneOf(RECURRENCES))
    weekdays = fields.List(Integer(validate=validate.Range(0, 6)), load_default=list,
                           validate=validate.Length(0, 7),
                           metadata={"description": "Weekly: Monday = 0 ... Sunday = 6"})
    repeat_until = fields.Date(allow_none=True, load_default=None, validate=validate.Range(
        date(2000, 1, 1), date(2100, 12, 31)))


class ScheduleUpdateSchema(PartialMixin, ScheduleSchema):
    pass


class DeviceSchema(Schema):
    id = Integer(dump_only=True)
    user_id = Integer(dump_only=True)
    kind = fields.String(required=True, validate=KIND)
    label = fields.String(validate=validate.Length(0, 80), load_default="")
    sip_uri = fields.String(allow_none=True, validate=validate.Regexp(
        r"^sips?:[A-Za-z0-9._~+-]+@[A-Za-z0-9.-]+(:\d{1,5})?$", error=N_("a SIP address "
        "such as sip:2101@pbx.example.com")))
    number = fields.String(allow_none=True, validate=validate.Length(0, 40),
                           metadata={"description": "A mobile's number (default: the user's)"})
    mex = Boolean(load_default=True,
                         metadata={"description": "Mobile extension: rings for office calls"})
    enabled = Boolean(load_default=True)
    sip_username = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "The user name it registers with at the SIP edge (softphone, desk phone)"})
    sip_credentials = fields.Nested(lambda: SipCredentialsSchema(), dump_only=True, metadata={
        "description": "Only in the answer that created the device: its SIP password, once"})
    user_may_switch = fields.Boolean(load_default=True, metadata={
        "description": "The user may switch it (and its MEX) on and off in the app"})


class SipCredentialsSchema(Schema):
    username = fields.String(dump_only=True)
    password = fields.String(dump_only=True, metadata={
        "description": "Shown only in this answer; a new one replaces it (rotation)"})
    realm = fields.String(dump_only=True)
    registrar = fields.String(dump_only=True, metadata={"description": "Where to register"})
    aor = fields.String(dump_only=True, metadata={"description": "The address of record"})


class DeviceUpdateSchema(PartialMixin, DeviceSchema):
    pass


class DeviceSwitchSchema(Schema):
    enabled = fields.Boolean(metadata={"description": "Ring this device"})
    mex = fields.Boolean(metadata={"description": "A mobile: ring it for office calls"})


class DisplayNumberSwitchSchema(Schema):
    number = fields.String(required=True, allow_none=True, validate=validate.Length(1, 40),
                           metadata={"description": "One of GET /me/display-numbers; null "
                                                    "goes back to the default"})
    devices = fields.List(fields.String(validate=KIND), load_default=lambda: list(DEVICE_KINDS),
                          validate=validate.Length(1, 3),
                          metadata={"description": "Calls from these devices (default all)"})


class DisplayNumberSwitchedSchema(Schema):
    number = fields.String(allow_none=True)
    devices = fields.List(fields.String())
    profiles = fields.Integer(metadata={"description": "Profiles now showing it"})


class MainNumberSchema(Schema):
    id = Integer(dump_only=True)
    number = fields.String(required=True, validate=validate.Length(1, 40))
    label = fields.String(required=True, validate=validate.Length(1, 80))
    displayable = Boolean(load_default=True,
                                 metadata={"description": "Users may show it on outgoing calls"})
    user_id = Integer(
        allow_none=True, validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "A user in the company: calls to this number ring that user "
                                 "by their own plan (push, devices, fallbacks). None: the "
                                 "number's own SIP address (switchboard, IVR)."})


class MainNumberUpdateSchema(PartialMixin, MainNumberSchema):
    pass


class DisplayNumberSchema(Schema):
    number = fields.String()
    kind = fields.String(metadata={"description": "office, main or mobile"})
    label = fields.String()


URL = [validate.Length(1, 1000),
       validate.Regexp(r"^(https?|webcal)://\S+$", error=N_("an http(s) or webcal URL"))]


class CalendarSchema(Schema):
    url = fields.String(allow_none=True, validate=URL)
    source = fields.String(dump_only=True)
    synced_at = fields.DateTime(dump_only=True, allow_none=True)
    last_error = fields.String(dump_only=True, allow_none=True)
    events = Integer(dump_only=True)


class CalendarUrlSchema(Schema):
    url = fields.String(required=True, validate=URL)


class CalendarUploadSchema(Schema):
    ics = fields.String(required=True, validate=validate.Length(1, 2 * 1024 * 1024),
                        metadata={"description": "The iCalendar (.ics) file's text"})
