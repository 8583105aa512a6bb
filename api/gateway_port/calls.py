"""The gateway's port, third half: its own calls and commands. The live-call rows and the
call log, the command channel (claim, finish, wake-up address, heartbeat, the calls of
silent gateways), the transfers the app orders, and the clock; plus `warm_up`, which the
routing worker runs before its first call.

The gateway reaches these only through here (a rule test holds it): the services stay free to
change behind the names below."""
from __future__ import annotations

from ..callerid.services import record_call  # noqa: F401 (the call log's line)
from ..calls import interrupted, wakeup
from ..calls.services import (  # noqa: F401 (live calls and commands)
    call_answered, call_ended, call_held, call_in_voicemail, call_moved, call_started,
    call_transferring, claim_commands, finish_command, gateway_restarted)
from ..calls.placed import call_order, call_placed, command_call  # noqa: F401 (app calls)
from ..config import ROOT  # noqa: F401 (the default SQLite file lives under it)
from ..core.clock import now  # noqa: F401
from ..queues.calls import close_stale as close_stale_queue_calls  # noqa: F401
from ..transfer.services import (  # noqa: F401 (what the app ordered, how it went)
    order_for_command, returned_why, transfer_progress)
from ..transfer.byphone import (  # noqa: F401 (a phone's REFER)
    attended as attended_by_phone, start as transfer_by_phone)

close_silent = interrupted.close_silent
heartbeat = interrupted.heartbeat
HEARTBEAT_S = interrupted.HEARTBEAT_S
silent_after_s = interrupted.silent_after_s
wakeup_address = wakeup.address
register_wakeup = wakeup.register


def warm_up(dialect) -> None:
    """Load what routing a first call needs (the routing use case, the caller-id lookup) and
    prepare the statements for `dialect`, so the first caller does not wait for it."""
    from ..availability import usecase  # noqa: F401
    from ..callerid import lookup, services  # noqa: F401
    from ..core.db import Prepared

    Prepared.prepare_all(dialect)


def placed_started(db, tenant_id: int, user_id: int, gateway_id: str, sip_id: str,
                   called: str | None) -> int | None:
    """The live call of a user whose own phone called a colleague of the same company
    (outgoing, ringing); None when the caller is not of the called colleague's company (the
    call is then theirs to see on their own side only)."""
    from .users import user

    if user(db, tenant_id, user_id) is None:
        return None
    return call_started(db, tenant_id, user_id, gateway_id, sip_id, "outgoing", called)
