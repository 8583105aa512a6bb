"""Messages recorded but never handed to the gateway (the process stopped after the commit)
go out once after the grace period; SMS the gateway holds are left to it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.accounts.models import Tenant, User
from api.core import clock
from api.messages import services
from api.messages.resend import main as resend_main
from api.messages.resend import resend_unsent
from api.sms.models import SmsOutbound
from api.sms.outbox import Outbox
from api.sms.services import runtime
from tests.support.api import make_company
from tests.support.sms import sink  # noqa: F401


def _recorded_but_not_sent(app, db, numbers):
    """A message committed whose outbox never ran (as if the worker stopped right then)."""
    c = make_company(app)
    tenant = db.get(Tenant, c.tenant_id)
    admin = db.scalar(select(User).where(User.mobile == c.admin_mobile))
    outbox = Outbox()
    message = services.send(db, app, tenant, admin.id, {"text": "Fire drill at 10",
                                                        "numbers": numbers}, outbox)
    assert outbox.jobs  # dropped: never run
    return message


def test_an_sms_never_handed_to_the_gateway_goes_out_once_after_the_grace_period(app, db, sink):
    _recorded_but_not_sent(app, db, ["90012345", "90012346"])
    rt = runtime(app)
    assert resend_unsent(db, rt, grace_s=60) == 0  # it may still be on its way
    assert sink.sent == []
    clock.freeze(clock.now() + timedelta(minutes=2))
    assert resend_unsent(db, rt, grace_s=60) == 2
    assert sorted((s["to"], s["from"], s["text"]) for s in sink.sent) == [
        ("+4790012345", sink.sent[0]["from"], "Fire drill at 10"),
        ("+4790012346", sink.sent[0]["from"], "Fire drill at 10")]
    assert set(db.scalars(select(SmsOutbound.state))) == {"accepted"}
    assert resend_unsent(db, rt, grace_s=60) == 0 and len(sink.sent) == 2


def test_an_sms_the_gateway_queued_for_later_is_not_sent_again(app, db, sink):
    _recorded_but_not_sent(app, db, ["90012345"])
    row = db.scalar(select(SmsOutbound))
    row.detail = "3: Queued for later delivery"
    db.commit()
    clock.freeze(clock.now() + timedelta(minutes=2))
    assert resend_unsent(db, runtime(app), grace_s=60) == 0 and sink.sent == []


def test_the_resend_command_runs_one_pass(app, db, settings, monkeypatch, capsys):
    _recorded_but_not_sent(app, db, ["90012345"])
    for key, value in {"DATABASE_URL": settings.database_url, "PBX_SMS_GATEWAY": "log",
                       "SECRET_KEY": settings.secret_key, "APP_ENV": "test"}.items():
        monkeypatch.setenv(key, value)
    assert resend_main(["--grace", "0"]) == 0
    assert "1 SMS sent again" in capsys.readouterr().out
    assert db.scalar(select(SmsOutbound.state)) == "accepted"
