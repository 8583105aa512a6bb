"""Routing to queues (in the routing process, like `store`): a queue's number (or its short
number dialled by a colleague) reaches the queue; the company's queue service number toggles
the caller's queue login (remote login) and tells them the new state."""
from __future__ import annotations

import logging

from api import gateway_port as port

from .core import plans
from .core.callmessages import CallPlan, Target
from .core.queuemessages import CALLBACK_KEY, QueueStep, QueueWords

log = logging.getLogger("sip_gateway")


def route(db, owner, called: str | None, called_user: str, caller: str | None, uris: dict):
    """The `store.Route` for a call to a queue or to the queue service number, else None.

    `owner` is what the number registry says the dialled number leads to (a queue's number,
    a queue's short number dialled by a colleague, or a company's queue service number),
    `called` the dialled number in E.164 (None when it is not one), `caller` the calling number.
    """
    if owner is None:
        return None
    if owner.kind == "queue_service" and called is not None:
        return _remote_login(db, owner.tenant_id, called, caller)
    if owner.kind not in ("queue", "queue_short"):
        return None
    queue = port.queue_by_id(db, owner.tenant_id, owner.owner_id)
    if queue is None:
        return None
    return _queue_route(db, queue, called or queue.number or called_user, caller, uris)


def _queue_route(db, queue: port.QueueRef, called: str, caller: str | None, uris: dict):
    from .store import Route

    hit = port.caller_hit(db, queue.tenant_id, caller)
    lang = port.spoken_language(db, queue)
    audio = port.voicemail.queue_audio(db, uris["voicemail_dir"], queue.tenant_id, queue.id) \
        if uris.get("voicemail_dir") else {}
    step = QueueStep(queue_id=queue.id, tenant_id=queue.tenant_id, name=queue.name,
                     max_wait_s=queue.max_wait_s, announce_position=queue.announce_position,
                     overflow=overflow_target(db, queue, uris, lang), wrapup_s=queue.wrapup_s,
                     greeting=queue.greeting, ring_time_s=float(queue.ring_time_s),
                     offer_callback=bool(queue.offer_callback and caller),
                     language=lang, words=queue_words(lang), hold_music=queue.hold_music,
                     announce_every_s=queue.announce_every_s,
                     announce_text=queue.announce_text,
                     greeting_file=audio.get("greeting"), message_file=audio.get("message"))
    db.commit()
    return Route(plan=CallPlan((step,), push=False), direction="queue",
                 tenant_id=queue.tenant_id, called=called, caller=caller, hit=hit,
                 context={"queue": {"id": queue.id, "name": queue.name}},
                 ring_timeout=float(queue.ring_time_s))


def queue_words(lang: str) -> QueueWords:
    """The standard queue message and the callback confirmation in `lang` (a caller hears
    the company's language, or the queue's greeting language)."""
    from i18n import tr

    return QueueWords(welcome=tr(lang, "You have reached {queue}."),
                      position=tr(lang, "You are number {position} in the queue."),
                      hold=tr(lang, "Please hold."),
                      hold_or_callback=tr(lang, "Please hold, or press {key} to be called "
                                                "back.").replace("{key}", CALLBACK_KEY),
                      callback_confirmed=tr(lang, "Thank you. We will call you back. Goodbye."))


def queue_uri(queue_id, number: str | None, uris: dict) -> str:
    """A queue with a number is this gateway's own queue handling; else the queue service."""
    if number:
        return plans.trunk_target(uris["self"], number)
    return uris["queue"].replace("{id}", str(queue_id))


def overflow_target(db, queue: port.QueueRef, uris: dict, lang: str = "en"):
    """Where a caller goes when the time in `queue` is over: a `Target` to dial, the queue's
    own mailbox on this gateway (a `callmessages.LeaveMessage`, or a `PlayMessage` saying it
    is full), or None (hung up)."""
    kind, number, other_id = port.overflow(db, queue)
    if kind == "voicemail":
        if plans.own_voicemail(uris):
            return plans.mailbox_step(port.voicemail.queue_mailbox(
                db, uris["voicemail_dir"], queue.tenant_id, queue.id, queue.name, lang), uris)
        uri = uris["voicemail"].replace("{number}", number or f"queue-{queue.id}")
    elif kind == "number":
        uri = plans.to_trunk(uris, number)
    elif kind == "queue":
        uri = queue_uri(other_id, number, uris)
    elif kind == "user":
        uri = plans.trunk_target(uris["self"], number)
    else:
        return None
    return Target(kind if kind == "voicemail" else "forward", uri, diverted_from=queue.number)


def _remote_login(db, tenant_id: int, called: str, caller: str | None):
    from .store import Route

    result = port.remote_login(db, tenant_id, caller or "")
    log.info("remote login", extra={"event": "remote_login", "user_id": result.user_id,
                                    "logged_in": result.logged_in,
                                    "announcement": result.announcement})
    return Route(plan=plans.message_plan(result.announcement, result.language),
                 direction="feature",
                 tenant_id=tenant_id, user_id=result.user_id, called=called,
                 reason={"remote_login": result.logged_in, "known": result.known})
