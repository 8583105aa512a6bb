"""App simulator commands for push: register this phone, list devices, show pushes."""
from __future__ import annotations

import json
import os
from pathlib import Path

from . import push
from .cli import command, show

SINK = os.environ.get("PUSH_SINK_URL", "http://127.0.0.1:8091")


def _token_file(app) -> Path:
    base = app.state_file or Path("var/sim-session.json")
    return base.with_name(base.stem + "-push.json")


@command("push-register", "register this phone for push: push-register [android|ios]")
def _register(app, args):
    platform = args.rest[0] if args.rest else "android"
    device = push.register_device(app, platform)
    path = _token_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"token": device["token"], "device_id": device["id"]}))
    print(f"registered {platform} device {device['id']} for push")


@command("push-devices", "list my push devices")
def _devices(app, args):
    show(push.devices(app))


@command("push-test", "ask the server to send a test push to my devices")
def _test(app, args):
    push.send_test(app)
    print("test push requested")


@command("push-listen", "show the pushes this phone receives from the local sink: "
                        "push-listen [COUNT]")
def _listen(app, args):
    token = json.loads(_token_file(app).read_text())["token"]
    limit = int(args.rest[0]) if args.rest else None
    print(f"waiting for pushes (sink {SINK}); Ctrl-C to stop", flush=True)
    for n, received in enumerate(push.listen(SINK, token), start=1):
        print(push.describe(received), flush=True)
        if limit and n >= limit:
            break


@command("softphone", "be this phone's app as a softphone woken by push (after push-register): "
                      "softphone [CALLS] [ANSWER_AFTER_S]")
def _softphone(app, args):
    from . import softphone

    saved = json.loads(_token_file(app).read_text())
    calls = int(args.rest[0]) if args.rest else 1
    after = float(args.rest[1]) if len(args.rest) > 1 else 1.0
    device = softphone.provision(app, saved["device_id"])
    print(f"app device {device['id']} ({device['sip_username']}), Contact parameters "
          f"{device['push_params']['contact_params']}", flush=True)
    phone = softphone.Softphone(device, say=lambda text: print(text, flush=True))
    try:
        answered = softphone.run(phone, SINK, saved["token"], calls=calls,
                                 answer_after_s=after)
    finally:
        phone.close()
    print(f"answered {answered} of {calls} call(s)")
