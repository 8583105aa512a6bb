"""The gateway's own voicemail on the pjsua thread: the I/O of `core.voicemailcontrol`.

A call's machine (call control, or a queue's) lets its mailbox take the call with
`StartVoicemail` (`core.mailbox`); the session keeps feeding that machine and performs the
voicemail's actions here: the user's greeting file, the tone, pjsua2's
`AudioMediaRecorder` on the caller's audio (a WAV in the user's directory, named by the
port; a queue's mailbox when a queue's overflow reached it), the silence watch (the
caller's received level, polled), and the message written
through the gateway's port on the recorder thread, followed by the push (with the unread
count as badge) and the e-mail copy.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

from sqlalchemy.exc import InterfaceError, OperationalError

from api import gateway_port as port

from .core.callmessages import StartVoicemail
from .core.mailbox import TakenBack
from .core.voicemailcontrol import (DiscardMessage, Key, PlayFile, SaveMessage, Silence,
                                    StartRecording, StopRecording)

log = logging.getLogger("sip_gateway")
LISTEN_EVERY_S = 0.25
FILE_AGAIN_S = (5, 15, 30, 60, 120, 300, 600, 900, 900, 900)  # a recorded message whose row
                         # the database did not take is filed again for about an hour
QUIET_LEVEL = 1          # the caller's level (0-255, linear: 255 is full scale) at or under
                         # which they are silent: below about -42 dBFS, a quiet line's hiss


@dataclass
class VoicemailSide:
    """What a voicemail call keeps on the gateway (the machine keeps the rest)."""

    step: object
    recorder: object = None
    beep: object = None
    file: str | None = None
    path: str | None = None
    record_wanted: float | None = None  # silence_s: recording asked for before the media
    loud_at: float = 0.0


def actions() -> dict:
    return {StartVoicemail: start, PlayFile: _play_file, StartRecording: _start_recording,
            StopRecording: _stop_recording, SaveMessage: _save, DiscardMessage: _discard,
            TakenBack: _taken_back}


def is_voicemail(session) -> bool:
    return session.voicemail is not None


def start(session, a: StartVoicemail) -> None:
    """The plan reached voicemail: the user is no longer called; the mailbox takes the call."""
    from . import joined, transfers

    transfers.hold_tone(session, on=False)   # a call that came back hears no music over it
    if not joined.step_away(session, True):  # (a colleague a transfer joined: theirs)
        session.release_user()
    session.answered_by = "voicemail"
    session.voicemail = VoicemailSide(a.step)
    live = joined.holder(session)[1]   # the live call shows it: free, still theirs to move on
    session.gw.recorder.submit(lambda db: live.id and port.call_in_voicemail(db, live.id))
    log.info("voicemail", extra=session.log_extra(
        event="voicemail", reason=a.step.reason, own_greeting=a.step.greeting is not None))


def digit(session, key: str) -> None:
    if is_voicemail(session):
        log.info("caller key", extra=session.log_extra(event="voicemail_digit", digit=key))
        session.feed(Key(key))


def media_ready(session) -> None:
    side = session.voicemail
    if side is not None and side.record_wanted is not None:
        _record(session, side, side.record_wanted)


def _play_file(session, a: PlayFile) -> None:
    session.play_ready(a.path, True)


def _start_recording(session, a: StartRecording) -> None:
    side = session.voicemail
    if not (session.gw.alive(session.caller) and session.caller.media_on):
        side.record_wanted = a.silence_s
        return
    _record(session, side, a.silence_s)


def _record(session, side: VoicemailSide, silence_s: float) -> None:
    import pjsua2 as pj

    gw, step = session.gw, side.step
    side.record_wanted = None
    side.file, side.path = port.voicemail.new_file(gw.cfg.voicemail_dir, step.tenant_id,
                                                   step.user_id, step.queue_id)
    media = session.caller.getAudioMedia(-1)
    recorder = pj.AudioMediaRecorder()
    recorder.createRecorder(side.path)
    media.startTransmit(recorder)
    side.recorder = recorder
    beep = pj.AudioMediaPlayer()
    beep.createPlayer(gw.tones["beep"], pj.PJMEDIA_FILE_NO_LOOP)
    beep.startTransmit(media)
    side.beep, side.loud_at = beep, time.monotonic()
    log.info("voicemail recording", extra=session.log_extra(event="voicemail_recording"))
    gw.start_timer(LISTEN_EVERY_S, _listen, session, side, silence_s)


def _listen(session, side: VoicemailSide, silence_s: float) -> None:
    """Every quarter second while recording: has the caller been quiet for `silence_s`?"""
    if side.recorder is None or session.finished or not session.gw.alive(session.caller):
        return
    now = time.monotonic()
    try:
        # pjsua2's "tx" level of the call's port: what it sends into the bridge, the caller
        level = session.caller.getAudioMedia(-1).getTxLevel()
    except Exception:  # the media went away: the hang-up is on its way
        return
    if level > QUIET_LEVEL:
        side.loud_at = now
    elif now - side.loud_at >= silence_s:
        log.info("caller silent", extra=session.log_extra(event="voicemail_silence"))
        return session.feed(Silence())
    session.gw.start_timer(LISTEN_EVERY_S, _listen, session, side, silence_s)


def _stop_recording(session, _a: StopRecording) -> None:
    side = session.voicemail
    recorder, side.recorder, side.beep = side.recorder, None, None
    side.record_wanted = None
    if recorder is None:
        return
    if session.gw.alive(session.caller) and session.caller.media_on:
        try:
            session.caller.getAudioMedia(-1).stopTransmit(recorder)
        except Exception:  # the caller's media is gone already
            pass
    del recorder  # destroying it completes the WAV file (its header holds the length)


def _save(session, _a: SaveMessage) -> None:
    side, r, gw = session.voicemail, session.route_info, session.gw
    if side.file is None:
        return
    step, call_id = side.step, session.sip_id
    root = gw.cfg.voicemail_dir
    if step.record_for is not None:   # a queue's audio, recorded by phone
        return _keep_queue_audio(session, step, side.file)
    caller, hit = (r.caller, r.hit) if r is not None else (None, None)
    profile = ((r.reason or {}).get("profile") if r is not None else None)

    tries = iter(FILE_AGAIN_S)

    def write(db):
        try:
            return port.voicemail.leave(db, root, step.tenant_id, step.user_id, side.file,
                                        call_id=call_id, caller=caller, hit=hit,
                                        reason=step.reason, profile=profile,
                                        queue_id=step.queue_id)
        except (OperationalError, InterfaceError) as exc:  # the database is unreachable
            return exc

    def kept(left) -> None:  # on the recorder thread, after the commit
        if isinstance(left, Exception):  # the audio is on disk: file its row later
            delay = next(tries, None)
            log.warning("voicemail not filed: the database is unreachable", extra={
                "event": "voicemail_file_later", "call_id": call_id, "file": side.file,
                "again_in_s": delay, "error": type(left).__name__})
            if delay is not None:
                gw.post(gw.start_timer, delay, file_it)
            return
        if left is None:
            return
        log.info("voicemail left", extra={"event": "voicemail_left", "call_id": call_id,
                                          "message_id": left.message_id,
                                          "duration_s": left.duration_s})
        if step.queue_id is not None:  # the queue's members, their own count as the badge
            queue = {"id": step.queue_id, "name": ((r.context or {}).get("queue") or {})
                     .get("name") if r is not None else None}
            for member, unread in left.members:
                gw.notifier.voicemail(step.tenant_id, member, call_id, left.message_id, caller,
                                      hit=hit, duration=left.duration_s, unread=unread,
                                      queue=queue)
            return
        gw.notifier.voicemail(step.tenant_id, step.user_id, call_id, left.message_id, caller,
                              hit=hit, duration=left.duration_s, unread=left.unread)
        if gw.cfg.edge_ctl and left.lamp is not None:  # the desk phones' lamps
            gw.pool.submit(port.voicemail.Lamps(gw.cfg.edge_ctl, gw.cfg.realm).light, left.lamp)
        if left.email:
            gw.pool.submit(port.voicemail.email_copy, left)

    def file_it() -> None:
        gw.recorder.submit(write, then=kept)

    file_it()


def _discard(session, _a: DiscardMessage) -> None:
    """The caller was moved on from voicemail: what they began to say is no message."""
    side, session.voicemail = session.voicemail, None
    if side is not None and side.path:
        try:
            os.remove(side.path)
        except OSError:   # never written (no media yet): nothing to drop
            pass
    log.info("voicemail discarded", extra=session.log_extra(event="voicemail_discarded",
                                                         recorded=bool(side and side.path)))


def _taken_back(session, _a: TakenBack) -> None:
    """The user took the call back: busy with it again, their live call ringing under a new
    push id; the caller hears the hold music until they answer."""
    from . import joined, transferleg, transfers

    if not joined.step_away(session, False):
        transferleg.busy_again(session)
    live = joined.holder(session)[1]
    session.gw.recorder.submit(lambda db: live.id and port.call_transferring(db, live.id, False))
    session.push_round += 1
    transfers.hold_tone(session, on=True)
    log.info("voicemail taken back", extra=session.log_extra(event="voicemail_taken_back"))


def _keep_queue_audio(session, step, file: str) -> None:
    gw, extra = session.gw, session.log_extra(event="queue_audio_recorded",
                                              queue_id=step.queue_id, kind=step.record_for)
    gw.recorder.submit(port.keep_recording, gw.cfg.voicemail_dir, step.tenant_id,
                       step.queue_id, step.record_for, file,
                       then=lambda kept: log.info("queue audio recorded",
                                                  extra={**extra, "kept": bool(kept)}))
