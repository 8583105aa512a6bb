"""The voicemail benchmark's ceiling: the least a process can do to take the same calls —
pjsua2 answering every call and recording the caller to a WAV with `AudioMediaRecorder`,
configured as the gateway configures pjsua (one thread, 8 kHz, null audio device), with no
routing, database, greeting or push.

    python -m bench.bare_recorder PORT RTP_PORT DIRECTORY   (prints "ready"; SIGTERM stops it)
"""
from __future__ import annotations

import gc
import os
import signal
import sys


def main() -> None:
    import pjsua2 as pj

    port, rtp_port, directory = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.uaConfig.maxCalls = 256
    cfg.logConfig.level = cfg.logConfig.consoleLevel = 1
    cfg.medConfig.clockRate = cfg.medConfig.sndClockRate = 8000
    cfg.medConfig.noVad = True
    ep.libInit(cfg)
    tc = pj.TransportConfig()
    tc.boundAddress, tc.port = "127.0.0.1", port
    ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tc)
    ep.libStart()
    ep.audDevManager().setNullDev()
    calls, recorders, graves, seq = {}, {}, [], [0]

    class Call(pj.Call):
        def onCallMediaState(self, prm):
            info = self.getInfo()
            if info.id in recorders or not any(
                    m.status == pj.PJSUA_CALL_MEDIA_ACTIVE for m in info.media):
                return
            seq[0] += 1
            rec = pj.AudioMediaRecorder()
            rec.createRecorder(os.path.join(directory, f"{seq[0]}.wav"))
            self.getAudioMedia(-1).startTransmit(rec)
            recorders[info.id] = rec

        def onCallState(self, prm):
            info = self.getInfo()
            if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
                recorders.pop(info.id, None)
                graves.append(calls.pop(info.id, None))

    class Account(pj.Account):
        def onIncomingCall(self, prm):
            call = Call(self, prm.callId)
            calls[prm.callId] = call
            op = pj.CallOpParam(True)
            op.statusCode = 200
            call.answer(op)

    acfg = pj.AccountConfig()
    acfg.idUri = f"sip:bare@127.0.0.1:{port}"
    acfg.mediaConfig.transportConfig.port = rtp_port
    acfg.mediaConfig.transportConfig.portRange = 1024
    acc = Account()
    acc.create(acfg)
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    print("ready", flush=True)
    while running[0]:
        ep.libHandleEvents(10)
    recorders.clear()
    calls.clear()
    del acc
    gc.collect()
    ep.libDestroy(pj.PJSUA_DESTROY_NO_NETWORK)


if __name__ == "__main__":
    main()
