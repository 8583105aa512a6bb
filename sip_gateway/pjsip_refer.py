"""The transferee's side of a REFER (RFC 3515) in pjsip's own terms, which pjsua2 does not
offer: accept it with 202 and a subscription of its own, then report the transfer's progress
in NOTIFYs carrying `message/sipfrag` (100 Trying, then the final status).

pjsua would accept a REFER itself and dial its Refer-To on its own; the gateway answers the
REFER first, from `onCallTsxState` while its transaction is still Trying, so pjsua leaves it
alone. Every call here may run pjsua's callbacks (and our Python) before it returns: the
library is reached without releasing the GIL (`pjlib(holding_gil=True)`).
"""
from __future__ import annotations

import ctypes as C

from .pjsip_endpoint import pjlib

ACTIVE, TERMINATED = 4, 5    # pjsip_evsub_state
REASONS = {100: "Trying", 200: "OK", 403: "Forbidden", 404: "Not Found", 480:
           "Temporarily Unavailable", 486: "Busy Here", 487: "Request Terminated",
           503: "Service Unavailable"}


class _EvsubUser(C.Structure):  # pjsip_evsub_user: no callbacks of ours (pjsip copies it)
    _fields_ = [(name, C.c_void_p) for name in (
        "on_evsub_state", "on_tsx_state", "on_rx_refresh", "on_rx_notify",
        "on_client_refresh", "on_server_timeout")]


def _lib():
    lib = pjlib(holding_gil=True)
    for name, args in (("pjsip_rdata_get_dlg", [C.c_void_p]),
                       ("pjsip_xfer_create_uas", [C.c_void_p, C.c_void_p, C.c_void_p,
                                                  C.POINTER(C.c_void_p)]),
                       ("pjsip_xfer_accept", [C.c_void_p, C.c_void_p, C.c_int, C.c_void_p]),
                       ("pjsip_xfer_notify", [C.c_void_p, C.c_int, C.c_int, C.c_void_p,
                                              C.POINTER(C.c_void_p)]),
                       ("pjsip_xfer_send_request", [C.c_void_p, C.c_void_p]),
                       ("pjsip_ua_find_dialog", [C.c_void_p, C.c_void_p, C.c_void_p, C.c_int])):
        getattr(lib, name).argtypes = args
    lib.pjsip_rdata_get_dlg.restype = lib.pjsip_ua_find_dialog.restype = C.c_void_p
    return lib


def accept(rdata) -> int | None:
    """Answer the REFER `rdata` (`SipRxData.pjRxData`) 202 Accepted and send the first
    NOTIFY (100 Trying). Returns the subscription (to `notify` the outcome on), None when
    pjsip could not create it (nothing was answered then)."""
    lib = _lib()
    dlg = lib.pjsip_rdata_get_dlg(int(rdata))
    sub = C.c_void_p()
    if not dlg or lib.pjsip_xfer_create_uas(dlg, C.byref(_EvsubUser()), int(rdata),
                                            C.byref(sub)) != 0:
        return None
    lib.pjsip_xfer_accept(sub, int(rdata), 202, None)
    notify(sub.value, 100)
    return sub.value


def notify(sub: int, status: int) -> bool:
    """Tell the referring phone how the transfer goes: 1xx keeps the subscription active,
    a final status ends it."""
    lib = _lib()
    tdata = C.c_void_p()
    state = ACTIVE if status < 200 else TERMINATED
    text = REASONS.get(status, "Failed").encode()
    reason = _PjStr(C.cast(C.c_char_p(text), C.c_char_p), len(text))
    if lib.pjsip_xfer_notify(C.c_void_p(sub), state, status, C.byref(reason),
                             C.byref(tdata)) != 0:
        return False
    return lib.pjsip_xfer_send_request(C.c_void_p(sub), tdata) == 0


class _PjStr(C.Structure):
    _fields_ = [("ptr", C.c_char_p), ("slen", C.c_ssize_t)]


def has_dialog(call_id: str, local_tag: str, remote_tag: str) -> bool:
    """pjsip holds a dialog with these ids (RFC 3891 matching: `local_tag` is the gateway's,
    the Replaces' to-tag; `remote_tag` the phone's)."""
    lib = _lib()
    raw = [v.encode() for v in (call_id, local_tag, remote_tag)]
    strs = [_PjStr(C.cast(C.c_char_p(b), C.c_char_p), len(b)) for b in raw]
    return bool(lib.pjsip_ua_find_dialog(*(C.byref(x) for x in strs), 0))
