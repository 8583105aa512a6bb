"""CLI: the transfer screen and the transfer taps."""
from __future__ import annotations

from . import transfer
from .cli import command, show


@command("transfer-targets", "the transfer screen: transfer-targets [SEARCH]")
def _targets(app, args):
    screen = transfer.open_screen(app, " ".join(args.rest) or None)
    for c in screen["calls"]:
        print(f"call {c['id']}: {c['other_number']} {c['state']} since {c['since']}")
    for entry in transfer.entries(screen):
        print(transfer.describe(entry))
    print(f"one tap transfers {screen['default_method'].replace('_', ' ')}")


@command("transfer", "transfer my answered call: transfer NAME [with_return|blind|attended]")
def _transfer(app, args):
    method = args.rest[1] if len(args.rest) > 1 else None
    done = transfer.three_taps(app, args.rest[0], method)
    print(f"{done['taps']} taps, {done['requests']} requests: "
          f"{done['transfer']['method'].replace('_', ' ')} transfer")
    for now in transfer.follow(app, done["transfer"]["id"]):   # live, from the event stream
        print(f"transfer {now['id']}: {now['state']}"
              + (f" — {now['why']}" if now.get("why") else
                 f" ({now['reason']})" if now.get("reason") else ""), flush=True)


@command("transfer-state", "a transfer's state: transfer-state ID")
def _state(app, args):
    show(transfer.state(app, int(args.rest[0])))


@command("transfer-complete", "attended: hand the caller over: transfer-complete ID")
def _complete(app, args):
    show(transfer.complete(app, int(args.rest[0])))


@command("transfer-cancel", "take the caller back: transfer-cancel ID")
def _cancel(app, args):
    show(transfer.cancel(app, int(args.rest[0])))


@command("default-transfer", "my one-tap method: default-transfer with_return|blind|attended")
def _default(app, args):
    print(transfer.set_default_method(app, args.rest[0])["default_transfer_method"])
