"""When an entry of a queue's callback list is called back automatically, without a
database: at once the first time, again after a pause when nobody answered, never while an
attempt is under way (unless it was left hanging), and not forever."""
from __future__ import annotations

from datetime import datetime, timedelta

from api.queues.callbackturns import CLAIM_TIMEOUT, MAX_ATTEMPTS, RETRY_AFTER, due

AT = datetime(2026, 12, 7, 9, 0)


def test_a_new_entry_is_called_back_at_once():
    assert due(attempts=0, last_attempt_at=None, in_progress=False, at=AT)


def test_an_unanswered_attempt_is_retried_only_after_the_pause():
    last = AT - RETRY_AFTER + timedelta(seconds=1)
    assert not due(attempts=1, last_attempt_at=last, in_progress=False, at=AT)
    assert due(attempts=1, last_attempt_at=AT - RETRY_AFTER, in_progress=False, at=AT)


def test_an_attempt_under_way_is_not_doubled_unless_it_was_left_hanging():
    assert not due(attempts=1, last_attempt_at=AT - RETRY_AFTER, in_progress=True, at=AT)
    assert due(attempts=1, last_attempt_at=AT - CLAIM_TIMEOUT, in_progress=True, at=AT)


def test_the_system_gives_up_after_its_last_attempt():
    assert not due(attempts=MAX_ATTEMPTS, last_attempt_at=AT - timedelta(days=1),
                   in_progress=False, at=AT)
