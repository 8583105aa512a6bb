"""What runs around every API request, as one before/after pair.

The checks and bookkeeping each live with their concern (request ids and the access log in
`request_logs`, the JSON body in `jsonbody`, NUL characters in `problems`, undocumented
query parameters in `queryparams`); here they run in one hook each way, and only where they
can find something: a GET without a query or a body skips every check.
"""
from __future__ import annotations

from flask import Flask, request

from .jsonbody import BODY_METHODS, check_json_body
from .problems import refuse_nul_characters
from .queryparams import unknown_query_parameters_check
from .request_logs import access_logger, start_request


def install(app: Flask, api) -> None:
    refuse_unknown_query_parameters = unknown_query_parameters_check(api)

    @app.before_request
    def _before_request():
        start_request()
        if request.method in BODY_METHODS:
            check_json_body()
        has_query = bool(request.args)
        if has_query or request.is_json:
            refuse_nul_characters()
        if has_query:
            refuse_unknown_query_parameters()

    app.after_request(access_logger(app))
