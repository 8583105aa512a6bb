"""SIP errors for requests pjsip would drop without a word (pjsua2 has no hook for them).

Two pjsip C hooks, reached with ctypes on the same pjsua2 instance, both run on the thread
that polls pjsua:
- the transport manager's dropped-data callback: a request with a syntax error, without a
  mandatory header (Call-ID, CSeq, From, To) or larger than pjsip's receive buffer gets
  400 or 513 when its top Via says where to (`sipmsg.error_reply`), on the transport it came
  in on; without a usable Via nothing can be answered (RFC 3261 18.2.2) and it stays dropped;
- a module after every pjsua module: a request nobody took gets 501 (a method the gateway
  does not implement) or 481 (a method that only makes sense inside a dialog);
- a module before pjsua's presence and instant-message modules (which would accept them
  from anyone with 200): an out-of-dialog SUBSCRIBE, MESSAGE or PUBLISH gets 405 Method Not
  Allowed with the `Allow` header of what the gateway takes (in-dialog requests never get
  here: the dialog layer, before it, takes them).
Each answer is logged as `malformed_request`, `unhandled_request` or `refused_request`.
"""
from __future__ import annotations

import ctypes as C
import logging
import sys

from . import sipmsg

log = logging.getLogger("sip_gateway")
PJSIP_EINVALIDMSG, PJSIP_EMISSINGHDR, PJSIP_ERXOVERFLOW = 171020, 171050, 171062
DROPPED = {PJSIP_EINVALIDMSG: (400, "Bad Request", "Malformed request"),
           PJSIP_EMISSINGHDR: (400, "Bad Request", "Mandatory header missing"),
           PJSIP_ERXOVERFLOW: (513, "Message Too Large", "Request larger than the gateway takes")}
IN_DIALOG_ONLY = {"BYE", "INFO", "UPDATE", "PRACK", "REFER", "NOTIFY"}
NOT_ALLOWED = {"SUBSCRIBE", "MESSAGE", "PUBLISH"}   # pjsua would take these from anyone
ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY"
TRANSPORTS = {"UDP": 1, "TCP": 2}  # pjsip_transport_type_e
PRIORITY = 32 + 64                  # after PJSIP_MOD_PRIORITY_APPLICATION: after pjsua
REFUSE_PRIORITY = 64 - 1            # after the dialog layer (32, 48), before pjsua (64)


class _PjStr(C.Structure):
    _fields_ = [("ptr", C.c_char_p), ("slen", C.c_ssize_t)]


_ON_RX = C.CFUNCTYPE(C.c_int, C.c_void_p)


class _Module(C.Structure):  # pjsip_module
    _fields_ = [("prev", C.c_void_p), ("next", C.c_void_p), ("name", _PjStr),
                ("id", C.c_int), ("priority", C.c_int), ("load", C.c_void_p),
                ("start", C.c_void_p), ("stop", C.c_void_p), ("unload", C.c_void_p),
                ("on_rx_request", _ON_RX), ("on_rx_response", C.c_void_p),
                ("on_tx_request", C.c_void_p), ("on_tx_response", C.c_void_p),
                ("on_tsx_state", C.c_void_p)]


class _HdrLinks(C.Structure):  # the list links every pjsip header (and list head) starts with
    _fields_ = [("prev", C.c_void_p), ("next", C.c_void_p)]


class _Dropped(C.Structure):  # pjsip_tp_dropped_data
    _fields_ = [("tp", C.c_void_p), ("data", C.c_void_p), ("len", C.c_size_t),
                ("status", C.c_int)]


_ON_DROP = C.CFUNCTYPE(None, C.POINTER(_Dropped))


class _Selector(C.Structure):  # pjsip_tpselector, type PJSIP_TPSELECTOR_TRANSPORT (1)
    _fields_ = [("type", C.c_int), ("disable_connection_reuse", C.c_int),
                ("transport", C.c_void_p)]


class Guard:
    """Install once after libStart; keep the object until after libDestroy."""

    @classmethod
    def start(cls) -> "Guard | None":
        """Install the hooks; None (and a warning) when this pjsua2 build does not let us."""
        try:
            return cls().install()
        except (AttributeError, OSError, TypeError) as exc:
            log.warning("malformed requests pjsip drops stay unanswered", extra={
                "event": "guard_unavailable", "error": str(exc)})
            return None

    def __init__(self) -> None:
        import pjsua2

        ext = sys.modules.get("_pjsua2") or getattr(pjsua2, "_pjsua2", None)
        lib = C.CDLL(ext.__file__)
        for name, res, args in (
                ("pjsua_get_pjsip_endpt", C.c_void_p, []),
                ("pjsip_endpt_get_tpmgr", C.c_void_p, [C.c_void_p]),
                ("pjsip_endpt_register_module", C.c_int, [C.c_void_p, C.c_void_p]),
                ("pjsip_endpt_respond_stateless", C.c_int,
                 [C.c_void_p, C.c_void_p, C.c_int, C.c_void_p, C.c_void_p, C.c_void_p]),
                ("pjsip_rx_data_get_info", C.c_char_p, [C.c_void_p]),
                ("pjsip_tpmgr_set_drop_data_cb", C.c_int, [C.c_void_p, _ON_DROP]),
                ("pjsip_tpmgr_send_raw", C.c_int,
                 [C.c_void_p, C.c_int, C.c_void_p, C.c_void_p, C.c_char_p, C.c_size_t,
                  C.c_void_p, C.c_int, C.c_void_p, C.c_void_p]),
                ("pj_sockaddr_in_init", C.c_int, [C.c_void_p, C.c_void_p, C.c_uint16]),
                ("pjsua_pool_create", C.c_void_p, [C.c_char_p, C.c_size_t, C.c_size_t]),
                ("pjsip_generic_string_hdr_create", C.c_void_p,
                 [C.c_void_p, C.c_void_p, C.c_void_p])):
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = res, args
        self.lib = lib
        self.endpt = lib.pjsua_get_pjsip_endpt()
        self.tpmgr = lib.pjsip_endpt_get_tpmgr(self.endpt)
        self._name = C.create_string_buffer(b"mod-gateway-guard")
        self._on_rx = _ON_RX(self._rx_request)
        self._on_drop = _ON_DROP(self._dropped)
        self.module = _Module(name=_PjStr(C.cast(self._name, C.c_char_p), 17), id=-1,
                              priority=PRIORITY, on_rx_request=self._on_rx)
        self._refuse_name = C.create_string_buffer(b"mod-gateway-refuse")
        self._on_refuse = _ON_RX(self._refuse)
        self.refuse_module = _Module(name=_PjStr(C.cast(self._refuse_name, C.c_char_p), 18),
                                     id=-1, priority=REFUSE_PRIORITY,
                                     on_rx_request=self._on_refuse)
        self._allow = None

    def install(self) -> "Guard":
        status = self.lib.pjsip_endpt_register_module(self.endpt, C.byref(self.module))
        if status != 0:
            log.warning("requests no module handles stay unanswered", extra={
                "event": "guard_unavailable", "status": status})
        self._allow = self._allow_header()
        status = self.lib.pjsip_endpt_register_module(self.endpt, C.byref(self.refuse_module))
        if status != 0:
            log.warning("out-of-dialog SUBSCRIBE and MESSAGE are not refused", extra={
                "event": "guard_unavailable", "status": status})
        self.lib.pjsip_tpmgr_set_drop_data_cb(self.tpmgr, self._on_drop)
        return self

    def _allow_header(self):
        """A header list (head, then `Allow: ALLOW`) for 405 answers, in a pool of ours."""
        self._pool = self.lib.pjsua_pool_create(b"guard", 512, 512)
        self._strings = [C.create_string_buffer(b"Allow"), C.create_string_buffer(ALLOW.encode())]
        name, value = (_PjStr(C.cast(b, C.c_char_p), len(b.value)) for b in self._strings)
        hdr = self.lib.pjsip_generic_string_hdr_create(self._pool, C.byref(name),
                                                       C.byref(value))
        head = _HdrLinks()
        links = _HdrLinks.from_address(hdr)
        head.prev = head.next = hdr
        links.prev = links.next = C.addressof(head)
        return head

    # -- a request the gateway refuses whoever sends it --------------------------------------
    def _refuse(self, rdata) -> int:
        try:
            info = (self.lib.pjsip_rx_data_get_info(rdata) or b"").decode("latin-1")
            method = info.split("Request msg ", 1)[-1].split("/", 1)[0]
            if method not in NOT_ALLOWED:
                return 0
            self.lib.pjsip_endpt_respond_stateless(self.endpt, rdata, 405, None,
                                                   C.byref(self._allow), None)
            log.info("request refused", extra={
                "event": "refused_request", "method": method, "status": 405})
            return 1
        except Exception:
            log.exception("guard failed", extra={"event": "adapter_error"})
            return 0

    # -- a request no module took ------------------------------------------------------------
    def _rx_request(self, rdata) -> int:
        try:
            info = (self.lib.pjsip_rx_data_get_info(rdata) or b"").decode("latin-1")
            method = info.split("Request msg ", 1)[-1].split("/", 1)[0]
            if method in ("ACK", ""):
                return 0
            status = 481 if method in IN_DIALOG_ONLY else 501
            self.lib.pjsip_endpt_respond_stateless(self.endpt, rdata, status, None, None, None)
            log.info("request not handled here", extra={
                "event": "unhandled_request", "method": method[:32], "status": status})
            return 1
        except Exception:
            log.exception("guard failed", extra={"event": "adapter_error"})
            return 0

    # -- data pjsip dropped ------------------------------------------------------------------
    def _dropped(self, dd) -> None:
        try:
            d = dd.contents
            if d.status not in DROPPED or not d.data or not d.len:
                return
            status, reason, why = DROPPED[d.status]
            reply = sipmsg.error_reply(C.string_at(d.data, min(d.len, 16384)), status,
                                       reason, why)
            if reply is None:
                log.info("unparseable data dropped", extra={
                    "event": "malformed_request", "status": None, "why": why})
                return
            sent = self._send(d.tp, reply)
            log.info("malformed request answered", extra={
                "event": "malformed_request", "status": status, "why": why,
                "missing": list(reply.missing), "transport": reply.transport,
                "peer": f"{reply.host}:{reply.port}", "sent": sent == 0})
        except Exception:
            log.exception("guard failed", extra={"event": "adapter_error"})

    def _send(self, tp, reply: sipmsg.ErrorReply) -> int:
        """On the transport the request came in on (for TCP: its connection)."""
        addr = C.create_string_buffer(64)  # pj_sockaddr (pj_sockaddr_in is 16 bytes)
        host = C.create_string_buffer(reply.host.encode())
        self.lib.pj_sockaddr_in_init(addr, C.byref(_PjStr(C.cast(host, C.c_char_p),
                                                           len(reply.host))), reply.port)
        sel = _Selector(type=1, transport=tp)
        status = -1
        for kind in sorted(TRANSPORTS, key=lambda k: k != reply.transport):
            status = self.lib.pjsip_tpmgr_send_raw(
                self.tpmgr, TRANSPORTS[kind], C.byref(sel), None, reply.data, len(reply.data),
                addr, 16, None, None)
            if status in (0, 70002):  # PJ_SUCCESS, PJ_EPENDING
                return 0
        return status
