"""A query parameter the OpenAPI document does not list for an operation is refused.

webargs drops unknown query parameters silently, so `?limt=5` would answer as if no limit had
been asked for. The document is the contract: each operation's query parameters are read
from it once, and a request naming another one gets a 400 problem naming it."""
from __future__ import annotations

import functools
import re
from typing import Any, Callable

from flask import request

from i18n import N_

from .errors import AppError

_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class UnknownQueryParameter(AppError):
    status = 400
    title = N_("Unknown query parameter")
    type_slug = "unknown-query-parameter"


def _documented(spec: dict) -> dict[tuple[str, str], frozenset[str]]:
    """(OpenAPI path, METHOD) -> the names of its query parameters."""
    shared = spec.get("components", {}).get("parameters", {})

    def resolve(p: dict) -> dict:
        ref = p.get("$ref", "")
        return shared.get(ref.rsplit("/", 1)[-1], {}) if ref else p

    known = {}
    for path, item in spec.get("paths", {}).items():
        common = [resolve(p) for p in item.get("parameters", [])]
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict):
                continue
            params = common + [resolve(p) for p in op.get("parameters", [])]
            known[(path, method.upper())] = frozenset(
                p["name"] for p in params if p.get("in") == "query")
    return known


def unknown_query_parameters_check(api) -> Callable[[], None]:
    """The check run before every request that has a query (`api.core.request_hooks`): a
    parameter the operation does not document is a 400 problem naming it."""
    table: dict[tuple[str, str], frozenset[str]] = {}

    def refuse_unknown():
        rule = request.url_rule
        if rule is None:
            return
        if not table:
            table.update(_documented(api.spec.to_dict()))
        method = "GET" if request.method == "HEAD" else request.method
        allowed = table.get((_CONVERTER.sub(r"{\1}", rule.rule), method))
        if allowed is None:  # not an API operation (health checks, the docs page)
            return
        unknown = sorted(set(request.args) - allowed)
        if unknown:
            listed = ", ".join(sorted(allowed)) or "none"
            raise UnknownQueryParameter(
                N_("unknown query parameter {names}; this operation takes: {listed}"),
                extra={"parameters": unknown},
                values={"names": ", ".join(map(repr, unknown)), "listed": listed})

    return refuse_unknown


def query_arguments(blp, schema, plain: Callable[[Any], dict | None]) -> Callable:
    """`blp.arguments(schema, location="query")` for the hottest reads, without webargs'
    per-request work when the query is plainly valid.

    `plain(request.args)` returns what the schema loads from such a query, or None when it
    cannot tell at a glance; then webargs parses as everywhere else, so a refusal is the
    same 422 problem naming the field. The OpenAPI document is flask-smorest's.
    """
    parser = blp.ARGUMENTS_PARSER

    def decorate(fn: Callable) -> Callable:
        documented = blp.arguments(schema, location="query")(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            loaded = plain(request.args)
            if loaded is None:
                loaded = parser.parse(schema, request, location="query")
            return fn(*args, loaded, **kwargs)

        wrapper._apidoc = documented._apidoc
        return wrapper

    return decorate
