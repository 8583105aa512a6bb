"""The language an API request is answered in (Flask side).

A signed-in user's chosen language, else the app's `Accept-Language` (the phone's), else
their company's; a request without a user (login, the password reset page) goes by its
`Accept-Language` header, else English.
"""
from __future__ import annotations

from flask import g, has_request_context, request

from i18n import best_accepted, from_accept_language, normalise, user_language


def request_language() -> str:
    if not has_request_context():
        return "en"
    header = request.headers.get("Accept-Language")
    principal = g.get("principal")
    if principal is None:
        return from_accept_language(header)
    own = getattr(principal.profile, "language", None)
    if normalise(own):
        return user_language(own)
    tenant = principal.tenant
    return user_language(None, best_accepted(header),
                         tenant.language if tenant is not None else None)
