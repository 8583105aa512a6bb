"""CLI: the queue screen (`queues`, `queue-login`, `queue-logout`, colleagues, callbacks)."""
from __future__ import annotations

from . import queues
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


@command("callback", "call a caller back and mark it: callback ID answered|unanswered")
def _callback(app, args):
    answered = args.rest[1] == "answered"
    entry = queues.call_back(app, int(args.rest[0]), answered)
    print(f"callback {entry['id']} to {entry['caller_number']}: "
          + ("answered, removed from the list" if answered
             else f"unanswered, stays on the list ({entry['attempts']} attempts)"))
