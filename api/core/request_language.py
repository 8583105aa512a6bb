"""The language of the text an API request answers with (Flask side).

A signed-in user's chosen language, else their company's; a request without a user
(login, the password reset page) goes by its `Accept-Language` header, else English.
"""
from __future__ import annotations

from flask import g, has_request_context, request

from i18n import from_accept_language, user_language


def request_language() -> str:
    if not has_request_context():
        return "en"
    principal = g.get("principal")
    if principal is None:
        return from_accept_language(request.headers.get("Accept-Language"))
    own = getattr(principal.profile, "language", None)
    if own:
        return user_language(own)
    tenant = principal.tenant
    return user_language(None, request.headers.get("Accept-Language") and
                         from_accept_language(request.headers.get("Accept-Language")),
                         tenant.language if tenant is not None else None)
