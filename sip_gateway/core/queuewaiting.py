"""What a caller waiting in a queue hears (pure): the queue's welcome (its greeting, or the
standard words with the position), then waiting music (the queue's setting), the repeated
message every so often (the music pauses for it), and the callback key: pressed while
waiting, the caller is put on the callback list, hears it confirmed and the call ends."""
from __future__ import annotations

import enum
from typing import Protocol

from .callmessages import HangupCaller, Play, PlayFile
from .queuemessages import CALLBACK_KEY, Digit, QueueStep, StartLoop, StopLoop

MUSIC = "hold"        # the tone looped to a waiting caller (sip_gateway.tones)
# the queue's hold music setting -> the tone looped (None: silence)
TONES = {"default": MUSIC, "ringback": "ringback", "silence": None}


class WaitingHost(Protocol):
    """What `WaitingRoom` needs of the queue call it works for."""

    state: enum.Enum
    queue: QueueStep
    playing: bool              # the queue message (or a last message) is playing
    looping: bool              # the waiting music is playing
    timers: set[str]

    def do(self, *actions) -> None: ...
    def start_timer(self, name: str, seconds: float) -> None: ...
    def stop_timers(self) -> None: ...
    def stop_ringing(self, reason: str, keep: int | None = None) -> list[int]: ...
    def quiet(self) -> None: ...
    def write(self, op: str, user_id: int | None = None) -> None: ...
    def end(self) -> enum.Enum: ...


class WaitingRoom:
    def __init__(self, host: WaitingHost, waiting: tuple[enum.Enum, enum.Enum],
                 confirming: enum.Enum) -> None:
        self.host = host
        self.announcing, self.waiting = waiting
        self.confirming = confirming

    def welcome(self, position: int | None) -> None:
        """The caller is answered: the queue's uploaded welcome, else its words."""
        host, q = self.host, self.host.queue
        host.playing = True
        host.do(PlayFile(q.greeting_file) if q.greeting_file
                else Play(self._greeting(position), q.language, answer=True))

    def _greeting(self, position: int | None) -> str:
        q = self.host.queue
        if q.greeting:   # the queue's own words, spoken as written
            return q.greeting
        words = q.words
        parts = [words.welcome.format(queue=q.name)]
        if q.announce_position:
            parts.append(words.position.format(position=position))
        parts.append(words.hold_or_callback if q.offer_callback else words.hold)
        return " ".join(parts)

    def played(self, _ev) -> enum.Enum:
        """A message is over: the music (re)starts, and the repeated message is due."""
        host = self.host
        if not host.playing:
            return host.state
        host.playing = False
        tone = TONES.get(host.queue.hold_music, MUSIC)
        if tone is not None:
            host.looping = True
            host.do(StartLoop(tone))
        waiting = host.state in (self.announcing, self.waiting)
        if waiting and host.queue.announce_every_s:
            host.start_timer("announce", host.queue.announce_every_s)
        return self.waiting if host.state is self.announcing else host.state

    def announce(self) -> None:
        """The repeated message: the music pauses for it and resumes after it."""
        host = self.host
        if host.state is not self.waiting or host.playing:
            return
        if host.looping:
            host.looping = False
            host.do(StopLoop())
        host.playing = True
        q = host.queue
        text = q.announce_text or q.greeting or (
            q.words.hold_or_callback if q.offer_callback else q.words.hold)
        # an uploaded message replaces the spoken one
        host.do(PlayFile(q.message_file) if q.message_file
                else Play(text, q.language, answer=True))

    def digit(self, ev: Digit) -> enum.Enum:
        """The caller pressed a key while waiting: 1 (when the queue offers it) puts them on
        the callback list, they hear it confirmed, and the call ends."""
        host = self.host
        if ev.digit != CALLBACK_KEY or not host.queue.offer_callback:
            return host.state
        host.stop_timers()
        host.stop_ringing("ended")
        host.quiet()
        host.write("callback")
        host.playing = True
        host.do(Play(host.queue.words.callback_confirmed, host.queue.language, answer=True))
        return self.confirming

    def confirmed(self, _ev) -> enum.Enum:
        """The last message was said: the caller is hung up."""
        self.host.playing = False
        self.host.do(HangupCaller())
        return self.host.end()

    def caller_gone_confirming(self, _ev) -> enum.Enum:
        self.host.quiet()
        return self.host.end()

    def caller_gone(self, _ev) -> enum.Enum:
        """The caller hung up while waiting: the queue call is abandoned."""
        host = self.host
        host.stop_ringing("ended")
        host.quiet()
        host.write("abandon")
        return host.end()
