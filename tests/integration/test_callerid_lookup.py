"""Who is calling: the lookup function against the database and external sources."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api.accounts import admin
from api.accounts.models import Tenant, User
from api.callerid import contacts, services
from api.callerid.sources import CACHE
from tests.support.api import make_company
from tests.support.stub_http import StubDirectory


@pytest.fixture
def company(app, db):
    c = make_company(app)
    c.tenant = db.get(Tenant, c.tenant_id)
    c.alice = db.scalar(select(User).where(User.mobile == c.users["alice"]))
    c.bob = db.scalar(select(User).where(User.mobile == c.users["bob"]))
    return c


def _contact(db, co, name, *numbers, owner=None, **extra):
    return contacts.create_contact(db, co.tenant,
                                   {"name": name, "numbers": [{"number": n} for n in numbers],
                                    **extra}, owner.id if owner else None)


def _register(db, company, rows: str, *, position=0, name="Business register"):
    src = services.create_source(db, company.tenant_id, {"name": name, "kind": "register",
                                                         "position": position})
    services.load_register(db, company.tenant, src, "csv", rows)
    return src


def _http(db, company, url, *, position=0, name="Web directory", ttl_s=3600):
    return services.create_source(db, company.tenant_id, {
        "name": name, "kind": "http_json", "position": position,
        "config": {"url_template": url + "/lookup?number={e164}", "ttl_s": ttl_s,
                   "mapping": {"name": "result.name", "company": "result.org"}}})


@pytest.fixture(autouse=True)
def _empty_cache():
    CACHE._data.clear()
    yield
    CACHE._data.clear()


@pytest.mark.parametrize("stored, dialled", [
    ("22 33 44 55", "+4722334455"), ("+47 22 33 44 55", "22334455"),
    ("004722334455", "0047 22 33 44 55"), ("+4722334455", "+47 22-33-44-55")])
def test_numbers_stored_in_national_international_or_e164_form_match_each_other(
        db, company, stored, dialled):
    _contact(db, company, "Fjord Shipping", stored, company="Fjord AS")
    hit = services.lookup(db, company.tenant_id, company.alice.id, dialled)
    assert hit.name == "Fjord Shipping" and hit.company == "Fjord AS"
    assert hit.number == "+4722334455" and hit.source == "company_contact"


def test_a_colleague_is_found_by_mobile_office_and_short_number(db, company):
    bob = company.bob
    for number in (bob.mobile, bob.office_number, bob.mobile[3:], bob.short_number):
        hit = services.lookup(db, company.tenant_id, company.alice.id, number)
        assert (hit.name, hit.source, hit.user_id) == (bob.full_name, "colleague", bob.id)


def test_a_colleague_wins_over_a_contact_with_the_same_number(db, company):
    _contact(db, company, "Old entry", company.bob.mobile)
    _contact(db, company, "My name for Bob", company.bob.mobile, owner=company.alice)
    assert services.lookup(db, company.tenant_id, company.alice.id,
                           company.bob.mobile).source == "colleague"


def test_personal_contacts_answer_only_their_owner(db, company):
    _contact(db, company, "Alice's plumber", "+4741234567", owner=company.alice)
    assert services.lookup(db, company.tenant_id, company.alice.id,
                           "41234567").name == "Alice's plumber"
    assert services.lookup(db, company.tenant_id, company.bob.id, "41234567") is None


def test_company_contact_is_trusted_before_a_personal_one(db, company):
    _contact(db, company, "Mine", "+4741234567", owner=company.alice)
    _contact(db, company, "Shared", "+4741234567")
    assert services.lookup(db, company.tenant_id, company.alice.id, "+4741234567").name == \
        "Shared"


def test_another_companys_directory_is_never_consulted(app, db, company):
    other = make_company(app)
    other_tenant = db.get(Tenant, other.tenant_id)
    contacts.create_contact(db, other_tenant, {"name": "Secret", "numbers": [
        {"number": "+4741234567"}]})
    assert services.lookup(db, company.tenant_id, company.alice.id, "+4741234567") is None
    assert services.lookup(db, company.tenant_id, company.alice.id, other.users["bob"]) is None


def test_an_unknown_or_unreadable_number_is_unknown(db, company):
    for number in ("+4799999999", "not a number", "", "+" + "9" * 30, "0"):
        assert services.lookup(db, company.tenant_id, company.alice.id, number) is None


def test_the_register_answers_after_the_company_directory(db, company):
    _register(db, company, "name,organisation,address,phone\n"
                           "Kari Nordmann,Nordmann Bakeri AS,Storgata 1 Oslo,22 11 22 33\n")
    hit = services.lookup(db, company.tenant_id, company.alice.id, "+4722112233")
    assert (hit.name, hit.company, hit.address, hit.source, hit.source_name) == (
        "Kari Nordmann", "Nordmann Bakeri AS", "Storgata 1 Oslo", "external", "Business register")
    _contact(db, company, "Bakery (customer)", "22112233")
    assert services.lookup(db, company.tenant_id, company.alice.id,
                           "+4722112233").name == "Bakery (customer)"


def test_turning_number_lookup_off_makes_every_number_unknown(db, company):
    services.update_settings(db, company.alice, {"number_lookup": False})
    assert services.lookup(db, company.tenant_id, company.alice.id, company.bob.mobile) is None
    assert services.user_settings(company.alice) == {"push_calls": True, "number_lookup": False}


def test_the_index_follows_colleagues_renamed_renumbered_and_deleted(db, company):
    old_mobile = company.bob.mobile
    admin.update_user(db, company.tenant, company.bob, {"first_name": "Robert",
                                                        "mobile": "+4791999999"})
    db.commit()
    assert services.lookup(db, company.tenant_id, company.alice.id,
                           "+4791999999").name.startswith("Robert")
    assert services.lookup(db, company.tenant_id, company.alice.id, old_mobile) is None
    db.delete(company.bob)
    db.commit()
    assert services.lookup(db, company.tenant_id, company.alice.id, "+4791999999") is None


def test_an_http_source_answers_with_its_field_mapping_and_is_cached(db, company):
    answers = {"+4722998877": {"result": {"name": "Ola Web", "org": "Web AS"}}}
    with StubDirectory(answers) as web:
        _http(db, company, web.url)
        ask = lambda n: services.lookup(db, company.tenant_id, company.alice.id, n,  # noqa
                                        deadline_s=10)
        hit, again, miss = ask("22998877"), ask("+4722998877"), ask("+4722000000")
        ask("+4722000000")
    assert (hit.name, hit.company, hit.source_name) == ("Ola Web", "Web AS", "Web directory")
    assert again == hit and miss is None
    assert web.requests == ["+4722998877", "+4722000000"]  # hits and misses both cached


def test_a_stalled_source_does_not_hold_the_answer_past_the_deadline(db, company):
    _register(db, company, "name,phone\nRegister Name,22112233\n", position=5)
    with StubDirectory({"+4722112233": {"result": {"name": "Too late"}}}) as slow:
        slow.stalling = True
        _http(db, company, slow.url, position=1, name="Slow but trusted")
        hit = services.lookup(db, company.tenant_id, company.alice.id, "+4722112233",
                              deadline_s=1.5)
        # the answer came while the slow source was (and still is) holding its reply
        assert slow.stalled.wait(timeout=10) and not slow.release.is_set()
    assert hit.name == "Register Name"


def test_a_trusted_source_that_answers_in_time_wins_over_a_faster_less_trusted_one(db, company):
    with StubDirectory({"+4722112233": {"result": {"name": "Trusted"}}}) as first, \
            StubDirectory({"+4722112233": {"result": {"name": "Less trusted"}}}) as second:
        _http(db, company, first.url, position=1, name="First")
        _http(db, company, second.url, position=2, name="Second")
        hit = services.lookup(db, company.tenant_id, company.alice.id, "+4722112233",
                              deadline_s=5)
    assert (hit.name, hit.source_name) == ("Trusted", "First")


def test_a_faster_less_trusted_source_answers_when_the_trusted_one_stalls(db, company):
    with StubDirectory({"+4722112233": {"result": {"name": "Trusted"}}}) as first, \
            StubDirectory({"+4722112233": {"result": {"name": "Quick"}}}) as second:
        first.stalling = True
        _http(db, company, first.url, position=1, name="First")
        _http(db, company, second.url, position=2, name="Second")
        hit = services.lookup(db, company.tenant_id, company.alice.id, "+4722112233",
                              deadline_s=1.5)
        assert not first.release.is_set()
    assert hit.name == "Quick"


def test_an_unreachable_source_is_simply_unknown(db, company):
    with StubDirectory() as gone:
        url = gone.url
    _http(db, company, url)
    assert services.lookup(db, company.tenant_id, company.alice.id, "+4722112233") is None
