"""CLI: the live event stream."""
from __future__ import annotations

import json

from .cli import command
from .events import events


@command("watch", "print my live events as they arrive: watch [LAST_EVENT_ID]")
def _watch(app, args):
    last = int(args.rest[0]) if args.rest else None
    while True:   # the server ends a stream when the access token expires: resume
        ended = None
        for event in events(app, last):
            if event is None:
                continue
            if event.id is not None:
                last = event.id
            print(f"{event.id or '-'} {event.kind} "
                  f"{json.dumps(event.data, ensure_ascii=False)}", flush=True)
            if event.kind in ("session_revoked", "reset"):
                ended = event.kind
        if ended or not app.refresh_token:
            return
        app.refresh()
