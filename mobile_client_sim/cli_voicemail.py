"""CLI: my voicemail (list, play to a file, delete) and my greetings."""
from __future__ import annotations

from pathlib import Path

from .cli import command, show
from .voicemail import delete, greetings, messages, play, upload_greeting


def _who(m: dict) -> str:
    hit = m.get("hit") or {}
    name = hit.get("name")
    number = m.get("caller_number") or "unknown number"
    return f"{name} ({number})" if name else number


@command("voicemail", "my voicemail messages, newest first: voicemail [unread]; "
                      "voicemail play ID [FILE] saves the audio (default voicemail-ID.wav) "
                      "and marks it heard; voicemail delete ID")
def _voicemail(app, args):
    action = args.rest[0] if args.rest else "list"
    if action == "play":
        message_id = int(args.rest[1])
        out = Path(args.rest[2] if len(args.rest) > 2 else f"voicemail-{message_id}.wav")
        path, message = play(app, message_id, out)
        print(f"message {message['id']} from {_who(message)}, {message['duration']} s, "
              f"saved to {path}")
    elif action == "delete":
        delete(app, int(args.rest[1]))
        print(f"message {int(args.rest[1])} deleted")
    elif action in ("list", "unread"):
        found = messages(app, unread=action == "unread")
        unread = sum(1 for m in found if not m["heard"])
        print(f"{len(found)} message(s), {unread} not heard")
        for m in found:
            print(f"{'*' if not m['heard'] else ' '} #{m['id']}  {m['created_at']}  "
                  f"{_who(m)}  {m['duration']} s  ({m['reason'].replace('_', ' ')})")
    else:
        raise ValueError(f"unknown voicemail action {action!r}: list, unread, play or delete")


@command("greeting", "my voicemail greetings: greeting upload KIND FILE (KIND: unavailable, "
                     "busy or away; WAV, FLAC, Ogg, MP3 or AIFF); greeting list")
def _greeting(app, args):
    action = args.rest[0] if args.rest else "list"
    if action == "upload":
        found = upload_greeting(app, args.rest[1], Path(args.rest[2]))
        print(f"{found['kind']} greeting saved: {found['duration']} s")
    elif action == "list":
        show(greetings(app))
    else:
        raise ValueError(f"unknown greeting action {action!r}: upload or list")
