"""Request bodies: one strict JSON parser for the whole app, and bodies the API documents.

Every JSON body goes through `StrictJSONProvider.loads` before any view runs: nesting deeper
than MAX_DEPTH, integers longer than MAX_INT_DIGITS and text that is not valid Unicode (lone
surrogates such as "\\ud800", which no database can store) are a 400 problem naming the
rule. An operation whose OpenAPI document requires a JSON body answers 415 to another media
type and 400 to an empty body, instead of treating it as "change nothing".

Responses write every date and time as ISO 8601 with its offset (a naive one is UTC, as the
database keeps it), also inside free-form objects that no schema formats, never in Flask's
default HTTP-date style ("Mon, 07 Dec 2026 12:00:00 GMT").
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

import orjson
from flask import Flask, Request, Response, current_app, request
from flask.json.provider import DefaultJSONProvider

from i18n import N_

from .errors import AppError, Phrase, UnsupportedMediaType, ValidationFailed

MAX_DEPTH = 64
MAX_INT_DIGITS = 4300
BODY_METHODS = ("POST", "PUT", "PATCH")


TOO_DEEP = N_("JSON may be nested at most {n} levels deep")
SURROGATE = N_("text must be valid Unicode (a lone surrogate such as \\ud800 is not)")


class JSONLimitExceeded(ValueError):
    """A syntactically valid document the API refuses to hold."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JSONLimitExceeded(N_("integers may have at most {n} digits").format(n=MAX_INT_DIGITS))
    return int(text)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_document(value: Any) -> None:
    """Walk a parsed document without recursion: depth and Unicode limits."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                raise JSONLimitExceeded(TOO_DEEP.format(n=MAX_DEPTH))
            if isinstance(item, dict):
                for key, child in item.items():
                    if _has_surrogate(key):
                        raise JSONLimitExceeded(SURROGATE)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and _has_surrogate(item):
            raise JSONLimitExceeded(SURROGATE)


def _iso_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return DefaultJSONProvider.default(value)


# what Flask's provider writes in a response (compact, keys sorted, naive times in UTC),
# written by orjson; anything orjson cannot write (integers past 64 bits, named tuples)
# goes through the standard library as before
_COMPACT = {"separators": (",", ":")}
_ORJSON = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_NAIVE_UTC


def _orjson_body(obj: Any) -> bytes | None:
    """A response body as orjson writes it; None for what only the standard library can."""
    try:
        return orjson.dumps(obj, default=_iso_default, option=_ORJSON)
    except orjson.JSONEncodeError:
        return None


class StrictJSONProvider(DefaultJSONProvider):
    default = staticmethod(_iso_default)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs == _COMPACT:  # a response body
            body = _orjson_body(obj)
            if body is not None:
                return body.decode()
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if isinstance(s, bytes):
            try:
                s = s.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise JSONLimitExceeded(N_("the body is not UTF-8 ({reason})").format(
                    reason=exc.reason)) from None
        try:
            value = json.loads(s, parse_int=_parse_int, **kwargs)
        except RecursionError:
            raise JSONLimitExceeded(TOO_DEEP.format(n=MAX_DEPTH)) \
                from None
        check_document(value)
        return value


def json_response(obj: Any) -> Response:
    """What `jsonify(obj)` answers (the same body, status 200 and headers), built directly
    from orjson's bytes: for the hottest views, which return it past flask-smorest's
    response wrapper (their schema still documents the response)."""
    body = _orjson_body(obj)
    if body is None:
        return Response(current_app.json.dumps(obj, **_COMPACT) + "\n",
                        mimetype="application/json")
    return Response(body + b"\n", mimetype="application/json")


class BodyLimitExceeded(AppError):
    status = 400
    title = N_("Bad request")
    type_slug = "invalid-body"


class StrictRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, JSONLimitExceeded):
            raise BodyLimitExceeded(N_("The JSON body was refused: {reason}"),
                                    values={"reason": Phrase(str(e))})
        raise ValidationFailed(N_("Invalid JSON body"), {"json": ["Invalid JSON body."]})


def _requires_json_body() -> bool:
    """Does the OpenAPI document of the view being called require a JSON request body?"""
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else view
    params = getattr(method, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(p.get("in") == "json" and p.get("required") for p in params)


def install(app: Flask) -> None:
    """One strict JSON parser and request class for every endpoint (the body check itself,
    `check_json_body`, runs in `api.core.request_hooks`)."""
    app.json_provider_class = StrictJSONProvider
    app.json = StrictJSONProvider(app)
    app.request_class = StrictRequest


def check_json_body() -> None:
    """A request that may carry a body (POST, PUT, PATCH): its JSON parsed and checked up
    front; a body the operation requires is there and is JSON."""
    has_body = bool(request.get_data(cache=True)) if request.is_json else \
        bool(request.content_length or request.headers.get("Transfer-Encoding"))
    if has_body and request.is_json:
        request.get_json()  # cached for the view; refusals raise the problems above
    elif _requires_json_body():
        if has_body or (request.mimetype and not request.is_json):
            if request.mimetype:
                raise UnsupportedMediaType(
                    N_("{method} {path} takes an application/json body, not {type}"),
                    values={"method": request.method, "path": request.path,
                            "type": request.mimetype})
            raise UnsupportedMediaType(
                N_("{method} {path} takes an application/json body; the request names no "
                   "media type"),
                values={"method": request.method, "path": request.path})
        raise AppError(N_("{method} {path} needs a JSON body"),
                       values={"method": request.method, "path": request.path})
