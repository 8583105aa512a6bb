"""A company administrator points an http_json directory source at this machine: neither the
saved source nor a caller lookup (which the gateway runs on every inbound call) reaches it."""
from __future__ import annotations

import pytest

from api.callerid.models import ExternalSource
from api.callerid.sources import CACHE
from tests.security.conftest import tricks
from tests.support.api import auth, make_company
from tests.support.probe_http import ProbeServer

NUMBER = "+4722998877"
HEADERS = {"Metadata-Flavor": "Google", "X-aws-ec2-metadata-token": "x"}


@pytest.fixture(autouse=True)
def _empty_cache():
    CACHE._data.clear()
    yield
    CACHE._data.clear()


@pytest.fixture
def company(app):
    return make_company(app)


@pytest.fixture
def admin(client, company):
    return auth(client, company.admin_mobile)


def _templates(port: int, port6: int) -> list[str]:
    return [u.replace("/cal.ics", "/lookup?number={e164}") for u in tricks(port, port6)
            if not u.startswith("webcal:")]


def _source(db, company, template: str) -> None:
    """A source row as it might have been saved earlier (the check at save time is skipped)."""
    db.add(ExternalSource(tenant_id=company.tenant_id, name="Web directory", kind="http_json",
                          position=0, enabled=True,
                          config={"url_template": template, "headers": HEADERS,
                                  "mapping": {"name": "result.name"}}))
    db.commit()


def _lookup(client, headers):
    r = client.get("/api/v1/callerid/lookup", headers=headers, query_string={"number": NUMBER})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_every_spelling_of_this_machine_is_refused_when_the_source_is_saved(
        client, admin, strict, internal, internal6):
    for template in _templates(internal.port, internal6.port):
        r = client.post("/api/v1/directory/sources", headers=admin, json={
            "name": "Web directory", "kind": "http_json",
            "config": {"url_template": template, "headers": HEADERS}})
        assert r.status_code == 422, (template, r.get_json())
        assert r.content_type == "application/problem+json"
    assert internal.requests == [] and internal6.requests == []
    assert client.get("/api/v1/directory/sources", headers=admin).get_json() == []


def test_a_lookup_never_reaches_this_machine_through_a_source_saved_earlier(
        client, admin, db, company, strict, internal, internal6):
    for template in _templates(internal.port, internal6.port):
        _source(db, company, template)
        assert _lookup(client, admin)["hit"] is None, template
        db.query(ExternalSource).delete()
        db.commit()
    assert internal.requests == [] and internal6.requests == []


def test_the_allowed_directory_host_is_asked_so_the_counting_server_can_be_reached(
        client, admin, db, company, strict, internal):
    _source(db, company, f"http://feeds.invalid:{internal.port}/lookup?number={{e164}}")
    assert _lookup(client, admin)["hit"]["name"] == "INTERNAL SECRET"
    assert internal.count == 1


@pytest.mark.parametrize("code", [301, 302, 307])
def test_a_redirect_from_an_allowed_directory_to_this_machine_is_not_followed(
        client, admin, db, company, strict, internal, code):
    with ProbeServer() as directory:
        _source(db, company, f"http://feeds.invalid:{directory.port}/redirect?code={code}"
                             f"&to=http://127.0.0.1:{internal.port}/lookup")
        assert _lookup(client, admin)["hit"] is None
        assert directory.count == 1
    assert internal.requests == []
