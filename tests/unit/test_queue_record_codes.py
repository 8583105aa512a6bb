"""The codes that record a queue's audio by phone (pure), and the plan such a call follows."""
from __future__ import annotations

import pytest

from api.gateway_port.recording import QueueRecording
from api.queues import recordcodes
from sip_gateway.core import plans
from sip_gateway.core.callmessages import CallPlan, LeaveMessage, Reject


@pytest.mark.parametrize("dialled, expected", [
    ("*97123", ("greeting", "123")),          # the welcome of the queue with short number 123
    ("*9823999001#", ("message", "23999001")),  # the waiting message, by its number
    ("*97", None), ("*97*12", None), ("*96123", None), ("97123", None), ("", None),
    ("*97" + "1" * 16, None)])
def test_a_recording_code_names_the_kind_of_audio_and_the_queue(dialled, expected):
    assert recordcodes.parse(dialled) == expected


REC = QueueRecording(7, 3, "message", "Record the waiting message for Support ...", "en")


def test_a_recording_call_is_the_voicemail_recorder_kept_as_the_queues_audio():
    uris = {"voicemail_dir": "/var/lib/pbx/voicemail", "voicemail_silence_s": 4.0}
    (step,) = plans.record_plan(REC, uris).steps
    assert step == LeaveMessage(7, None, "queue_audio", REC.prompt, "en", None,
                                float(plans.RECORD_MAX_S), 4.0, 3, record_for="message")


def test_a_gateway_without_its_own_voicemail_storage_cannot_record():
    assert plans.record_plan(REC, {"voicemail": "sip:vm@h"}) == CallPlan((Reject(480),),
                                                                          push=False)
