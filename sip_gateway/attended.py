"""A phone's attended transfer (REFER with `Replaces`, RFC 3515 and RFC 3891; on the pjsua
thread).

The user's phone holds the caller on call A and has called a colleague (or any number)
through the gateway, call B. Its Transfer button sends REFER on A whose Refer-To names B's
dialog with the phone (`?Replaces=B's Call-ID;to-tag=..;from-tag=..`). The gateway is the
other end of both dialogs, so it needs no new INVITE: it finds B among its own calls, and
when `core.referral.attended_refusal` lets it (B is the same user's, answered, and its dialog
tags match; else 481 or 403 and both calls go on), it answers 202, moves B's far party into
call A in place of the user's phone (A's machine keeps talking to the same leg number, so
the call goes on and ends as any bridged call), connects the caller with it, ends the phone's
subscription with NOTIFY 200 and releases the phone's two legs. Call B ends as the user's
answered call to that party; call A's log entry says the user transferred the caller to
them (attended), and the user is free at once. A colleague B rang stays busy in call A
(`joined.py`): their own live call with the caller, their log entry when it ends.

Call A may also be one the user's phone placed (out through the trunk, or to a colleague:
`placed.phone_placed`): the phone is then A's caller, so A is first turned around as for
the app's transfer (`turnaround.turn`), and the party the user called is the one who meets
B's far party. A call to a colleague leaves the user's own side at the join (`placed`: their
live call over, their outgoing log entry); the colleague's own call goes on.
"""
from __future__ import annotations

import logging

from . import callrecords, joined, pjsip_refer, placed, sipmsg, turnaround
from .core.referral import Consultation, attended_refusal
from .core.transfercontrol import StartTransfer
from .pjsip_endpoint import respond_in_transaction

log = logging.getLogger("sip_gateway")


def consultation(gw, session, replaces: str, user_id: int | None
                 ) -> tuple[object, Consultation]:
    """The call `replaces` names (None when there is none) and what the gateway found
    (`user_id`: the user whose phone transfers call `session`)."""
    ids = sipmsg.replaces(replaces)
    other = gw.sessions.get(ids.call_id) if ids is not None else None
    if other is None or other.finished:
        return None, Consultation()
    phone_tag = sipmsg.tag_of(other.msg.headers.get("from"))
    # RFC 3891 names the tags as the gateway sees them (to-tag: its own); a phone that
    # swaps them still names the same dialog
    dialog = phone_tag in (ids.to_tag, ids.from_tag) and gw.alive(other.caller) and (
        pjsip_refer.has_dialog(ids.call_id, ids.to_tag, ids.from_tag)
        or pjsip_refer.has_dialog(ids.call_id, ids.from_tag, ids.to_tag))
    theirs = other.route_info
    # B is the user's own: their phone placed it (to a colleague or out through the trunk)
    same_user = theirs is not None and user_id is not None and user_id == theirs.from_user_id
    winner = other.cc.winner
    answered = _talking(other.cc) and winner is not None \
        and gw.alive(other.legs.get(winner)) and gw.alive(other.caller)
    return other, Consultation(found=True, dialog=dialog, same_user=same_user,
                               other_call=other is not session, answered=answered)


def received(gw, call, tsx, rdata, target, extra: dict, placer: bool = False) -> None:
    """The REFER on `call` (the user's phone on call A: the phone that answered, or with
    `placer` the phone that placed A) names B's dialog in `target`."""
    session = call.session
    user_id = placed.user_of(session) if placer else (
        session.route_info.user_id if session.route_info is not None else None)
    other, found = consultation(gw, session, target.replaces, user_id)
    refused = attended_refusal(found)
    if refused is not None:
        respond_in_transaction(tsx.pjTransaction, rdata.pjRxData, refused[0])
        log.info("REFER refused", extra={**extra, "status": refused[0], "why": refused[1],
                                         "method": "attended"})
        return
    sub = pjsip_refer.accept(rdata.pjRxData)
    if sub is None:
        respond_in_transaction(tsx.pjTransaction, rdata.pjRxData, 500)
        log.warning("REFER not accepted", extra={**extra, "status": 500})
        return
    log.info("REFER accepted", extra={**extra, "status": 202, "method": "attended",
                                      "replaces": other.sip_id})
    # out of pjsua's transaction callback
    gw.post(_join, gw, session, call, other, sub, user_id if placer else None)


def _join(gw, a, phone_a, b, sub: int, placer_id: int | None = None) -> None:
    """Call A's caller talks to call B's far party; the phone's legs on both are released
    (`placer_id`: the user whose phone placed call A, its caller)."""
    w, bw = a.cc.winner, b.cc.winner
    far, target = b.legs.get(bw), b.cc.legs.get(bw)
    # the phone that placed A is its caller until A is turned around (a bridged call only)
    phone_side = a.legs.get(w) if placer_id is None \
        else a.caller if a.cc.state.value == "bridged" else None
    if a.finished or b.finished or phone_a is not phone_side or not _talking(a.cc) \
            or not _talking(b.cc) or not (gw.alive(far) and gw.alive(a.caller)
                                          and gw.alive(phone_a) and gw.alive(a.legs.get(w))):
        log.info("REFER refused", extra=a.log_extra(
            event="refer_refused", status=487, why="a call ended before the transfer"))
        if gw.alive(phone_a):
            pjsip_refer.notify(sub, 487)
        return
    live = placed.live_of(a) if placer_id is not None else a.live   # the transferring user's
    if placer_id is not None:   # the party the user called meets B's far party
        turnaround.turn(a, (), {})
    # B lets go of its far party (its machine no longer reaches that leg) ...
    _quiet(b.links.disconnect, b.caller, far)
    b.links.forget(far)
    del b.legs[bw]
    # ... and A takes it in place of the user's phone, as the same leg
    a.links.forget(phone_a)
    phone_a.session = None
    a.legs[w], far.session, far.leg = far, a, w
    if placer_id is not None and a.placed is not None and w in a.held_legs:
        callrecords.leg_held(a, w, False)   # the colleague the user called: not held now
    a.held_legs.discard(w)
    if a.phone_held:   # the caller heard the hold music while the phone consulted
        a.phone_held = False
        a.stop_loop()
    a.bridge_leg = w   # the two hear each other now, or once both have media
    a._connect()
    if target is not None:   # B rang a colleague: they are in call A now
        joined.take_over(gw, a, b, w, target.target, by_user_id=placer_id)
    pjsip_refer.notify(sub, 200)
    for leg in (phone_a, b.caller):
        if gw.alive(leg):
            leg.hangup(gw.op())
    log.info("call transferred", extra=a.log_extra(
        event="attended_transfer", replaced=b.sip_id, target=b.msg.to_user[:32]))
    if a.placed is not None:   # a user of ours stays in call A: they see who they talk to
        stays = a.live if placer_id is not None else a.placed.live
        placed.moved(a, stays, b.route_info.called if b.route_info else b.msg.to_user)
    _record(gw, a, b.msg.to_user, live, placer=placer_id is not None)


def _record(gw, a, number: str, live, placer: bool) -> None:
    """The transfer in the call log (attended, completed) and the user free of the call
    (`live`: their live row; `placer`: their phone placed the call)."""
    from api.gateway_port import attended_by_phone, call_ended

    gw.recorder.submit(lambda db: attended_by_phone(db, live.id, number),
                       then=lambda result: _recorded(a, result))
    if placer and a.placed is not None:   # their phone called a colleague: theirs goes on
        return placed.release(a, status="answered")
    a.release_user()
    if live.id is not None:
        gw.by_live_id.pop(live.id, None)
    gw.recorder.submit(lambda db: live.id is not None and call_ended(db, live.id))


def _recorded(a, result: dict | None) -> None:
    if not result or "order" not in result:
        log.warning("attended transfer not recorded", extra=a.log_extra(
            event="attended_transfer_unrecorded", why=(result or {}).get("why")))


def _talking(cc) -> bool:
    """The call is answered, its two parties talk and no transfer of it runs."""
    return (cc.state, StartTransfer) in cc.table


def _quiet(fn, *args) -> None:
    try:
        fn(*args)
    except Exception:   # a held or gone leg has no audio to stop
        pass
