"""CLI: my live calls, hanging one up, hold and retrieve, taking one back from voicemail."""
from __future__ import annotations

from .cli import command, show
from .calls import hang_up, hold, my_calls, take_back, wait_done


@command("live-calls", "my calls in progress (ringing or answered)")
def _calls(app, args):
    show(my_calls(app))


@command("hangup", "hang up one of my calls: hangup CALL_ID")
def _hangup(app, args):
    cmd = hang_up(app, int(args.rest[0]))
    show(wait_done(app, cmd["id"]))


@command("hold", "put one of my calls on hold (the other party hears music): hold CALL_ID")
def _hold(app, args):
    cmd = hold(app, int(args.rest[0]), True)
    show(wait_done(app, cmd["id"]))


@command("retrieve", "take one of my calls off hold: retrieve CALL_ID")
def _retrieve(app, args):
    cmd = hold(app, int(args.rest[0]), False)
    show(wait_done(app, cmd["id"]))


@command("take-back", "take a call back from my voicemail (my devices ring): take-back CALL_ID")
def _take_back(app, args):
    cmd = take_back(app, int(args.rest[0]))
    show(wait_done(app, cmd["id"]))
