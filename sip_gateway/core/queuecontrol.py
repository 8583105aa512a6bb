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
                           Play, PlayFile, RejectCaller, RingCaller, Routed, StopPlay, Target, TimerFired)
from .callhold import Hold
from .handover import Handover
from .machine import LegMachine
from .queuemessages import (CALLBACK_KEY, AskNext, Decided, Digit, Enqueue, Entered, MemberBusy,
                            Nudge, PushMember, QueueStep, QueueWrite, StartLoop, StopLoop)
from .queueoverflow import Overflow
from .queuereturn import MemberReturn
from .queuetable import TABLE, State
from .transfercontrol import Settled

MUSIC = "hold"        # the tone looped to a waiting caller (sip_gateway.tones)
# the queue's hold music setting -> the tone looped (None: silence)
TONES = {"default": MUSIC, "ringback": "ringback", "silence": None}
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

    final = S.ENDED
    table = TABLE

    def __post_init__(self) -> None:
        self.transfer = Handover(self, S.TRANSFERRING)
        self.hold = Hold(self)
        self.back = MemberReturn(self, S.RETURNING, S.BRIDGED)
        self.exit = Overflow(self, _Leg, S.OVERFLOW, S.FORWARDED, S.CONFIRMING)

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
        self.do(AskNext(self.call_id, self.round))

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
        self.answered = self.playing = True
        self.do(AnswerCaller())
        self.start_timer("max_wait", self.queue.max_wait_s)
        q = self.queue
        self.do(PlayFile(q.greeting_file) if q.greeting_file
                else Play(self._greeting(ev.position), q.language, answer=True))
        self._ask()
        return S.ANNOUNCING

    def on_caller_gone_entering(self, _ev) -> None:
        """The queue call is closed once its id is known (LEAVING)."""

    def on_entered_leaving(self, ev: Entered) -> State:
        if ev.call_id is not None and ev.accepted:
            self.call_id = ev.call_id
            self.write("abandon")
        return self.end()

    def on_decided(self, ev: Decided) -> None:
        if ev.round != self.round or self.ringing:
            return  # an answer to an earlier question
        reachable = []
        for m in ev.ring:
            if m.targets:
                reachable.append(m)
            else:  # no device to ring: the distribution moves on from this member
                self.write("no_answer", m.user_id)
        if not reachable:
            self.start_timer(f"retry:{self.round}", self.queue.retry_s)
            return
        for m in reachable:
            self.ring_member(m.user_id, m.targets, ev.ring_for_s)
        self.start_timer(f"ring:{self.round}", ev.ring_for_s)

    def on_stale(self, _ev) -> None:
        """An answer or a timer that belongs to a part of the call already over."""

    def on_nudge(self, _ev: Nudge) -> None:
        retry = f"retry:{self.round}"
        if retry in self.timers:
            self.cancel_timer(retry)
            self._ask()

    def on_timer(self, ev: TimerFired) -> State:
        if ev.name not in self.timers:
            return self.state  # a timer of a round already over
        self.timers.discard(ev.name)
        kind = ev.name.partition(":")[0]
        if kind == "announce":
            self._announce()
            return self.state
        if kind == "max_wait":
            self.stop_ringing("ended")
            self.write("time_out")
            return self.overflow()
        if kind == "ring":
            for user in self.stop_ringing("ended"):
                self.write("no_answer", user)
        self._ask()
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

    def on_member_leg_failed(self, ev: LegFailed) -> State:
        if not self.members_leg(ev.leg):
            return self.fail(f"failure of leg {ev.leg} that is not a member's")
        user = self.last_device_failed(ev)
        if user is None:
            return self.state
        # every device of this member refused (busy, declined, unreachable)
        self.ringing.pop(user, None)
        self.do(PushMember(user, "ended", "ended"))
        self.write("no_answer", user)
        if not self.ringing:
            self.cancel_timer(f"ring:{self.round}")
            self.start_timer(f"retry:{self.round}", self.queue.retry_s)
        return self.state

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

    def on_playback_done(self, _ev) -> State:
        if not self.playing:
            return self.state
        self.playing = False
        tone = TONES.get(self.queue.hold_music, MUSIC)
        if tone is not None:
            self.looping = True
            self.do(StartLoop(tone))
        waiting = self.state in (S.ANNOUNCING, S.WAITING)
        if waiting and self.queue.announce_every_s:
            self.start_timer("announce", self.queue.announce_every_s)
        return S.WAITING if self.state is S.ANNOUNCING else self.state

    def _announce(self) -> None:
        """The repeated message: the music pauses for it and resumes after it."""
        if self.state is not S.WAITING or self.playing:
            return
        if self.looping:
            self.looping = False
            self.do(StopLoop())
        self.playing = True
        q = self.queue
        text = q.announce_text or q.greeting or (
            q.words.hold_or_callback if q.offer_callback else q.words.hold)
        # an uploaded message replaces the spoken one
        self.do(PlayFile(q.message_file) if q.message_file
                else Play(text, q.language, answer=True))

    def on_digit(self, ev: Digit) -> State:
        """The caller pressed a key while waiting: 1 (when the queue offers it) puts them on
        the callback list, they hear it confirmed, and the call ends."""
        if ev.digit != CALLBACK_KEY or not self.queue.offer_callback:
            return self.state
        self.stop_timers()
        self.stop_ringing("ended")
        self.quiet()
        self.write("callback")
        self.playing = True
        self.do(Play(self.queue.words.callback_confirmed, self.queue.language, answer=True))
        return S.CONFIRMING

    def on_confirmed(self, _ev) -> State:
        self.playing = False
        self.do(HangupCaller())
        return self.end()

    def on_caller_gone_confirming(self, _ev) -> State:
        self.quiet()
        return self.end()

    def on_caller_gone_waiting(self, _ev) -> State:
        self.stop_ringing("ended")
        self.quiet()
        self.write("abandon")
        return self.end()

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
