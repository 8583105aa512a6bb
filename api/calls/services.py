"""Use cases of live calls: what the API reads and asks, what a gateway writes and executes.

The command channel: the API inserts a `CallCommand` naming the gateway that holds the call
(taken from the call's row) and wakes that gateway (`wakeup`); the gateway claims its own
pending commands (`claim_commands`) when woken and at a slow poll, executes them on its call
thread and reports the outcome (`finish_command`). A command is idempotent per (user, Idempotency-Key).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from i18n import N_

from ..core.clock import now
from ..core.db import Prepared, orm
from ..core.prepared import Bound
from ..core.errors import Conflict
from ..core.not_found import not_found
from ..core.ports import Event, ports
from . import wakeup
from .models import TRANSFERRING, VOICEMAIL, CallCommand, CallLeg, LiveCall


# -- the API side ----------------------------------------------------------------------------

def my_calls(tenant_id: int, user_id: int):
    return (select(LiveCall).where(LiveCall.tenant_id == tenant_id, LiveCall.user_id == user_id)
            .order_by(LiveCall.started_at, LiveCall.id))


def _my_call(db: Session, tenant_id: int, user_id: int, call_id: int) -> LiveCall:
    call = db.get(LiveCall, call_id)
    if call is None or call.tenant_id != tenant_id or call.user_id != user_id:
        raise not_found("live call", call_id)
    return call


def request_command(db: Session, tenant_id: int, user_id: int, call_id: int, kind: str,
                    key: str | None, args: dict | None = None) -> CallCommand:
    """Queue `kind` for the gateway holding the call; the same key returns the same command."""
    if key:
        found = _by_key(db, tenant_id, user_id, key)
        if found is not None:
            return _same_or_conflict(found, call_id, kind)
    call = _my_call(db, tenant_id, user_id, call_id)
    if call.state == VOICEMAIL and kind in ("hold", "retrieve"):
        raise Conflict(N_("The caller is leaving a message in voicemail: the call can be "
                          "taken back, transferred or hung up, not held"))
    if call.state != VOICEMAIL and kind == "take_back":
        raise Conflict(N_("Only a call in voicemail can be taken back"))
    row = CallCommand(tenant_id=tenant_id, user_id=user_id, call_id=call.id,
                      gateway_id=call.gateway_id, kind=kind, args=args,
                      idempotency_key=key or uuid.uuid4().hex)
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:  # the same key, a concurrent request
        found = _by_key(db, tenant_id, user_id, key)
        return _same_or_conflict(found, call_id, kind)
    try:   # read before the commit, so the wake-up leaves right after it
        where = wakeup.address(db, call.gateway_id)
    except SQLAlchemyError:
        where = None
    db.commit()
    wakeup.send(where, call.gateway_id)   # the gateway claims now; its poll is the fallback
    return row


def _by_key(db: Session, tenant_id: int, user_id: int, key: str | None) -> CallCommand | None:
    return db.scalar(select(CallCommand).where(CallCommand.tenant_id == tenant_id,
                                               CallCommand.user_id == user_id,
                                               CallCommand.idempotency_key == key))


def _same_or_conflict(row: CallCommand, call_id: int, kind: str) -> CallCommand:
    if row.call_id != call_id or row.kind != kind:
        raise Conflict(N_("This Idempotency-Key was used for another command"))
    return row


def get_command(db: Session, tenant_id: int, user_id: int, command_id: int) -> CallCommand:
    row = db.get(CallCommand, command_id)
    if row is None or row.tenant_id != tenant_id or row.user_id != user_id:
        raise not_found("command", command_id)
    return row


_IN_CALL = None
# one user (the routing preview, every call routed): prepared once per dialect
_IN_CALL_ONE = Prepared(lambda: select(LiveCall.user_id, LiveCall.sip_call_id).where(
    LiveCall.tenant_id == bindparam("tid"), LiveCall.state != TRANSFERRING,
    LiveCall.state != VOICEMAIL, LiveCall.user_id == bindparam("uid")))


# the same question as a read to send with others (the routing preview's): one row
_IN_CALL_NOW = Prepared(lambda: select(exists().where(
    LiveCall.tenant_id == bindparam("tid"), LiveCall.state != TRANSFERRING,
    LiveCall.state != VOICEMAIL, LiveCall.user_id == bindparam("uid")).label("in_call")),
    one_row=True)


def in_call_read(tenant_id: int, user_id: int) -> Bound:
    """The `in_call_read` port: whether the user has a live call, counted as
    `in_call_user_ids` counts it, as a read for `run_reads` (one row: true or false)."""
    return _IN_CALL_NOW.bound(tid=tenant_id, uid=user_id)


def in_call_user_ids(db: Session, tenant_id: int, user_ids, but_sip_call_id: str | None = None
                     ) -> set[int]:
    """The `in_call_user_ids` port: who of `user_ids` has a live call. A call the user has
    transferred away (state `transferring`: their own leg is gone) or one in their voicemail
    (state `voicemail`) does not count, nor the call with `but_sip_call_id` (a transfer's own
    leg ringing the user).

    Asked on hot paths (directory, routing preview, queue status): the statement is built
    once, with an expanding parameter for the ids (one id: a prepared statement).
    """
    global _IN_CALL
    ids = list(user_ids)
    if not ids:
        return set()
    if len(ids) == 1:
        rows = _IN_CALL_ONE.all(db, tid=tenant_id, uid=ids[0])
    else:
        if _IN_CALL is None:
            _IN_CALL = select(LiveCall.user_id, LiveCall.sip_call_id).where(
                LiveCall.tenant_id == bindparam("tid"), LiveCall.state != TRANSFERRING,
                LiveCall.state != VOICEMAIL,
                LiveCall.user_id.in_(bindparam("uids", expanding=True)))
        rows = orm(db).connection().execute(_IN_CALL, {"tid": tenant_id, "uids": ids})
    return {row[0] for row in rows
            if but_sip_call_id is None or row[1] != but_sip_call_id}


# -- the gateway side ------------------------------------------------------------------------

# The gateway writes these for every call, hundreds a second: Core statements built once (the
# parameters are bound per call), run on the session's connection: no unit of work, no ORM.
_LIVE, _LEGS, _COMMANDS = LiveCall.__table__, CallLeg.__table__, CallCommand.__table__
_STARTED = insert(_LIVE)
_ANSWERED = (update(_LIVE).where(_LIVE.c.id == bindparam("cid"))
             .values(state="answered", answered_at=bindparam("at"))
             .returning(*_LIVE.c))
# held and back: only a call that is answered (or held) changes; a ringing or ended one not
_HELD = {held: (update(_LIVE).where(_LIVE.c.id == bindparam("cid"),
                                   _LIVE.c.state == ("answered" if held else "held"))
               .values(state="held" if held else "answered").returning(*_LIVE.c))
         for held in (True, False)}
_LEG = insert(_LEGS)
_ENDED = (delete(_LEGS).where(_LEGS.c.call_id == bindparam("cid")),
          delete(_LIVE).where(_LIVE.c.id == bindparam("cid")).returning(*_LIVE.c))
_ORPHANED = (update(_COMMANDS).where(_COMMANDS.c.call_id == bindparam("cid"),
                                     _COMMANDS.c.state == "pending")
             .values(state="failed", result="call ended", done_at=bindparam("at"))
             .returning(*_COMMANDS.c))
_STILL_IN_CALL = select(_LIVE.c.id).where(_LIVE.c.user_id == bindparam("uid"),
                                          _LIVE.c.state != TRANSFERRING,
                                          _LIVE.c.state != VOICEMAIL).limit(1)
_TRANSFERRING = (update(_LIVE).where(_LIVE.c.id == bindparam("cid"))
                 .values(state=bindparam("state")).returning(*_LIVE.c))
_MOVED = (update(_LIVE).where(_LIVE.c.id == bindparam("cid"), _LIVE.c.state.in_(("answered",
                                                                                   "held")))
          .values(other_number=bindparam("other")).returning(*_LIVE.c))
_IN_VOICEMAIL = (update(_LIVE).where(_LIVE.c.id == bindparam("cid"), _LIVE.c.state == "ringing")
                 .values(state=VOICEMAIL).returning(*_LIVE.c))


def _changed(db: Session, call: dict, what: str, in_call: bool) -> None:
    """The call's event (`Event.CALL_CHANGED`) in the same transaction as its row."""
    ports(db).events.publish(Event.CALL_CHANGED, db, call, what, in_call)


def call_started(db: Session, tenant_id: int, user_id: int, gateway_id: str, sip_call_id: str,
                 direction: str, other_number: str | None) -> int:
    """The call's live row (ringing); its id."""
    row = dict(tenant_id=tenant_id, user_id=user_id, gateway_id=gateway_id,
               sip_call_id=sip_call_id[:200], direction=direction,
               other_number=(other_number or None) and other_number[:40], state="ringing",
               started_at=now(), answered_at=None)
    result = db.connection().execute(_STARTED, row)
    call_id = result.inserted_primary_key[0]
    _changed(db, dict(row, id=call_id), "ringing", True)
    db.commit()
    return call_id


def call_answered(db: Session, call_id: int, leg_no: int | None, kind: str, uri: str,
                  at: datetime | None = None) -> None:
    conn = db.connection()
    call = conn.execute(_ANSWERED, {"cid": call_id, "at": at or now()}).mappings().first()
    if call is None:  # the call is over already
        return
    if leg_no is not None:
        conn.execute(_LEG, dict(tenant_id=call["tenant_id"], call_id=call_id, leg_no=leg_no,
                                kind=kind, uri=uri[:200], state="answered"))
    _changed(db, dict(call), "answered", True)
    db.commit()


def call_held(db: Session, call_id: int, held: bool) -> None:
    """A phone put the answered call on hold (re-INVITE sendonly or inactive), or took it
    back: the live row says so (`/me/calls`) and the user hears `held` or `resumed`."""
    call = db.connection().execute(_HELD[held], {"cid": call_id}).mappings().first()
    if call is not None:   # already in that state, not answered yet, or over
        _changed(db, dict(call), "held" if held else "resumed", True)
    db.commit()


def call_transferring(db: Session, call_id: int, away: bool) -> None:
    """`away`: the user's leg is gone while the call rings a transfer target, so the user is
    free (not in a call); else the call came back and rings the user again."""
    conn = db.connection()
    call = conn.execute(_TRANSFERRING, {"cid": call_id,
                                        "state": TRANSFERRING if away else "ringing"}
                        ).mappings().first()
    if call is None:  # the call is over already
        return
    still = conn.execute(_STILL_IN_CALL, {"uid": call["user_id"]}).first() is not None
    _changed(db, dict(call), "transferring" if away else "ringing", still)
    db.commit()


def call_moved(db: Session, call_id: int, other_number: str | None) -> None:
    """A transfer took the other party of the user's answered call away and put another in
    its place (the colleague the user called moved them on, or a phone's attended transfer
    joined them): the live row shows who the user talks to now, and the user hears
    `moved`."""
    other = (other_number or None) and other_number[:40]
    call = db.connection().execute(_MOVED, {"cid": call_id, "other": other}).mappings().first()
    if call is not None:   # not answered (yet or any more), or over
        _changed(db, dict(call), "moved", True)
    db.commit()


def call_in_voicemail(db: Session, call_id: int) -> None:
    """The user's voicemail took the ringing call: the caller hears the greeting or leaves a
    message, the user is free; the app may still transfer the call or hang it up."""
    conn = db.connection()
    call = conn.execute(_IN_VOICEMAIL, {"cid": call_id}).mappings().first()
    if call is None:  # over already
        return
    still = conn.execute(_STILL_IN_CALL, {"uid": call["user_id"]}).first() is not None
    _changed(db, dict(call), VOICEMAIL, still)
    db.commit()


def call_ended(db: Session, call_id: int) -> None:
    conn = db.connection()
    conn.execute(_ENDED[0], {"cid": call_id})
    call = conn.execute(_ENDED[1], {"cid": call_id}).mappings().first()
    failed = conn.execute(_ORPHANED, {"cid": call_id, "at": now()}).mappings().all()
    if call is not None:
        still = conn.execute(_STILL_IN_CALL, {"uid": call["user_id"]}).first() is not None
        _changed(db, dict(call), "ended", still)
    for command in failed:
        ports(db).events.publish(Event.COMMAND_FINISHED, db, dict(command))
    db.commit()


def claim_commands(db: Session, gateway_id: str, limit: int = 100) -> list[tuple[int, int, str]]:
    """This gateway's pending commands as (command id, live call id, kind), oldest first."""
    rows = db.execute(select(CallCommand.id, CallCommand.call_id, CallCommand.kind)
                      .where(CallCommand.gateway_id == gateway_id,
                             CallCommand.state == "pending")
                      .order_by(CallCommand.id).limit(limit)).all()
    if rows:
        db.execute(update(CallCommand).where(CallCommand.id.in_([r[0] for r in rows]))
                   .values(state="running"))
        db.commit()
    return [tuple(r) for r in rows]


def finish_command(db: Session, command_id: int, state: str, result: str) -> None:
    done = db.connection().execute(
        update(_COMMANDS).where(_COMMANDS.c.id == command_id)
        .values(state=state, result=result[:200], done_at=now())
        .returning(*_COMMANDS.c)).mappings().first()
    if done is not None:
        ports(db).events.publish(Event.COMMAND_FINISHED, db, dict(done))
    db.commit()


def gateway_restarted(db: Session, gateway_id: str) -> int:
    """A gateway that starts holds no call: what its previous run left goes to the call log
    (failed, "the gateway restarted"); its unfinished commands fail. How many calls."""
    from .interrupted import RESTARTED, finish_gateway_calls

    return finish_gateway_calls(db, gateway_id, RESTARTED)
