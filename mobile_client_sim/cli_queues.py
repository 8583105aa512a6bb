"""CLI: the queue screen (`queues`, `queue-login`, `queue-logout`, colleagues, callbacks)
and the switchboard (`waiting`, `pick`, `assign`, `priority`)."""
from __future__ import annotations

from . import queues, switchboard
from .cli import command, show


def _ids(rest: list[str]) -> list[int] | None:
    """`all` or nothing means every queue; otherwise queue ids."""
    if not rest or rest == ["all"]:
        return None
    return [int(x) for x in rest]


def _screen(rows: list[dict]) -> None:
    for q in rows:
        print(queues.describe(q))
    if not rows:
        print("no queues")


@command("queues", "my queues with live status")
def _list(app, args):
    _screen(queues.my_queues(app))


@command("queue-login", "log in to queues: queue-login [all | ID ...]")
def _login(app, args):
    _screen(queues.log_in(app, _ids(args.rest)))


@command("queue-logout", "log out of queues: queue-logout [all | ID ...]")
def _logout(app, args):
    _screen(queues.log_out(app, _ids(args.rest)))


@command("colleague-queue-login", "team leader: colleague-queue-login USER_ID [all | ID ...]")
def _colleague_login(app, args):
    _screen(queues.log_colleague(app, int(args.rest[0]), True, _ids(args.rest[1:])))


@command("colleague-queue-logout", "team leader: colleague-queue-logout USER_ID [all | ID ...]")
def _colleague_logout(app, args):
    _screen(queues.log_colleague(app, int(args.rest[0]), False, _ids(args.rest[1:])))


@command("callbacks", "the callback list of my queues")
def _callbacks(app, args):
    show(queues.callbacks(app))


@command("callback", "call a caller back: callback ID [--device ID|KIND] [--from DISPLAY] "
                     "dials (your device rings first, the result is recorded); "
                     "callback ID answered|unanswered marks a call made elsewhere")
def _callback(app, args):
    if len(args.rest) == 1:
        from .cli_placing import follow
        from .placing import place
        return follow(app, place(app, {"callback_id": int(args.rest[0])}, args.device,
                                 args.display))
    answered = args.rest[1] == "answered"
    entry = queues.call_back(app, int(args.rest[0]), answered)
    print(f"callback {entry['id']} to {entry['caller_number']}: "
          + ("answered, removed from the list" if answered
             else f"unanswered, stays on the list ({entry['attempts']} attempts)"))


@command("waiting", "the switchboard: waiting calls of my queues: waiting [QUEUE_ID]")
def _waiting(app, args):
    rows = switchboard.waiting(app, int(args.rest[0]) if args.rest else None)
    for call in rows:
        print(switchboard.describe(call))
    if not rows:
        print("no calls waiting")


@command("pick", "answer a waiting call on my devices (only they ring): pick ID")
def _pick(app, args):
    call = switchboard.pick(app, int(args.rest[0]))
    print(f"call {call['id']} from {call['caller_number'] or 'anonymous'} now rings only you")


@command("assign", "team leader: hand a waiting call to a colleague: assign ID USER_ID")
def _assign(app, args):
    call = switchboard.assign(app, int(args.rest[0]), int(args.rest[1]))
    print(f"call {call['id']} from {call['caller_number'] or 'anonymous'} now rings only "
          f"user {call['target_user_id']}")


@command("priority", "team leader: set a waiting call's priority (higher first): priority ID N")
def _priority(app, args):
    call = switchboard.set_priority(app, int(args.rest[0]), int(args.rest[1]))
    print(switchboard.describe(call))
