"""The pjsua2 endpoint the gateway runs on: its library set up for one polling thread (no
worker threads, no sound device, 8 kHz), UDP and TCP on the configured address, and the few
calls to the C library under it that the C++ API does not offer."""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import resource
import socket

import pjsua2 as pj

log = logging.getLogger("sip_gateway")


def create(cfg) -> "pj.Endpoint":
    """A started endpoint for `cfg` (`GatewayConfig`), owned by the calling thread."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    quiet_lib_log()
    ep = pj.Endpoint()
    ep.libCreate()
    ep_cfg = pj.EpConfig()
    ep_cfg.uaConfig.threadCnt = 0
    ep_cfg.uaConfig.mainThreadOnly = True
    ep_cfg.uaConfig.maxCalls = cfg.max_calls
    ep_cfg.uaConfig.userAgent = "pbx-companion-gateway"
    ep_cfg.logConfig.level = 1
    ep_cfg.logConfig.consoleLevel = 1
    ep_cfg.medConfig.clockRate = 8000
    ep_cfg.medConfig.sndClockRate = 8000
    ep_cfg.medConfig.hasIoqueue = True
    ep_cfg.medConfig.noVad = True
    ep.libInit(ep_cfg)
    for kind in (pj.PJSIP_TRANSPORT_UDP, pj.PJSIP_TRANSPORT_TCP):
        tc = pj.TransportConfig()
        tc.boundAddress = cfg.host
        tc.port = cfg.port
        ep.transportCreate(kind, tc)
    _receive_buffer(cfg)
    ep.libStart()
    return ep


def _receive_buffer(cfg) -> None:
    """Widen the SIP UDP socket's receive buffer: with the system's default (about 170
    requests) a moment's stall of the pjsua thread at a few hundred calls a second loses
    datagrams, and a call whose ACK and BYE were lost lingers until pjsip's timers end it."""
    if cfg.udp_receive_buffer <= 0:
        return
    got = widen_receive_buffer(cfg.port, cfg.udp_receive_buffer)
    if got is not None and got < cfg.udp_receive_buffer:
        log.warning("SIP UDP receive buffer smaller than asked: raise net.core.rmem_max",
                    extra={"event": "udp_receive_buffer", "asked": cfg.udp_receive_buffer,
                           "bytes": got})


def widen_receive_buffer(port: int, size: int) -> int | None:
    """Ask for a receive buffer of `size` bytes on this process's UDP socket bound to `port`
    (pjsua2 does not expose its sockets: found among the process's open files). A privileged
    process may pass the system's limit. Returns the bytes granted (Linux counts its own
    bookkeeping: twice what was asked), None when there is no such socket to be seen."""
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for name in fds:
        try:
            if not os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                continue
            copy = os.dup(int(name))   # shares the socket; closing it leaves pjsip's open
        except OSError:
            continue
        try:
            sock = socket.socket(fileno=copy)
        except OSError:
            os.close(copy)
            continue
        with sock:
            if sock.family not in (socket.AF_INET, socket.AF_INET6) \
                    or sock.type != socket.SOCK_DGRAM or sock.getsockname()[1] != port:
                continue
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) < size:
                with contextlib.suppress(OSError):   # without CAP_NET_ADMIN: rmem_max holds
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUFFORCE, size)
            return sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    return None


@functools.cache
def pjlib(holding_gil: bool = False):
    """The C library under pjsua2, for the few calls its C++ API does not offer.
    `holding_gil`: for calls that may run our callbacks (this SWIG build calls Python
    without taking the GIL, so such a call must not release it)."""
    import ctypes
    import sys

    ext = sys.modules.get("_pjsua2") or getattr(pj, "_pjsua2", None)
    try:
        return (ctypes.PyDLL if holding_gil else ctypes.CDLL)(ext.__file__)
    except (AttributeError, OSError, TypeError):
        return None


def quiet_lib_log() -> None:
    import ctypes

    lib = pjlib()
    if lib is not None:
        lib.pj_log_set_level(ctypes.c_int(1))


def calls_held(lib) -> int:
    """Calls pjsua still holds, those being hung up included (pjsua2 reports a hung-up call
    as disconnected at once, yet keeps it until its CANCEL or BYE is through)."""
    return lib.pjsua_call_get_count() if lib is not None else 0


def respond_in_transaction(tsx, rdata, status: int) -> bool:
    """Answer the in-dialog request `rdata` (a pjsua2 `SipRxData.pjRxData`) on its server
    transaction `tsx` (`SipTransaction.pjTransaction`), from inside `onCallTsxState`."""
    import ctypes as C

    lib = pjlib(holding_gil=True)   # sending calls pjsua's callbacks, and our Python, back
    if lib is None:
        return False
    lib.pjsua_get_pjsip_endpt.restype = C.c_void_p
    lib.pjsip_endpt_create_response.argtypes = [C.c_void_p, C.c_void_p, C.c_int, C.c_void_p,
                                                C.POINTER(C.c_void_p)]
    lib.pjsip_tsx_send_msg.argtypes = [C.c_void_p, C.c_void_p]
    tdata = C.c_void_p()
    if lib.pjsip_endpt_create_response(lib.pjsua_get_pjsip_endpt(), _ptr(rdata), status, None,
                                       C.byref(tdata)) != 0:
        return False
    return lib.pjsip_tsx_send_msg(_ptr(tsx), tdata) == 0


def _ptr(obj) -> int:
    """The address a pjsua2 `void *` field holds."""
    return int(obj)
