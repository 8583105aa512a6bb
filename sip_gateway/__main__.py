"""`python -m sip_gateway`: the gateway process (configuration from the environment)."""
from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading

from .config import GatewayConfig


def main() -> None:
    from api.gateway_port import gateway_restarted
    from bootstrap import gateway

    from . import commands
    from .pjsip_adapter import Adapter
    from .recorder import Recorder
    from .routeproc import RoutingProcess
    from .tts import Tts

    try:
        cfg = GatewayConfig.from_env()
    except ValueError as exc:  # a wrong SIP_TRUNKS option: say which, and do not start
        sys.exit(f"sip_gateway: {exc}")
    # many short hand-offs between the call thread, routing, recorder and push threads:
    # a shorter GIL switch interval than the default 5 ms keeps each wait short
    sys.setswitchinterval(float(os.environ.get("SIP_GIL_SWITCH_S", "0.0005")))
    process = gateway(cfg.database_url)  # logging, database, wiring, the push relay
    sessions = process.sessions
    with sessions() as db:
        gateway_restarted(db, cfg.gateway_id)
    uris = cfg.uris()
    routing = RoutingProcess(cfg.database_url, uris)  # routing queries in their own process
    recorder = Recorder(sessions).start()
    adapter = Adapter(cfg, routing, recorder, process.notifier, Tts(cfg.tts_dir))
    stopped = threading.Event()
    wakeups = commands.Wakeups(cfg.command_host, cfg.command_port)
    commands.register(sessions, cfg.gateway_id, wakeups)
    poller = threading.Thread(target=commands.run, name="gateway-commands", daemon=True,
                              args=(sessions, cfg.gateway_id,
                                    lambda *c: adapter.post(commands.dispatch, adapter, *c),
                                    wakeups,
                                    cfg.command_poll_s, stopped))

    def on_signal(_sig, _frame) -> None:
        adapter.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    poller.start()
    def ready() -> None:
        for handler in logging.getLogger().handlers:   # the log lines before it come first
            handler.flush()
        # what start-up built (modules, mappers, pjsua2's objects) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it (one
        # stalled the call thread 130-220 ms at 300 calls a second)
        gc.freeze()
        print(f"SIP gateway ready on {cfg.host}:{cfg.port}", flush=True)

    try:
        adapter.run(ready=ready)
    finally:
        stopped.set()
        wakeups.close()
        process.notifier.stop(2.0)
        recorder.stop()
        adapter.pool.shutdown(wait=False, cancel_futures=True)
        routing.stop()


if __name__ == "__main__":
    main()
