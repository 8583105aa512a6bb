"""Texts from many senders to the company's SMS number: the help reply is capped for the
whole company, not only per sender, so a flood cannot run up the company's SMS bill."""
from __future__ import annotations

from tests.support.api import make_company
from tests.support.sms import give_service_number, reset_config, send_sms, sink  # noqa: F401


def test_help_replies_stop_at_the_company_cap_whoever_sends(app, client, sink, reset_config):
    reset_config(help_limit=2, help_tenant_limit=5)
    c = make_company(app)
    service = give_service_number(app, c)
    for i in range(12):
        send_sms(client, f"+479990{i:04d}", service, "hello?", msg_id=str(i))
    assert len(sink.sent) == 5


def test_the_cap_of_one_company_leaves_another_companys_replies(app, client, sink, reset_config):
    reset_config(help_tenant_limit=3)
    a, b = make_company(app), make_company(app)
    service_a, service_b = give_service_number(app, a), give_service_number(app, b)
    for i in range(5):
        send_sms(client, f"+479991{i:04d}", service_a, "hello?", msg_id=f"a{i}")
    send_sms(client, "+4799920000", service_b, "hello?", msg_id="b")
    assert [m["from"] for m in sink.sent] == [service_a] * 3 + [service_b]
