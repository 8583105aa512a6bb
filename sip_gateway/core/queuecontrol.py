"""Call control for a call to a queue: a pure, sans-IO state machine, like `callcontrol`.

The caller enters the queue (the database says whether the queue takes the call), is
answered and hears the queue's message, then waiting music. Meanwhile the distribution (asked
through `AskNext`, answered by `Decided`) names members to ring; their devices ring for the
distribution's ring time, then the members who let it ring out are reported (`no_answer`, the
queue's no-answer policy) and the distribution is asked again. The first device to answer is
bridged and the others are cancelled. The total time in the queue ends in the overflow
destination (dialled like any leg, or the caller is hung up); a queue that does not take the
call sends the caller to the overflow at once. The rounds are `queuerounds`, what the waiting
caller hears (message, music, the callback key) `queuewaiting`, the way out `queueoverflow`.

The member who answered can transfer the caller (with return, blind, attended) through the
same transfer control as any call (`handover.Handover`): a transfer that completes
closes the queue call as transferred (the member's wrap-up starts) and the caller stays
bridged to the target; one that comes back rings the member's devices again for the ring
time (`queuereturn`, then the caller goes to the overflow destination); a failed one ends
the call.

The machine never reads a clock and never touches a socket or the database: timers are
`StartTimer` actions fired back as `TimerFired`, database work is `Enqueue`, `AskNext` and
`QueueWrite` actions whose answers come back as `Entered` and `Decided`.

Every (state, input type) pair the machine accepts is a row of `queuetable.TABLE`; any other
pair ends the call cleanly (legs cancelled, the queue call closed, the caller hung up or
rejected, `Failed` reported). Inputs to a call that has ended are ignored.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .callmessages import (AnswerCaller, Bridge, CancelLeg, CommandDone, Dial, Failed,
                           HangupCaller, HangupCommand, LegAnswered, LegFailed, LegProgress,
                           RejectCaller, RingCaller, Routed, StopPlay, Target, TimerFired)
from .callhold import Hold
from .handover import Handover
from .machine import LegMachine
from .mailbox import Mailbox
from .queuemessages import (Enqueue, Entered, MemberBusy, PushMember, QueueStep, QueueWrite,
                            StopLoop)
from .queueoverflow import Overflow
from .queuereturn import MemberReturn
from .queuerounds import Rounds
from .queuetable import TABLE, State
from .queuewaiting import WaitingRoom
from .transfercontrol import Settled

TERMINAL_OPS = ("ended", "transferred", "abandon", "callback", "time_out")
S = State


@dataclass
class _Leg:
    user_id: int | None       # None: the overflow destination or a transfer's target
    target: Target
    status: str = "dialled"   # dialled, ringing, answered, gone


@dataclass
class QueueControl(LegMachine):
    """One call to a queue. `handle(event)` returns the actions to perform, in order."""

    state: State = S.ROUTING
    queue: QueueStep | None = None
    call_id: int | None = None
    legs: dict[int, _Leg] = field(default_factory=dict)
    ringing: dict[int, set[int]] = field(default_factory=dict)  # member -> live legs
    timers: set[str] = field(default_factory=set)
    winner: int | None = None
    member: int | None = None          # the member talking to the caller
    answered: bool = False             # the caller's leg is answered
    playing: bool = False              # the queue message
    looping: bool = False              # waiting music
    _out: list = field(default_factory=list)

    final = S.ENDED
    table = TABLE

    def __post_init__(self) -> None:
        self.transfer = Handover(self, S.TRANSFERRING)
        self.hold = Hold(self)
        self.back = MemberReturn(self, S.RETURNING, S.BRIDGED)
        self.exit = Overflow(self, _Leg, S.OVERFLOW, S.FORWARDED, S.CONFIRMING)
        self.rounds = Rounds(self)
        self.wait = WaitingRoom(self, (S.ANNOUNCING, S.WAITING), S.CONFIRMING)
        self.mailbox = Mailbox(self, S.VOICEMAIL, S.ENDED)

    def write(self, op: str, user_id: int | None = None) -> None:
        if self.call_id is not None:
            self.do(QueueWrite(op, self.call_id, user_id))

    def quiet(self) -> None:
        """The caller stops hearing the message and the music."""
        if self.playing:
            self.playing = False
            self.do(StopPlay())
        if self.looping:
            self.looping = False
            self.do(StopLoop())

    def drop_legs(self, keep: int | None = None) -> None:
        for n, leg in self.legs.items():
            if n != keep and leg.status != "gone":
                leg.status = "gone"
                self.do(CancelLeg(n))

    def ring_member(self, user: int, targets, ring_for_s: float) -> set[int]:
        """Push to the member and dial their devices (push before dial); their legs."""
        self.do(PushMember(user, "incoming", ring_for_s=ring_for_s))
        legs = set()
        for target in targets:
            n = len(self.legs) + 1
            self.legs[n] = _Leg(user, target)
            legs.add(n)
            self.do(Dial(n, target, self.diversion(n, target)))
        self.ringing[user] = legs
        return legs

    def stop_ringing(self, reason: str, keep: int | None = None) -> list[int]:
        """Cancel the members' ringing devices (all but leg `keep`); their pushes end."""
        members = sorted(self.ringing)
        for user in members:
            for n in sorted(self.ringing[user]):
                if n != keep:
                    self.legs[n].status = "gone"
                    self.do(CancelLeg(n, elsewhere=keep is not None))
            winner = keep is not None and self.legs[keep].user_id == user
            self.do(PushMember(user, "ended", "answered" if winner else reason))
        self.ringing.clear()
        return members

    def end(self) -> State:
        self.stop_timers()
        return S.ENDED

    def fail(self, reason: str) -> State:
        self.do(Failed(reason))
        self.stop_ringing("ended")
        self.drop_legs()
        self.quiet()
        if self.state in (S.ANNOUNCING, S.WAITING):
            self.write("abandon")
        elif self.state in (S.BRIDGED, S.TRANSFERRING, S.RETURNING):
            self.release_member()
        self.transfer.abandon("error")
        self.do(HangupCaller() if self.answered else RejectCaller(500))
        return self.end()

    def release_member(self, op: str = "ended") -> None:
        self.write(op)
        if self.member is not None:
            self.do(MemberBusy(self.member, False))
            self.member = None

    def overflow(self) -> State:
        return self.exit.start()

    # -- transitions --------------------------------------------------------------------
    def on_routed(self, ev: Routed) -> State:
        step = ev.plan.steps[0] if ev.plan.steps else None
        if not isinstance(step, QueueStep):
            return self.fail("a queue call without its queue")
        self.queue = step
        self.do(RingCaller(), Enqueue())
        return S.ENTERING

    def on_caller_gone_routing(self, _ev) -> State:
        return self.end()

    def on_entered(self, ev: Entered) -> State:
        if ev.call_id is None or not ev.accepted:
            return self.overflow()
        self.call_id = ev.call_id
        self.answered = True
        self.do(AnswerCaller())
        self.start_timer("max_wait", self.queue.max_wait_s)
        self.wait.welcome(ev.position)
        self.rounds.ask()
        return S.ANNOUNCING

    def on_caller_gone_entering(self, _ev) -> None:
        """The queue call is closed once its id is known (LEAVING)."""

    def on_entered_leaving(self, ev: Entered) -> State:
        if ev.call_id is not None and ev.accepted:
            self.call_id = ev.call_id
            self.write("abandon")
        return self.end()

    def on_stale(self, _ev) -> None:
        """An answer or a timer that belongs to a part of the call already over."""

    def on_timer(self, ev: TimerFired) -> State:
        if ev.name not in self.timers:
            return self.state  # a timer of a round already over
        self.timers.discard(ev.name)
        kind = ev.name.partition(":")[0]
        if kind == "announce":
            self.wait.announce()
            return self.state
        if kind == "max_wait":
            self.stop_ringing("ended")
            self.write("time_out")
            return self.overflow()
        self.rounds.timer(ev)   # a round's ring time or pause is over
        return self.state

    def on_leg_progress(self, ev: LegProgress) -> None:
        leg = self.legs.get(ev.leg)
        if leg is not None and leg.status == "dialled":
            leg.status = "ringing"

    def last_device_failed(self, ev: LegFailed) -> int | None:
        """A member's ringing device refused: the member, when it was their last one (the
        caller checked the leg is a member's)."""
        leg = self.legs[ev.leg]
        leg.status = "gone"
        legs = self.ringing.get(leg.user_id, set())
        legs.discard(ev.leg)
        return None if legs else leg.user_id

    def members_leg(self, n: int) -> bool:
        leg = self.legs.get(n)
        return leg is not None and leg.user_id is not None

    def on_member_answered(self, ev: LegAnswered) -> State:
        leg = self.legs.get(ev.leg)
        if leg is None or leg.user_id is None or leg.user_id not in self.ringing:
            return self.fail(f"answer from leg {ev.leg} that is not ringing")
        leg.status = "answered"
        self.winner, self.member = ev.leg, leg.user_id
        self.stop_timers()
        self.stop_ringing("answered_elsewhere", keep=ev.leg)
        self.quiet()
        self.do(Bridge(ev.leg), QueueWrite("answered", self.call_id, leg.user_id),
                MemberBusy(leg.user_id, True, ev.leg))
        return S.BRIDGED

    def on_leg_gone_bridged(self, ev) -> State:
        if ev.leg != self.winner:
            return self.fail(f"leg {ev.leg} ended but leg {self.winner} is bridged")
        self.legs[ev.leg].status = "gone"
        self.release_member()
        self.do(HangupCaller())
        return self.end()

    def hang_up(self, ev: HangupCommand) -> State:
        """The member hangs up from the app: both sides are hung up, the call ends."""
        self.drop_legs()
        self.release_member()
        self.do(HangupCaller(), CommandDone(ev.command_id, "done"))
        return self.end()

    def on_caller_gone_bridged(self, _ev) -> State:
        self.drop_legs()
        self.release_member()
        return self.end()

    # -- a transfer by the member (`handover` runs it, `queuereturn` takes it back) -----
    def transfer_leg(self, target: Target) -> _Leg:
        return _Leg(None, target)

    def transfer_settled(self, s: Settled, _back: tuple) -> State:
        if s.outcome == "completed":       # the caller talks to the target now
            self.winner = s.leg
            self.release_member("transferred")
            return S.FORWARDED
        if s.outcome == "reconnected":     # back with the member (attended, or never started)
            self.winner = s.leg
            return S.BRIDGED
        if s.outcome == "returned":
            return self.back.ring_again()
        self.drop_legs()                   # failed, caller_gone
        self.release_member()
        if s.outcome == "failed":
            self.do(HangupCaller())
        return self.end()
