"""Password reset from the app: ask for a code, then set the password with it."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.schemas import TokenSchema
from ..core.apidoc import PUBLIC
from ..core.request_db import db_session
from ..sms.outbox import Outbox
from . import services
from .schemas import (PasswordResetAcceptedSchema, PasswordResetConfirmSchema,
                      PasswordResetRequestSchema)

blp = Blueprint("password_reset", __name__, url_prefix="/api/v1/auth/password-reset",
                description="Forgotten password and first login: a one-time code by SMS "
                            "(or e-mail), then a new password")

ACCEPTED = {"status": "accepted",
            "detail": "If this number is registered, a code is on its way by SMS or e-mail"}


@blp.route("")
class PasswordResetRequest(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(PasswordResetRequestSchema)
    @blp.response(202, PasswordResetAcceptedSchema)
    def post(self, body):
        """"New password" (also the first login): send a one-time code to the user.

        The code goes by SMS from the company's service number, or by e-mail when the mobile
        cannot be reached. It works once, for 15 minutes; asking again replaces it. The answer
        is the same whether or not the number is registered.
        """
        outbox = Outbox()
        services.request_by_app(db_session(), services.context(current_app), body["username"],
                                request.remote_addr, outbox)
        outbox.after_response()
        return ACCEPTED


@blp.route("/confirm")
class PasswordResetConfirm(MethodView):
    @blp.doc(**PUBLIC)
    @blp.arguments(PasswordResetConfirmSchema)
    @blp.response(200, TokenSchema)
    def post(self, body):
        """Set a new password with the code; every session ends and a fresh login is returned.

        The company's password policy applies. After 5 wrong codes the code stops working.
        """
        pair = services.confirm_with_code(db_session(), services.context(current_app),
                                          body["username"], body["code"], body["new_password"],
                                          ip=request.remote_addr,
                                          user_agent=request.user_agent.string)
        return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
                "expires_in": pair.expires_in, "session_id": pair.session_id,
                "password_expired": pair.password_expired, "user": pair.user}
