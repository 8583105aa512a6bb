"""One call on the pjsua thread: feeds its machine, performs the actions it returns.

The session owns no decision: SIP events become the machine's inputs, actions become pjsua2
calls (through the adapter), pushes, timers and writes handed to the recorder thread. It is
built once the call is routed (`inbound`), with the machine the routing answer decided.
"""
from __future__ import annotations

import logging
import time
import wave
from collections import deque

from . import (actions, callrecords, joined, media, phonehold, placed, pusher, queuecalls,
               referrals, transfers, voicemailcalls)
from .sessiontimers import SessionTimers
from .sides import LiveRef, QueueMemberSide, TransferSide
from .core import callcontrol as cc, queuecontrol, voicemailcontrol
from .core.callmessages import (AnswerCaller, Bridge, CallerHungUp, CancelLeg, CancelTimer,
                           CommandDone, Dial, Failed, HangupCaller, LegAnswered, LegFailed,
                           LegHungUp, LegProgress, Play, PlaybackDone, Push,
                           RejectCaller, RingCaller, RouteFailed, Routed, StartTimer, StopPlay,
                           TimerFired)

log = logging.getLogger("sip_gateway")
ANSWERED_ELSEWHERE = (("Reason", 'SIP;cause=200;text="Call completed elsewhere"'),)  # RFC 3326
# the states in which an announcement rendered in the background is still wanted
PLAYS = (cc.State.ANNOUNCING, cc.State.PLAYING, voicemailcontrol.State.GREETING,
         *(queuecontrol.State[s] for s in ("ANNOUNCING", "WAITING", "CONFIRMING")))


class CallSession:
    from_app = False    # placed from the app (`callthrough`): the caller leg is the other party

    def __init__(self, gw, caller, msg, machine, *, origin=None, invite_at: float | None = None,
                 started_at=None) -> None:
        from api.gateway_port import now

        self.gw = gw
        # for "INVITE received to push sent"
        self.invite_at = time.monotonic() if invite_at is None else invite_at
        self.caller = caller
        self.msg = msg
        self.origin = origin  # origin.Origin: the peer it came from, what it asserts
        self.cc = machine     # the one machine the call runs (its mailbox may take the call)
        self.route_info = None
        self.legs: dict[int, object] = {}
        self.bridge_leg: int | None = None
        self.timers = SessionTimers(gw)
        self.player = None
        self.pending_play: str | None = None
        self.loop_player = None          # ringback or hold music, looping until stopped
        self.live = LiveRef()
        self.started_at = now() if started_at is None else started_at
        self.answered_at = None
        self.answered_by = None      # the kind of target that answered (voicemail, forward, ...)
        self.held_legs: set = set()  # legs whose phone holds the call (None: the caller's)
        self.caller_answered = False
        self.counted = False
        self.finished = False
        self.pending: deque = deque()
        self.feeding = False
        self.transfer = TransferSide()
        self.queue_member = QueueMemberSide()
        self.joined = None  # sides.JoinedSide once a phone's attended transfer joins a colleague
        self.placed = None  # sides.JoinedSide of the user whose own phone called a colleague
        self.voicemail = None  # voicemailcalls.VoicemailSide once voicemail takes the call
        self.push_round = 0                # a call that came back rings under a new push id
        self.phone_held = False            # the phone holds the caller (hears hold music)
        self.links = media.Links()       # which legs hear each other (and get each other's keys)
        self.log_status: str | None = None   # its call log entry's status, once written

    @property
    def sip_id(self) -> str:
        return self.msg.call_id

    @property
    def push_id(self) -> str:
        """The call id its user's pushes carry: the Call-ID, then one per ringing again."""
        return self.sip_id if not self.push_round else f"{self.sip_id};back={self.push_round}"

    def log_extra(self, **kw) -> dict:
        """A log record's fields for this call."""
        return {"call_id": self.sip_id, **kw}

    def live_written(self, live_id: int) -> None:
        """On the recorder thread: the call's live row was written (its id)."""

    # -- inputs --------------------------------------------------------------------------
    def start(self, route, refused: int | None = None) -> None:
        """The routing answer (`refused`: a status the call is turned away with)."""
        self.route_info = route
        if refused is not None or route.status != 200 or route.plan is None:
            status = refused or route.status
            log.info("call refused", extra=self.log_extra(event="call_refused", status=status))
            return self.feed(RouteFailed(status))
        log.info("call routed", extra=self.log_extra(
            event="call_routed", user_id=route.user_id, source=route.source,
            via_main_number=route.via_main_number, caller=route.caller,
            diverted_from=route.diverted_from,
            diversion=self.msg.headers.get("diversion", "")[:300] or None,
            history_info=self.msg.headers.get("history-info", "")[:300] or None,
            direction=route.direction, steps=[type(s).__name__ for s in route.plan.steps],
            reason=route.reason))
        if route.direction == "outgoing":
            log.info("display number", extra=self.log_extra(
                event="display_number", number=route.caller,
                source=(route.reason or {}).get("display_source", "profile"),
                asked=(route.reason or {}).get("asked")))
        if route.user_id is not None and route.direction != "feature":
            self.gw.busy[route.user_id] = self.gw.busy.get(route.user_id, 0) + 1
            self.counted = True
        self.feed(Routed(route.plan))

    def leg_event(self, call, kind: str, status: int) -> None:
        if call.leg is None:  # the caller's own leg
            if kind == "gone":
                self.feed(CallerHungUp())
            return
        if kind == "answered":
            self.feed(LegAnswered(call.leg))
        elif kind == "progress":
            self.feed(LegProgress(call.leg))
        elif call.confirmed:
            self.feed(LegHungUp(call.leg))
        else:
            self.feed(LegFailed(call.leg, status or 500))

    def media_ready(self, call) -> None:
        if call.leg is None and self.pending_play:
            self._start_player()
        self._connect()
        transfers.media_ready(self)
        queuecalls.media_ready(self)
        voicemailcalls.media_ready(self)

    def leg_held(self, call, held: bool) -> None:
        callrecords.leg_held(self, call.leg, held)
        if call.leg is not None:   # the user's phone holds the caller: music meanwhile
            phonehold.leg_held(self, call, held)

    def timer_fired(self, name: str, token: int) -> None:
        if self.timers.due(name, token):
            self.feed(TimerFired(name))

    def playback_done(self, player) -> None:
        if player is self.player:
            self.player = None
            self.feed(PlaybackDone())

    def feed(self, event) -> None:
        """One input, and its actions performed in order. pjsua2 may call back synchronously
        while an action runs (a hang-up reports DISCONNECTED at once): such inputs wait until
        the current action list is done, so the machine never sees them mid-transition."""
        self.pending.append(event)
        if self.feeding:
            return
        self.feeding = True
        try:
            while self.pending:
                for action in self.cc.handle(self.pending.popleft()):
                    try:
                        self._perform(action)
                    except Exception as exc:
                        log.warning("action failed", extra=self.log_extra(
                            event="action_failed", action=type(action).__name__,
                            error=str(exc)))
                        if isinstance(action, Dial):
                            self.pending.append(LegFailed(action.leg, 500))
        finally:
            self.feeding = False
        if self.cc.over:
            self._finish()

    def abandon(self) -> None:
        """The gateway stops: end the call without waiting for anything."""
        for call in list(self.legs.values()) + [self.caller]:
            try:
                call.hangup(self.gw.op())
            except Exception:
                pass
        self._finish()

    # -- actions -------------------------------------------------------------------------
    def _perform(self, a) -> None:
        handler = actions.actions().get(type(a))
        if handler is None:
            log.warning("no handler for an action", extra=self.log_extra(
                event="action_unknown", action=type(a).__name__))
            return
        handler(self, a)

    def _push(self, a: Push) -> None:
        if a.kind == "transfer_returned":
            return transfers.returned_push(self, a.reason)
        log.info("push", extra=self.log_extra(
            event="push", kind=a.kind, reason=a.reason,
            since_invite_ms=round((time.monotonic() - self.invite_at) * 1000, 3)))
        pusher.send(self.gw.notifier, a.kind, a.reason, joined.route_of(self), self.push_id)

    def _cancel_leg(self, a: CancelLeg) -> None:
        leg = self.legs.get(a.leg)
        if self.gw.alive(leg):
            referrals.finish(self.gw, leg, 200)   # a phone that transferred hears it went
            leg.hangup(self.gw.op(headers=ANSWERED_ELSEWHERE if a.elsewhere else ()))

    def _ring_caller(self, _a: RingCaller) -> None:
        self.gw.respond(self.caller, 180)

    def _answer_caller(self, _a: AnswerCaller) -> None:
        if not self.caller_answered:
            self.caller_answered = True
            self.gw.respond(self.caller, 200)

    def _bridge(self, a: Bridge) -> None:
        transfers.hold_tone(self, on=False)  # the caller talks to someone again: music stops
        self.phone_held = False
        self.bridge_leg = a.leg
        self._connect()

    def _play(self, a: Play) -> None:
        self.gw.render(self, a.text, a.language, a.answer)

    def _stop_play(self, _a: StopPlay) -> None:
        self.player = self.pending_play = None

    def _reject_caller(self, a: RejectCaller) -> None:
        if self.gw.alive(self.caller):
            if self.caller_answered:
                self.caller.hangup(self.gw.op())
            else:
                self.gw.respond(self.caller, a.status)

    def _hangup_caller(self, _a: HangupCaller) -> None:
        if self.gw.alive(self.caller):
            self.caller.hangup(self.gw.op())

    def _start_timer(self, a: StartTimer) -> None:
        self.timers.start(a.name, a.seconds, self.timer_fired)

    def _cancel_timer(self, a: CancelTimer) -> None:
        self.timers.cancel(a.name)

    def _command_done(self, a: CommandDone) -> None:
        from api.gateway_port import finish_command
        if a.command_id is not None:   # None: the phone asked (REFER), not the app
            self.gw.recorder.submit(finish_command, a.command_id, "done", a.result)

    def _failed(self, a: Failed) -> None:
        log.warning("call control refused an input", extra=self.log_extra(
            event="call_failed", reason=a.reason))

    def _connect(self) -> None:
        leg = self.legs.get(self.bridge_leg) if self.bridge_leg else None
        if leg is None or not (leg.media_on and self.caller.media_on):
            return
        if not (self.gw.alive(leg) and self.gw.alive(self.caller)):
            return
        self.links.connect(self.caller, leg)
        self.bridge_leg = None

    def play_ready(self, path: str | None, answer: bool) -> None:
        if self.cc.current not in PLAYS or not self.gw.alive(self.caller):
            return
        if path is None:  # no announcement could be rendered: go on without it
            return self.feed(PlaybackDone())
        self.pending_play = path
        if answer and not self.caller_answered:
            self.caller_answered = True
            self.gw.respond(self.caller, 200)
        elif not answer:
            self.gw.respond(self.caller, 183)
        if self.caller.media_on:
            self._start_player()

    def _start_player(self) -> None:
        """Play the announcement waiting for the caller's media, once: answering the caller
        (183/200) can report the media at once, which starts it before `play_ready` would."""
        import pjsua2 as pj

        path, self.pending_play = self.pending_play, None
        if path is None:
            return
        with wave.open(path) as w:
            seconds = w.getnframes() / float(w.getframerate())
        player = pj.AudioMediaPlayer()
        player.createPlayer(path, pj.PJMEDIA_FILE_NO_LOOP)
        player.startTransmit(self.caller.getAudioMedia(-1))
        self.player = player
        self.gw.start_timer(seconds + 0.1, self.playback_done, player)

    def start_loop(self, tone: str) -> bool:
        """Play one of the gateway's tones (`ringback`, `hold`) to the caller, looping, until
        `stop_loop()`. False when the caller has no media yet (nothing is played then)."""
        import pjsua2 as pj

        self.stop_loop()
        if not (self.gw.alive(self.caller) and self.caller.media_on):
            return False
        player = pj.AudioMediaPlayer()
        player.createPlayer(self.gw.tones[tone], 0)  # 0: loop
        player.startTransmit(self.caller.getAudioMedia(-1))
        self.loop_player = player
        return True

    def stop_loop(self) -> None:
        player, self.loop_player = self.loop_player, None
        if player is not None and self.gw.alive(self.caller) and self.caller.media_on:
            try:
                player.stopTransmit(self.caller.getAudioMedia(-1))
            except Exception:  # the caller's media went away first: nothing to stop
                pass

    # -- the user and the end ------------------------------------------------------------
    def release_user(self) -> None:
        """The call no longer keeps its user busy (it ended, or was transferred away)."""
        gw, r = self.gw, self.route_info
        if self.counted and r is not None:
            self.counted = False
            left = gw.busy.get(r.user_id, 1) - 1
            if left > 0:
                gw.busy[r.user_id] = left
            else:
                gw.busy.pop(r.user_id, None)

    def _finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        gw = self.gw
        if gw.sessions.get(self.sip_id) is self:
            del gw.sessions[self.sip_id]
        if self.live.id is not None:
            gw.by_live_id.pop(self.live.id, None)
        self.release_user()
        joined.release(self)
        placed.release(self)
        self.player = self.loop_player = None
        self.timers.clear()
        log.info("call ended", extra=self.log_extra(event="call_ended",
                                                   status=self.log_status))
        extra = self.log_extra(event="call_written")
        gw.recorder.submit(lambda _db: None,  # after this call's writes (the queue is FIFO)
                           then=lambda _r: log.info("call state and log written", extra=extra))

