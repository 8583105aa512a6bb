"""Call control for a call to a queue: a pure, sans-IO state machine, like `callcontrol`.

The caller enters the queue (the database says whether the queue takes the call), is
answered and hears the queue's message, then waiting music. Meanwhile the distribution (asked
through `AskNext`, answered by `Decided`) names members to ring; their devices ring for the
distribution's ring time, then the members who let it ring out are reported (`no_answer`, the
queue's no-answer policy) and the distribution is asked again. The first device to answer is
bridged and the others are cancelled. The total time in the queue ends in the overflow
destination (dialled like any leg, or the caller is hung up); a queue that does not take the
call sends the caller to the overflow at once.

The member who answered can transfer the caller (with return, blind, attended) through the
same transfer control as any call (`calltransfer.TransferMixin`): a transfer that completes
closes the queue call as transferred (the member's wrap-up starts) and the caller stays
bridged to the target; one that comes back rings the member's devices again for the ring
time (then the caller goes to the overflow destination); a failed one ends the call.

The machine never reads a clock and never touches a socket or the database: timers are
`StartTimer` actions fired back as `TimerFired`, database work is `Enqueue`, `AskNext` and
`QueueWrite` actions whose answers come back as `Entered` and `Decided`.

Every (state, input) pair the machine accepts is in `queuetable.TRANSITIONS`; any other pair ends the
call cleanly (legs cancelled, the queue call closed, the caller hung up or rejected, `Failed`
reported). Inputs to a call that has ended are ignored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .callmessages import (AnswerCaller, Bridge, CancelLeg, CancelTimer, CommandDone, Dial,
                           Failed, HangupCaller, HangupCommand, LegAnswered, LegFailed,
                           LegProgress, Play, RejectCaller, RingCaller, Routed, StopPlay,
                           Target, TimerFired)
from .transferside import TRANSFERRING, TransferMixin
from .machine import LegMachine
from .queuemessages import (CALLBACK_KEY, AskNext, Decided, Digit, Enqueue, Entered, MemberBusy,
                            Nudge, PushMember, QueueStep, QueueWrite, StartLoop, StopLoop)
from .queuetable import (ANNOUNCING, BRIDGED, CONFIRMING, ENDED, ENTERING, FORWARDED, LEAVING,
                         OVERFLOW, RETURNING, ROUTING, TRANSITIONS, WAITING)
from .transfercontrol import Settled, TransferState

MUSIC = "hold"        # the tone looped to a waiting caller (sip_gateway.tones)


TERMINAL_OPS = ("ended", "transferred", "abandon", "callback", "time_out")
BACK = "back"                 # the timer of a transfer that came back to the member


@dataclass
class _Leg:
    user_id: int | None       # None: the overflow destination or a transfer's target
    target: Target
    status: str = "dialled"   # dialled, ringing, answered, gone


@dataclass
class QueueControl(LegMachine, TransferMixin):
    """One call to a queue. `handle(event)` returns the actions to perform, in order."""

    state: str = ROUTING
    queue: QueueStep | None = None
    call_id: int | None = None
    round: int = 0
    legs: dict[int, _Leg] = field(default_factory=dict)
    ringing: dict[int, set[int]] = field(default_factory=dict)  # member -> live legs
    timers: set[str] = field(default_factory=set)
    winner: int | None = None
    member: int | None = None          # the member talking to the caller
    answered: bool = False             # the caller's leg is answered
    playing: bool = False              # the queue message
    looping: bool = False              # waiting music
    _out: list = field(default_factory=list)

    def _cancel_timer(self, name: str) -> None:
        if name in self.timers:
            self.timers.discard(name)
            self._do(CancelTimer(name))

    def _write(self, op: str, user_id: int | None = None) -> None:
        if self.call_id is not None:
            self._do(QueueWrite(op, self.call_id, user_id))

    def _quiet(self) -> None:
        """The caller stops hearing the message and the music."""
        if self.playing:
            self.playing = False
            self._do(StopPlay())
        if self.looping:
            self.looping = False
            self._do(StopLoop())

    def _drop_legs(self, keep: int | None = None) -> None:
        for n, leg in self.legs.items():
            if n != keep and leg.status != "gone":
                leg.status = "gone"
                self._do(CancelLeg(n))

    def _stop_ringing(self, reason: str, keep: int | None = None) -> list[int]:
        """Cancel the members' ringing devices (all but leg `keep`); their pushes end."""
        members = sorted(self.ringing)
        for user in members:
            for n in sorted(self.ringing[user]):
                if n != keep:
                    self.legs[n].status = "gone"
                    self._do(CancelLeg(n))
            winner = keep is not None and self.legs[keep].user_id == user
            self._do(PushMember(user, "ended", "answered" if winner else reason))
        self.ringing.clear()
        return members

    def _end(self) -> None:
        self._stop_timers()
        self.state = ENDED

    def _fail(self, reason: str) -> None:
        self._do(Failed(reason))
        self._stop_ringing("ended")
        self._drop_legs()
        self._quiet()
        if self.state in (ANNOUNCING, WAITING):
            self._write("abandon")
        elif self.state in (BRIDGED, TRANSFERRING, RETURNING):
            self._release_member()
        if self.transfer is not None:
            self._do(TransferState(self.transfer.transfer_id, "failed", "error"))
            self.transfer = None
        self._do(HangupCaller() if self.answered else RejectCaller(500))
        self._end()

    def _release_member(self, op: str = "ended") -> None:
        self._write(op)
        if self.member is not None:
            self._do(MemberBusy(self.member, False))
            self.member = None

    def _greeting(self, position: int) -> str:
        if self.queue.greeting:   # the queue's own words, spoken as written
            return self.queue.greeting
        words = self.queue.words
        parts = [words.welcome.format(queue=self.queue.name)]
        if self.queue.announce_position:
            parts.append(words.position.format(position=position))
        parts.append(words.hold_or_callback if self.queue.offer_callback else words.hold)
        return " ".join(parts)

    def _ask(self) -> None:
        self.round += 1
        self._do(AskNext(self.call_id, self.round))

    def _overflow(self) -> None:
        """The caller leaves the queue for its overflow destination (or is hung up)."""
        self._stop_timers()
        target = self.queue.overflow if self.queue else None
        if target is None:
            self._quiet()
            self._do(HangupCaller() if self.answered else RejectCaller(480))
            self._end()
            return
        n = len(self.legs) + 1
        self.legs[n] = _Leg(None, target)
        self.state = OVERFLOW
        self._do(Dial(n, target))

    # -- transitions --------------------------------------------------------------------
    def on_routed(self, ev: Routed) -> None:
        step = ev.plan.steps[0] if ev.plan.steps else None
        if not isinstance(step, QueueStep):
            self._fail("a queue call without its queue")
            return
        self.queue = step
        self.state = ENTERING
        self._do(RingCaller(), Enqueue())

    def on_caller_gone_routing(self, _ev) -> None:
        self._end()

    def on_entered(self, ev: Entered) -> None:
        if ev.call_id is None or not ev.accepted:
            self._overflow()
            return
        self.call_id = ev.call_id
        self.state = ANNOUNCING
        self.answered = self.playing = True
        self._do(AnswerCaller())
        self._timer("max_wait", self.queue.max_wait_s)
        self._do(Play(self._greeting(ev.position), self.queue.language, answer=True))
        self._ask()

    def on_caller_gone_entering(self, _ev) -> None:
        self.state = LEAVING   # the queue call is closed once its id is known

    def on_entered_leaving(self, ev: Entered) -> None:
        if ev.call_id is not None and ev.accepted:
            self.call_id = ev.call_id
            self._write("abandon")
        self._end()

    def on_decided(self, ev: Decided) -> None:
        if ev.round != self.round or self.ringing:
            return  # an answer to an earlier question
        reachable = []
        for m in ev.ring:
            if m.targets:
                reachable.append(m)
            else:  # no device to ring: the distribution moves on from this member
                self._write("no_answer", m.user_id)
        if not reachable:
            self._timer(f"retry:{self.round}", self.queue.retry_s)
            return
        for m in reachable:
            self._do(PushMember(m.user_id, "incoming", ring_for_s=ev.ring_for_s))
            legs = set()
            for target in m.targets:
                n = len(self.legs) + 1
                self.legs[n] = _Leg(m.user_id, target)
                legs.add(n)
                self._do(Dial(n, target))
            self.ringing[m.user_id] = legs
        self._timer(f"ring:{self.round}", ev.ring_for_s)

    def on_stale(self, _ev) -> None:
        """An answer or a timer that belongs to a part of the call already over."""

    def on_nudge(self, _ev: Nudge) -> None:
        retry = f"retry:{self.round}"
        if retry in self.timers:
            self._cancel_timer(retry)
            self._ask()

    def on_timer(self, ev: TimerFired) -> None:
        if ev.name not in self.timers:
            return  # a timer of a round already over
        self.timers.discard(ev.name)
        kind = ev.name.partition(":")[0]
        if kind == "max_wait":
            self._stop_ringing("ended")
            self._write("time_out")
            self._overflow()
        elif kind == "ring":
            for user in self._stop_ringing("ended"):
                self._write("no_answer", user)
            self._ask()
        else:
            self._ask()

    def on_leg_progress(self, ev: LegProgress) -> None:
        leg = self.legs.get(ev.leg)
        if leg is not None and leg.status == "dialled":
            leg.status = "ringing"

    def _last_device_failed(self, ev: LegFailed) -> int | None:
        """A member's ringing device refused: the member, when it was their last one."""
        leg = self.legs.get(ev.leg)
        if leg is None or leg.user_id is None:
            self._fail(f"failure of leg {ev.leg} that is not a member's")
            return None
        leg.status = "gone"
        legs = self.ringing.get(leg.user_id, set())
        legs.discard(ev.leg)
        return None if legs else leg.user_id

    def on_member_leg_failed(self, ev: LegFailed) -> None:
        user = self._last_device_failed(ev)
        if user is None:
            return
        # every device of this member refused (busy, declined, unreachable)
        self.ringing.pop(user, None)
        self._do(PushMember(user, "ended", "ended"))
        self._write("no_answer", user)
        if not self.ringing:
            self._cancel_timer(f"ring:{self.round}")
            self._timer(f"retry:{self.round}", self.queue.retry_s)

    def on_member_answered(self, ev: LegAnswered) -> None:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.user_id is None or leg.user_id not in self.ringing:
            self._fail(f"answer from leg {ev.leg} that is not ringing")
            return
        leg.status = "answered"
        self.winner, self.member = ev.leg, leg.user_id
        self._stop_timers()
        self._stop_ringing("answered_elsewhere", keep=ev.leg)
        self._quiet()
        self.state = BRIDGED
        self._do(Bridge(ev.leg), QueueWrite("answered", self.call_id, leg.user_id),
                 MemberBusy(leg.user_id, True, ev.leg))

    def on_playback_done(self, _ev) -> None:
        if not self.playing:
            return
        self.playing = False
        self.looping = True
        if self.state == ANNOUNCING:
            self.state = WAITING
        self._do(StartLoop(MUSIC))

    def on_digit(self, ev: Digit) -> None:
        """The caller pressed a key while waiting: 1 (when the queue offers it) puts them on
        the callback list, they hear it confirmed, and the call ends."""
        if ev.digit != CALLBACK_KEY or not self.queue.offer_callback:
            return
        self._stop_timers()
        self._stop_ringing("ended")
        self._quiet()
        self._write("callback")
        self.state, self.playing = CONFIRMING, True
        self._do(Play(self.queue.words.callback_confirmed, self.queue.language, answer=True))

    def on_confirmed(self, _ev) -> None:
        self.playing = False
        self._do(HangupCaller())
        self._end()

    def on_caller_gone_confirming(self, _ev) -> None:
        self._quiet()
        self._end()

    def on_caller_gone_waiting(self, _ev) -> None:
        self._stop_ringing("ended")
        self._quiet()
        self._write("abandon")
        self._end()

    def on_leg_gone_bridged(self, ev) -> None:
        if ev.leg != self.winner:
            self._fail(f"leg {ev.leg} ended but leg {self.winner} is bridged")
            return
        self.legs[ev.leg].status = "gone"
        self._release_member()
        self._do(HangupCaller())
        self._end()

    def on_hangup_command(self, ev: HangupCommand) -> None:
        """The member hangs up from the app: both sides are hung up, the call ends."""
        self._drop_legs()
        self._release_member()
        self._do(HangupCaller(), CommandDone(ev.command_id, "done"))
        self._end()

    # -- a transfer by the member (transfer control does the transfer itself) ----------
    def _transfer_leg(self, target: Target) -> _Leg:
        return _Leg(None, target)

    def _transfer_settled(self, s: Settled) -> None:
        self.timers.discard(self.transfer.timer)
        self.transfer = None
        if s.outcome == "completed":       # the caller talks to the target now
            self.winner, self.state = s.leg, FORWARDED
            self._release_member("transferred")
        elif s.outcome == "reconnected":   # back with the member (attended, or never started)
            self.winner, self.state = s.leg, BRIDGED
        elif s.outcome == "returned":
            self._ring_member_again()
        else:                              # failed, caller_gone
            self._drop_legs()
            self._release_member()
            if s.outcome == "failed":
                self._do(HangupCaller())
            self._end()

    def _ring_member_again(self) -> None:
        """The transfer came back: the member's devices that rang for this call ring again."""
        targets = []
        for leg in self.legs.values():
            if leg.user_id == self.member and leg.target not in targets:
                targets.append(leg.target)
        self.winner, self.state = None, RETURNING
        legs = set()
        self._do(PushMember(self.member, "incoming", ring_for_s=self.queue.ring_time_s))
        for target in targets:
            n = len(self.legs) + 1
            self.legs[n] = _Leg(self.member, target)
            legs.add(n)
            self._do(Dial(n, target))
        self.ringing[self.member] = legs
        self._timer(BACK, self.queue.ring_time_s)
        if not legs:
            self._returned_unanswered()

    def _returned_unanswered(self) -> None:
        """The member did not take the call back: it is over for them, and the caller goes
        to the queue's overflow destination (or is hung up)."""
        self._cancel_timer(BACK)
        self._stop_ringing("ended")
        self._release_member()
        self._overflow()

    def on_member_took_it_back(self, ev: LegAnswered) -> None:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.user_id is None or leg.user_id != self.member:
            self._fail(f"answer from leg {ev.leg} that is not the member's")
            return
        leg.status = "answered"
        self.winner = ev.leg
        self._cancel_timer(BACK)
        self._stop_ringing("answered_elsewhere", keep=ev.leg)
        self.state = BRIDGED
        self._do(Bridge(ev.leg))

    def on_returned_leg_failed(self, ev: LegFailed) -> None:
        if self._last_device_failed(ev) is not None:
            self._returned_unanswered()

    def on_returned_timer(self, ev: TimerFired) -> None:
        if ev.name == BACK and BACK in self.timers:
            self.timers.discard(BACK)
            self._returned_unanswered()

    def on_caller_gone_returning(self, _ev) -> None:
        self._stop_ringing("ended")
        self._drop_legs()
        self._release_member()
        self._end()

    def on_caller_gone_bridged(self, _ev) -> None:
        self._drop_legs()
        self._release_member()
        self._end()

    def on_overflow_answered(self, ev: LegAnswered) -> None:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.user_id is not None:
            self._fail(f"answer from leg {ev.leg} that is not the overflow")
            return
        leg.status = "answered"
        self.winner = ev.leg
        self._quiet()
        self.state = FORWARDED
        if not self.answered:
            self.answered = True
            self._do(AnswerCaller())
        self._do(Bridge(ev.leg))

    def on_overflow_failed(self, ev: LegFailed) -> None:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.user_id is not None:
            self._fail(f"failure of leg {ev.leg} that is not the overflow")
            return
        leg.status = "gone"
        self._quiet()
        self._do(HangupCaller() if self.answered else RejectCaller(480))
        self._end()

    def on_leg_gone_forwarded(self, ev) -> None:
        if ev.leg != self.winner:
            self._fail(f"leg {ev.leg} ended but leg {self.winner} is bridged")
            return
        self.legs[ev.leg].status = "gone"
        self._do(HangupCaller())
        self._end()

    def on_caller_gone_overflow(self, _ev) -> None:
        self._drop_legs()
        self._quiet()
        self._end()


QueueControl.transitions = TRANSITIONS
HANDLERS: dict[str, Callable] = {name: getattr(QueueControl, name)
                                 for name in set(TRANSITIONS.values())}
