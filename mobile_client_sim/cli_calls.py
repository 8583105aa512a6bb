"""CLI: my live calls, and hanging one up."""
from __future__ import annotations

from .cli import command, show
from .calls import hang_up, my_calls, wait_done


@command("live-calls", "my calls in progress (ringing or answered)")
def _calls(app, args):
    show(my_calls(app))


@command("hangup", "hang up one of my calls: hangup CALL_ID")
def _hangup(app, args):
    cmd = hang_up(app, int(args.rest[0]))
    show(wait_done(app, cmd["id"]))
