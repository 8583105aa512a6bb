"""Bodies built to crash a parser get a 400 problem on every endpoint, the public login
included; a body the operation needs cannot be left out or sent as something else."""
from __future__ import annotations

import pytest

from tests.support.api import auth, make_company

DEEP = "[" * 5000 + "]" * 5000
NOT_TOO_DEEP_FOR_PYTHON = '{"a":' * 900 + "1" + "}" * 900
SURROGATE = '{"username": "\\ud800", "password": "x"}'
SURROGATE_KEY = '{"\\udfff": 1, "first_name": "A"}'
HUGE_INT = '{"username": "1", "password": "x", "n": ' + "9" * 5000 + "}"
HOSTILE = {"nested 5,000 deep": DEEP, "nested 900 deep": NOT_TOO_DEEP_FOR_PYTHON,
           "a lone surrogate": SURROGATE, "a lone surrogate as a key": SURROGATE_KEY,
           "a 5,000-digit integer": HUGE_INT}


def _problem(r, status):
    assert r.status_code == status, r.get_data(as_text=True)[:300]
    assert r.content_type == "application/problem+json"
    return r.get_json()["detail"]


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_public_login_answers_a_hostile_body_with_a_400_problem(client, body):
    _problem(client.post("/api/v1/auth/login", data=body, content_type="application/json"), 400)


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_an_authenticated_patch_answers_a_hostile_body_with_a_400_problem(app, client, body):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    _problem(client.patch("/api/v1/me", data=body, content_type="application/json", headers=h),
             400)
    assert client.get("/api/v1/me", headers=h).get_json()["first_name"] == "Alice"


def test_each_refusal_says_what_was_wrong(client):
    post = lambda body: client.post("/api/v1/auth/login", data=body,  # noqa: E731
                                    content_type="application/json")
    assert "nested" in _problem(post(DEEP), 400)
    assert "Unicode" in _problem(post(SURROGATE), 400)
    assert "digits" in _problem(post(HUGE_INT), 400)


def test_a_paired_surrogate_is_ordinary_text(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    r = client.patch("/api/v1/me", data='{"title": "\\ud83d\\ude00 lead"}',
                     content_type="application/json", headers=h)
    assert r.status_code == 200 and r.get_json()["title"] == "\U0001F600 lead"


def test_patch_without_a_body_is_a_400_and_changes_nothing(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    assert "needs a JSON body" in _problem(client.patch("/api/v1/me", headers=h), 400)
    _problem(client.patch("/api/v1/me", headers=h, content_type="application/json"), 400)


def test_a_body_of_another_media_type_is_a_415(app, client):
    c = make_company(app)
    h = auth(client, c.users["alice"])
    r = client.patch("/api/v1/me", data="first_name=Mallory", headers=h,
                     content_type="application/x-www-form-urlencoded")
    assert "application/json" in _problem(r, 415)
    r = client.post("/api/v1/auth/login", data="username=1&password=2",
                    content_type="text/plain")
    _problem(r, 415)
    assert client.get("/api/v1/me", headers=h).get_json()["first_name"] == "Alice"
