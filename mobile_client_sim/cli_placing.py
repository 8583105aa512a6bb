"""CLI: placing calls from the app, and calling back a queue's missed caller."""
from __future__ import annotations

from .cli import command, show
from .placing import outcome, place


def _follow(app, cmd: dict) -> None:
    print(f"calling {cmd['number']} from your {cmd['device']}, showing "
          f"{cmd['display_number']}: answer your {cmd['device']} [command {cmd['id']}]",
          flush=True)
    show(outcome(app, cmd["id"]))


@command("call", "place a call, your device rings first: call NUMBER [--device ID|KIND] "
                 "[--from DISPLAY]")
def _call(app, args):
    _follow(app, place(app, {"number": args.rest[0]}, args.device, args.display))


@command("callback", "call back an entry of a queue's callback list: callback ID "
                     "[--device ID|KIND] [--from DISPLAY]")
def _callback(app, args):
    _follow(app, place(app, {"callback_id": int(args.rest[0])}, args.device, args.display))
