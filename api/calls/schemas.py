"""Request and response shapes of live calls and call commands."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..core.schemas import Integer

class LiveCallSchema(Schema):
    id = Integer(required=True)
    other_number = fields.Str(allow_none=True, metadata={"description": "E.164 when known"})
    direction = fields.Str(required=True, metadata={"description": "incoming or outgoing"})
    state = fields.Str(required=True, metadata={
        "description": "ringing, answered, held (a phone put it on hold), transferring (I "
                       "transferred it: it rings the target, I am free; a transfer with return "
                       "may ring me again) or voicemail (the caller hears my greeting or leaves "
                       "a message: I can take it back or transfer it)"})
    since = fields.DateTime(attribute="started_at", required=True)
    answered_at = fields.DateTime(allow_none=True)


def _placed(command) -> dict:
    """A placed call's order (a command row, or the same as a dict in a live event)."""
    get = command.get if isinstance(command, dict) else lambda k: getattr(command, k, None)
    return (get("args") or {}) if get("kind") == "call" else {}


class CallCommandSchema(Schema):
    """A command as its user reads it: `result` in `lang` (the API reader's language when
    not given) where it is a sentence the catalogs know."""

    def __init__(self, *args, lang: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def _result(self, command) -> str | None:
        from ..core.field_messages import localise_message
        from ..core.request_language import request_language

        result = command["result"] if isinstance(command, dict) else command.result
        return None if result is None else \
            localise_message(self.lang or request_language(), result)

    id = Integer(required=True)
    call_id = Integer(required=True, metadata={
        "description": "The live call (a placed call: 0 until its live call exists)"})
    kind = fields.Str(required=True, metadata={
        "description": "hangup, hold, retrieve, transfer_*, or call (a call placed from the app)"})
    state = fields.Str(required=True,
                       metadata={"description": "pending, running, done or failed"})
    result = fields.Method("_result", dump_only=True, metadata={
        "type": "string", "nullable": True,
        "description": "done, started, or why it failed or was refused; a placed call: "
                       "bridged, device_no_answer, device_busy, device_unreachable, "
                       "destination_busy, destination_no_answer, destination_unreachable, "
                       "cancelled or failed"})
    number = fields.Function(lambda c: _placed(c).get("number"), metadata={
        "description": "A placed call: whom (E.164)"})
    display_number = fields.Function(lambda c: _placed(c).get("display_number"), metadata={
        "description": "A placed call: the number the destination sees"})
    device = fields.Function(lambda c: (_placed(c).get("device") or {}).get("kind"), metadata={
        "description": "A placed call: the kind of device rung first"})
    created_at = fields.DateTime(required=True)
    done_at = fields.DateTime(allow_none=True)


_ID = dict(allow_none=True, load_default=None, validate=validate.Range(min=1))


class PlaceCallSchema(Schema):
    """Whom to call (exactly one of the first seven), from which device, showing what."""

    number = fields.Str(allow_none=True, load_default=None, validate=validate.Length(1, 40),
                        metadata={"description": "A phone number in any format the company's "
                                  "number plan reads, or a short number"})
    user_id = Integer(**_ID, metadata={"description": "A colleague (their office number)"})
    contact_id = Integer(**_ID, metadata={"description": "A contact (its first number)"})
    queue_id = Integer(**_ID, metadata={"description": "A queue (its number)"})
    callback_id = Integer(**_ID, metadata={
        "description": "An entry of a queue's callback list: the attempt is counted and its "
                       "result recorded"})
    call_log_id = Integer(**_ID, metadata={"description": "A call in my call log"})
    queue_call_id = Integer(**_ID, metadata={
        "description": "A call in the log of a queue I may see (a missed caller)"})
    device_id = Integer(**_ID, metadata={
        "description": "My device that rings first (default: my mobile)"})
    display_number = fields.Str(allow_none=True, load_default=None,
                                validate=validate.Length(1, 40), metadata={
                                    "description": "One of the numbers I may show"})
