"""Walk every endpoint with a second company's token and the first company's ids."""
from __future__ import annotations

import importlib
import json
import pkgutil
import re

import tests.support as support
from tests.support.api import auth, make_company

METHODS = ("GET", "PUT", "PATCH", "POST", "DELETE")


def _providers():
    for info in pkgutil.iter_modules(support.__path__):
        if info.name.startswith("isolation_"):
            yield importlib.import_module(f"tests.support.{info.name}").provide


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        if "/docs/" in rule.rule:  # the docs page's public files, named by file, not by id
            continue
        if rule.rule.startswith("/api/v1/") and rule.arguments:
            yield rule


def test_every_id_from_another_company_is_answered_as_not_found(app, client):
    a = make_company(app, name="Alpha Marker AS")
    b = make_company(app, name="Beta AS")
    ha, hb = auth(client, a.admin_mobile), auth(client, b.admin_mobile)
    ids, bodies = {}, {}
    for provide in _providers():
        got = provide(client, ha, a)
        ids.update(got["ids"])
        bodies.update(got.get("bodies", {}))

    walked = 0
    for rule in _id_routes(app):
        missing = [arg for arg in rule.arguments if arg not in ids]
        assert not missing, f"no isolation provider gives {missing} for {rule.rule}"
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(\w+:)?{arg}>", str(ids[arg]), path)
        for method in sorted(rule.methods & set(METHODS)):
            body = bodies.get((method, rule.rule), {})
            r = client.open(path, method=method, headers=hb, json=body)
            assert r.status_code == 404, f"{method} {path} answered {r.status_code}: {r.data!r}"
            assert r.content_type == "application/problem+json"
            walked += 1
    assert walked > 0

    # the first company's resources are still there and unchanged
    for rule in _id_routes(app):
        if "GET" not in rule.methods or "session_id" in rule.arguments:
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = re.sub(rf"<(\w+:)?{arg}>", str(ids[arg]), path)
        r = client.get(path, headers=ha)
        assert r.status_code == 200, f"GET {path} for its own company gave {r.status_code}"
        assert b"Hacked" not in r.get_data()  # some answers are pictures, not text


def test_lists_never_show_another_companys_rows(app, client):
    a = make_company(app, name="Alpha Marker AS")
    b = make_company(app, name="Beta AS")
    ha, hb = auth(client, a.admin_mobile), auth(client, b.admin_mobile)
    for provide in _providers():
        provide(client, ha, a)
    markers = [a.admin_mobile, "Alpha Marker", *a.users.values()]
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.arguments or "GET" not in rule.methods:
            continue
        if rule.rule.endswith(("openapi.json", "/docs")) or "/docs/" in rule.rule:
            continue
        if rule.rule == "/api/v1/me/events":  # a stream that never ends: its scoping is
            continue                          # proven in test_live_events.py
        r = client.get(rule.rule, headers=hb)
        text = json.dumps(r.get_json()) if r.is_json else r.get_data(as_text=True)
        for marker in markers:
            assert marker not in text, f"GET {rule.rule} leaks {marker!r} to another company"
