"""The 404 for an id that is not there (or is another company's): one sentence per kind of
thing, so each language words it with the noun's own gender and case."""
from __future__ import annotations

from typing import Any

from i18n import N_

from .errors import NotFound

NO_SUCH = {
    "user": N_("No user with id {id}"),
    "colleague": N_("No colleague with id {id}"),
    "company": N_("No company with id {id}"),
    "device": N_("No device with id {id}"),
    "profile": N_("No profile with id {id}"),
    "schedule": N_("No schedule entry with id {id}"),
    "role": N_("No role with id {id}"),
    "custom field": N_("No custom field with id {id}"),
    "queue": N_("No queue with id {id}"),
    "queue call": N_("No queue call with id {id}"),
    "waiting call": N_("No waiting call with id {id}"),
    "alert": N_("No alert with id {id}"),
    "callback": N_("No callback with id {id}"),
    "main number": N_("No main number with id {id}"),
    "number series": N_("No number series with id {id}"),
    "remote-login number": N_("No remote-login number with id {id}"),
    "source": N_("No caller lookup source with id {id}"),
    "contact": N_("No contact with id {id}"),
    "favourite": N_("No favourite with id {id}"),
    "call log entry": N_("No call log entry with id {id}"),
    "live call": N_("No live call with id {id}"),
    "command": N_("No command with id {id}"),
    "transfer": N_("No transfer with id {id}"),
    "message": N_("No message with id {id}"),
    "template": N_("No message template with id {id}"),
    "recipient group": N_("No recipient group with id {id}"),
    "push device": N_("No push device with id {id}"),
    "session": N_("No active session with id {id}"),
}
OTHER = N_("Nothing with id {id}")


def not_found(what: str, obj_id: Any) -> NotFound:
    """The 404 naming the kind (`user`, `main_number`, `queue call`, ...) and the id."""
    message = NO_SUCH.get(what.replace("_", " "), OTHER)
    return NotFound(message, values={"id": obj_id})
