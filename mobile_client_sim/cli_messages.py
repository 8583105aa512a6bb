"""CLI: send an SMS from the app and follow its delivery; count a text; my sent messages."""
from __future__ import annotations

from .cli import command, show
from .messages import follow, history, preview, recipients_from, send


def _states(msg: dict) -> str:
    return ", ".join(f"{r['name'] or r['number']}: {r['state']}" for r in msg["recipients"])


@command("send-sms", "send an SMS: send-sms TEXT RECIPIENT... where a recipient is a number, "
                     "group:ID, contact:ID or user:ID; from:SENDER picks the sender, wait:S "
                     "follows delivery for S seconds")
def _send_sms(app, args):
    text, tokens = args.rest[0], args.rest[1:]
    wait = [t for t in tokens if t.startswith("wait:")]
    recipients, sender = recipients_from([t for t in tokens if not t.startswith("wait:")])
    if not recipients:
        raise IndexError("no recipient")
    count = preview(app, text)
    print(f"{count['characters']} characters, {count['encoding']}, {count['parts']} SMS "
          f"({count['characters_left']} left in the last)")
    msg = send(app, text, recipients, sender)
    print(f"message {msg['id']} from {msg['sender']} to {len(msg['recipients'])} "
          f"recipient(s): {_states(msg)}")
    if wait:
        msg = follow(app, msg["id"], float(wait[-1].partition(":")[2] or 20))
        print(f"message {msg['id']}: {_states(msg)}")


@command("sms-preview", "count a text as the phone does: sms-preview TEXT")
def _sms_preview(app, args):
    show(preview(app, args.rest[0]))


@command("sms-history", "my sent messages with each recipient's delivery state")
def _sms_history(app, args):
    for msg in history(app):
        print(f"{msg['created_at']}  #{msg['id']} from {msg['sender']}: {msg['text'][:40]!r}  "
              f"{_states(msg)}")
