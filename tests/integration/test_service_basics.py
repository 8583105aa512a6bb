"""Health, readiness, problem JSON for every error, and no 500 without a request id."""
from __future__ import annotations

import logging

from flask import Blueprint


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}


def test_unknown_route_and_wrong_method_are_problem_json(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.content_type == "application/problem+json"
    assert r.get_json()["detail"] == "No resource at /api/v1/nothing-here"
    r = client.delete("/api/v1/auth/login")
    assert r.status_code == 405 and "POST" in r.headers["Allow"]


def test_validation_errors_carry_per_field_messages(client):
    r = client.post("/api/v1/auth/login", json={"username": ""})
    body = r.get_json()
    assert r.status_code == 422
    assert set(body["errors"]) == {"username", "password"}


def test_malformed_json_is_a_422_not_a_500(client):
    r = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert r.status_code == 422 and r.content_type == "application/problem+json"


def test_unexpected_exception_is_logged_and_answered_with_its_request_id(settings, caplog):
    from bootstrap import stop_web_api, web_api
    app = web_api(settings)
    bp = Blueprint("boom", __name__)

    @bp.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.register_blueprint(bp)
    try:
        with caplog.at_level(logging.ERROR):
            r = app.test_client().get("/boom", headers={"X-Request-Id": "req-42"})
    finally:
        stop_web_api(app)
    assert r.status_code == 500 and r.content_type == "application/problem+json"
    assert r.get_json()["request_id"] == "req-42" and "req-42" in r.get_json()["detail"]
    assert any("kaboom" in (rec.exc_text or "") or rec.exc_info for rec in caplog.records)


def test_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/auth/login" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_the_openapi_document_gives_every_schema_its_own_name(settings):
    import warnings

    from bootstrap import stop_web_api, web_api
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = web_api(settings)
        spec = app.test_client().get("/api/v1/openapi.json").get_json()
    stop_web_api(app)
    clashes = [str(w.message) for w in caught if "resolved to the name" in str(w.message)]
    assert clashes == []
    assert "Availability" in spec["components"]["schemas"]
    from marshmallow import class_registry
    shared = {name: [c.__module__ for c in classes]
              for name, classes in class_registry._registry.items()
              if "." not in name and len({c.__module__ for c in classes
                                          if c.__module__.startswith("api.")}) > 1}
    assert shared == {}, "schema classes that would share an OpenAPI name"


def test_text_with_a_nul_character_is_refused_naming_the_field(app, client):
    from tests.support.api import auth, make_company
    c = make_company(app)
    h = auth(client, c.admin_mobile)
    r = client.post("/api/v1/users", headers=h, json={"mobile": "+4791555199",
                                                      "first_name": "Ka\u0000ri"})
    assert r.status_code == 422 and "first_name" in r.get_json()["errors"]
    r = client.get("/api/v1/users?q=a%00b", headers=h)
    assert r.status_code == 422 and "q" in r.get_json()["errors"]
