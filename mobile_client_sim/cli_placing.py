"""CLI: placing calls from the app (`callback ID` in cli_queues dials the same way)."""
from __future__ import annotations

from .cli import command, show
from .placing import outcome, place


def follow(app, cmd: dict) -> None:
    """Say what is dialled, then the outcome heard on the event stream."""
    print(f"calling {cmd['number']} from your {cmd['device']}, showing "
          f"{cmd['display_number']}: answer your {cmd['device']} [command {cmd['id']}]",
          flush=True)
    show(outcome(app, cmd["id"]))


@command("call", "place a call, your device rings first: call NUMBER [--device ID|KIND] "
                 "[--from DISPLAY]")
def _call(app, args):
    follow(app, place(app, {"number": args.rest[0]}, args.device, args.display))
