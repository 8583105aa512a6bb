"""What the gateway does for each action a call's machine returns: one table, assembled
here, from action type to the function that performs it, called as (session, action)."""
from __future__ import annotations

from functools import cache

from .core.callmessages import (AnswerCaller, Bridge, CancelLeg, CancelTimer, CommandDone, Dial,
                           Failed, HangupCaller, LogCall, Play, Push, RejectCaller, RingCaller,
                           StartTimer, StopPlay, WriteState)


@cache
def actions() -> dict:
    """Every action a call's machine may return -> what performs it."""
    from . import (callrecords, callthrough, dialling, holding, queuecalls, transfers,
                   voicemailcalls)
    from .core import transfercontrol as tc
    from .core.callhold import HoldCall
    from .session import CallSession

    S = CallSession
    return {
        Push: S._push, Dial: dialling.dial, CancelLeg: S._cancel_leg, RingCaller: S._ring_caller,
        AnswerCaller: S._answer_caller, Bridge: S._bridge, Play: S._play,
        StopPlay: S._stop_play, RejectCaller: S._reject_caller, HangupCaller: S._hangup_caller,
        StartTimer: S._start_timer, CancelTimer: S._cancel_timer, CommandDone: S._command_done,
        Failed: S._failed,
        # the call's rows: its live state and its call log entry
        WriteState: callrecords.write_state, LogCall: callrecords.log_call,
        # a transfer: hold, connect two legs, its state, how it settled
        tc.HoldCaller: transfers.hold, tc.Connect: transfers.connect,
        tc.TransferState: transfers.state, tc.Settled: transfers.settled,
        # hold and retrieve from the app
        HoldCall: holding.hold_call,
        # a call to a queue: its writes, the distribution's question, music, member pushes
        **queuecalls.actions(),
        # the gateway's own voicemail: greeting file, recording, the message
        **voicemailcalls.actions(),
        # a call the user places from the app: the destination, the command's outcome
        **callthrough.actions(),
    }
