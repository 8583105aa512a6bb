"""A phone transfers its own call (SIP REFER, RFC 3515; on the pjsua thread).

The gateway takes the REFER over from pjsua (which would dial the Refer-To itself and leave
the caller to nobody): what the request and the call say decides at once (`core.referral`:
400 or 403, and the call goes on); otherwise the REFER gets 202 and a NOTIFY 100
Trying, the app makes the transfer (the same order as the app's own transfer screen, so the
call log says who transferred to whom) or refuses it (404, 403), and transfer control runs
it as any other. The phone's subscription ends with 200 when the call has left it (its leg
is released right after) or with the refusal's status, when the call goes on with it.
"""
from __future__ import annotations

import logging

from . import attended, pjsip_refer, placed, sipmsg, transfers
from .core.referral import refusal
from .core.transfercontrol import StartTransfer
from .pjsip_endpoint import respond_in_transaction

log = logging.getLogger("sip_gateway")


def received(gw, call, tsx, rdata) -> None:
    """A REFER on `call`, its transaction still Trying (from `onCallTsxState`)."""
    session = call.session
    target = sipmsg.refer_to(rdata.wholeMsg)
    cc = session.cc if session is not None else None
    # the answering phone, or the user's own phone that placed the call (its caller leg)
    placer = call.leg is None and cc is not None and placed.phone_placed(session)
    from_phone = cc is not None and (placer or call.leg is not None and call.leg == cc.winner)
    transferable = cc is not None and not session.finished \
        and (cc.state, StartTransfer) in cc.table
    refused = refusal(target, from_phone=from_phone, transferable=transferable,
                      own_hosts=gw.own_hosts)
    extra = {"event": "refer", "leg": call.leg, "call_id": session.sip_id if session else None,
             "target": target.user[:32] if target else None}
    if refused is not None:
        respond_in_transaction(tsx.pjTransaction, rdata.pjRxData, refused[0])
        log.info("REFER refused", extra={**extra, "status": refused[0], "why": refused[1]})
        return
    if target.replaces is not None:   # attended: the phone's consultation call is joined
        return attended.received(gw, call, tsx, rdata, target, extra, placer=placer)
    sub = pjsip_refer.accept(rdata.pjRxData)
    if sub is None:
        respond_in_transaction(tsx.pjTransaction, rdata.pjRxData, 500)
        log.warning("REFER not accepted", extra={**extra, "status": 500})
        return
    call.refer_sub = sub
    log.info("REFER accepted", extra={**extra, "status": 202})
    from api.gateway_port import transfer_by_phone

    # on the recorder thread, after this call's own writes (its row, its answer): the live
    # call's id is known there even when the REFER came right after the answer
    live = placed.live_of(session) if placer else session.live
    gw.recorder.submit(lambda db: transfer_by_phone(db, live.id, target.user),
                       then=lambda result: gw.post(_decided, gw, session, call, result))


def _decided(gw, session, call, result: dict | None) -> None:
    """The app's answer: the transfer's order (run it), or why not (the call goes on)."""
    result = result or {"refused": 503, "why": "the transfer could not be recorded"}
    why = result.get("why")
    if "order" in result:
        why = transfers.begin(gw, session, None, result["order"])
    if why:
        status = result.get("refused", 503)
        log.info("REFER refused", extra=session.log_extra(event="refer_refused",
                                                          status=status, why=why))
        finish(gw, call, status)


def finish(gw, call, status: int) -> None:
    """End the referring phone's subscription with `status` (before its leg is released)."""
    sub = call.refer_sub
    if sub is None:
        return
    call.refer_sub = None
    if gw.alive(call):
        pjsip_refer.notify(sub, status)
