"""App simulator commands for availability: show it, pick a profile, preview a call."""
from __future__ import annotations

from . import availability
from .cli import command


def _line(state: dict) -> str:
    until = f" until {availability.short_time(state['until'])}" if state.get("until") else ""
    note = f" ({state['note']})" if state.get("note") else ""
    return f"{state['profile']['name']}{until}{note} [{state['source']}]"


@command("availability", "show my availability and my profiles")
def _show(app, args):
    print("now:", _line(availability.my_availability(app)))
    for p in availability.my_profiles(app):
        print(f"  {p['id']:>5}  {p['name']}  {p.get('activation_code') or ''}")


@command("set-availability", "pick a profile: set-availability lunch [45m|2h|13:00|ISO-TIME] [note]")
def _set(app, args):
    until = args.rest[1] if len(args.rest) > 1 else None
    note = " ".join(args.rest[2:]) or None
    print("now:", _line(availability.set_availability(app, args.rest[0], until, note)))


@command("preview", "what happens if someone calls me now: preview [caller-number] "
                    "[office|mobile|main|short]")
def _preview(app, args):
    rest = list(args.rest)
    dialled = rest.pop() if rest and rest[-1] in ("office", "mobile", "main", "short") else None
    plan = availability.preview(app, rest[0] if rest else None, dialled=dialled)
    print("\n".join(availability.describe(plan)))
