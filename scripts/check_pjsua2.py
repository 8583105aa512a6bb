#!/usr/bin/env python3
"""Smoke test of the pjsua2 (SWIG) build used by the SIP gateway.

Creates an Endpoint the way a server runs it (no pjsua worker threads, every
callback on the polling thread, null audio device, UDP transport on an
ephemeral port), prints what the build provides and destroys it again.

Exit status: 0 ok, 1 the build allows fewer calls than --min-calls,
2 pjsua2 cannot be imported, 3 the endpoint could not be started.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys


def _extension_library(pj) -> ctypes.CDLL | None:
    """The already loaded _pjsua2 extension, opened with ctypes.

    The wheel links pjproject statically into _pjsua2*.so, so the pjsua C API
    is reachable there. dlopen() of an already loaded file returns the same
    instance, so the values read are those of the running endpoint.
    """
    ext = getattr(pj, "_pjsua2", None) or sys.modules.get("_pjsua2")
    path = getattr(ext, "__file__", None)
    if not path:
        return None
    try:
        return ctypes.CDLL(path)
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-calls", type=int, default=2048,
                        help="fail when pjsua allows fewer calls (default 2048)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing, only set the exit status")
    args = parser.parse_args(argv)

    def say(msg: str) -> None:
        if not args.quiet:
            print(msg, flush=True)

    # This script's own directory holds scripts/pjsua2/ (build inputs), which
    # Python would otherwise import as an empty namespace package "pjsua2".
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path
                   if os.path.abspath(p or os.curdir) != here]
    try:
        import pjsua2 as pj
    except ImportError as exc:
        say(f"pjsua2 is not importable: {exc}")
        return 2
    if not hasattr(pj, "Endpoint"):
        say(f"pjsua2 is not importable: {pj!r} is not the SWIG binding")
        return 2

    lib = _extension_library(pj)
    if lib is not None:
        try:
            # quiet the log lines libCreate() prints before logConfig applies
            lib.pj_log_set_level(ctypes.c_int(1))
        except AttributeError:
            pass

    ep = pj.Endpoint()
    try:
        ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.logConfig.level = 1
        cfg.logConfig.consoleLevel = 1
        cfg.medConfig.clockRate = 8000
        cfg.medConfig.sndClockRate = 8000
        default_max_calls = cfg.uaConfig.maxCalls
        ep.libInit(cfg)
        ep.audDevManager().setNullDev()

        tcfg = pj.TransportConfig()
        tcfg.port = 0
        tid = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
        ep.libStart()
        ep.libHandleEvents(10)
        local = ep.transportGetInfo(tid).localName

        max_calls = None
        ioqueue = "?"
        if lib is not None:
            try:
                fn = lib.pjsua_call_get_max_count
                fn.restype = ctypes.c_uint
                fn.argtypes = []
                max_calls = int(fn())
            except AttributeError:
                pass
            try:
                name = lib.pj_ioqueue_name
                name.restype = ctypes.c_char_p
                name.argtypes = []
                ioqueue = name().decode()
            except AttributeError:
                pass
        source = "pjsua_call_get_max_count"
        if max_calls is None:
            # UaConfig.maxCalls defaults to PJSUA_MAX_CALLS in pjsua 2.12.
            max_calls = int(default_max_calls)
            source = "UaConfig.maxCalls default"

        say(f"pjsua2 {ep.libVersion().full} from {pj.__file__}")
        say(f"UDP transport on {local}, ioqueue {ioqueue}")
        say(f"max calls: {max_calls} ({source})")
    except pj.Error as exc:
        say(f"endpoint failed: {exc.info()}")
        return 3
    finally:
        try:
            # Nothing was registered and no call was made: skip pjsua's
            # unconditional wait of about 1 s for in-flight network traffic.
            ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)
        except Exception:  # pragma: no cover - already reported above
            pass
        del ep
        gc.collect()

    if max_calls < args.min_calls:
        say(f"FAIL: max calls {max_calls} < {args.min_calls}")
        return 1
    say("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
