"""Request and response shapes of live calls and call commands."""
from __future__ import annotations

from marshmallow import Schema, fields

from ..core.schemas import Integer

class LiveCallSchema(Schema):
    id = Integer(required=True)
    other_number = fields.Str(allow_none=True, metadata={"description": "E.164 when known"})
    direction = fields.Str(required=True, metadata={"description": "incoming or outgoing"})
    state = fields.Str(required=True, metadata={
        "description": "ringing, answered, held (a phone put it on hold) or transferring (I "
                       "transferred it: it rings the target, I am free; a transfer with return "
                       "may ring me again)"})
    since = fields.DateTime(attribute="started_at", required=True)
    answered_at = fields.DateTime(allow_none=True)


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
    call_id = Integer(required=True)
    kind = fields.Str(required=True, metadata={"description": "hangup, hold, retrieve, transfer_*"})
    state = fields.Str(required=True,
                       metadata={"description": "pending, running, done or failed"})
    result = fields.Method("_result", dump_only=True, metadata={
        "type": "string", "nullable": True,
        "description": "done, started, or why it failed or was refused"})
    created_at = fields.DateTime(required=True)
    done_at = fields.DateTime(allow_none=True)
