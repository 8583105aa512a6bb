"""Requests inside one of the gateway's calls that it answers before pjsua would (on the
pjsua thread, from `onCallTsxState`, while the request's transaction is still Trying: once
answered, pjsua leaves it alone).

- REFER (a phone's Transfer button) is the gateway's (`referrals`): pjsua would accept it
  and dial the Refer-To by itself;
- INFO carrying a key as `application/dtmf` is answered (200, or 400 when its body is no
  key) and the key relayed (`media`): pjsua would leave it unanswered. pjsua reads
  `application/dtmf-relay` itself (the key arrives as `onDtmfDigit`).
"""
from __future__ import annotations

import logging

import pjsua2 as pj

from . import media, referrals, sipmsg
from .pjsip_endpoint import respond_in_transaction

log = logging.getLogger("sip_gateway")


def received(gw, call, e) -> None:
    if e.type != pj.PJSIP_EVENT_TSX_STATE:
        return
    tsx = e.body.tsxState.tsx
    if tsx.role != pj.PJSIP_ROLE_UAS or tsx.state != pj.PJSIP_TSX_STATE_TRYING \
            or tsx.method not in ("INFO", "REFER"):
        return
    rdata = e.body.tsxState.src.rdata
    if tsx.method == "REFER":
        try:
            return referrals.received(gw, call, tsx, rdata)
        except Exception:   # never leave it to pjsua, which would dial the target itself
            log.exception("REFER failed", extra={"event": "adapter_error"})
            respond_in_transaction(tsx.pjTransaction, rdata.pjRxData, 500)
            return
    key = sipmsg.info_key(rdata.wholeMsg)
    if key is None:
        return
    respond_in_transaction(tsx.pjTransaction, rdata.pjRxData, 200 if key else 400)
    if key and call.session is not None:  # relayed once out of the transaction's callback
        gw.post(media.key_pressed, call.session, call, key, pj.PJSUA_DTMF_METHOD_SIP_INFO)
