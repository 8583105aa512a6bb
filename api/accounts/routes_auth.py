"""Login, refresh, logout, "me", sessions and password change."""
from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..core.apidoc import PUBLIC
from ..core.auth import current, login_required, read_along
from ..core.clock import now
from ..core.jsonbody import json_response
from ..core.ports import ports
from ..core.request_db import db_reads, db_session
from . import passwords, services
from .schemas import (LoginSchema, MeSchema, MeUpdateSchema, PasswordChangeSchema,
                      RefreshSchema, SessionSchema, TokenSchema)

auth_blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth",
                     description="Log in, keep the session alive, log out")
me_blp = Blueprint("me", __name__, url_prefix="/api/v1/me",
                   description="The logged-in user: profile, sessions and password")
ME = MeSchema()  # dumps every `GET /me` by hand (`HandDumped`)


def _settings():
    return current_app.config["SETTINGS"]


def _token_body(pair: services.TokenPair) -> dict:
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token,
            "expires_in": pair.expires_in, "session_id": pair.session_id,
            "password_expired": pair.password_expired, "user": pair.user}


@auth_blp.route("/login")
class Login(MethodView):
    @auth_blp.doc(**PUBLIC)
    @auth_blp.arguments(LoginSchema)
    @auth_blp.response(200, TokenSchema)
    def post(self, body):
        """Log in with the mobile number and password.

        Returns a short-lived access token and a long-lived refresh token. An unknown number
        fails exactly like a wrong password. Rate-limited per number and per client address.
        """
        pair = services.login(db_session(), _settings(), body["username"], body["password"],
                              ip=request.remote_addr, user_agent=request.user_agent.string)
        return _token_body(pair)


@auth_blp.route("/refresh")
class Refresh(MethodView):
    @auth_blp.doc(**PUBLIC)
    @auth_blp.arguments(RefreshSchema)
    @auth_blp.response(200, TokenSchema)
    def post(self, body):
        """Trade a refresh token for a new pair (rotation).

        Each refresh token works once; presenting a used one again revokes the whole session.
        """
        return _token_body(services.refresh(db_session(), _settings(), body["refresh_token"]))


@auth_blp.route("/logout")
class Logout(MethodView):
    @login_required(allow_expired_password=True)
    @auth_blp.response(204)
    def post(self):
        """Log out this session (its refresh token and push devices stop working)."""
        p = current()
        services.logout(db_session(), p.user, p.session_id)


def _unread_along(tenant_id: int, user_id: int):
    """The unread voicemail count, read with the login check (one statement)."""
    return ports(db_reads()).voicemail_unread_read(tenant_id, user_id)


def _me(principal, user=None):
    """The user for MeSchema: the read-only profile the login check read, unless given;
    the unread count the login check read along, unless the request changed things."""
    user = user or principal.profile
    rows = read_along() if user is principal.profile else None
    if rows is None:
        db = db_reads()
        user.voicemail_unread = ports(db).voicemail_unread(db, principal.tenant_id,
                                                           principal.user_id)
    else:
        user.voicemail_unread = rows[0][0] if rows else 0
    user.password_expired = passwords.is_expired(principal.password_policy,
                                                 principal.password_changed_at, now())
    return user


@me_blp.route("")
class Me(MethodView):
    @login_required(allow_expired_password=True, along=_unread_along)
    @me_blp.response(200, MeSchema)
    def get(self):
        """Who I am: profile, role, permissions and settings."""
        return json_response(ME.dump_one(_me(current())))

    @login_required()
    @me_blp.arguments(MeUpdateSchema)
    @me_blp.response(200, MeSchema)
    def patch(self, body):
        """Change my own name, e-mail, title, language or default transfer method."""
        p = current()
        if "default_transfer_method" in body:  # a setting, kept with the others
            p.user.settings = {**(p.user.settings or {}),
                               "default_transfer_method": body.pop("default_transfer_method")}
        user = p.user
        for key, value in body.items():
            setattr(user, key, value)
        db_session().commit()
        return _me(p, user)


@me_blp.route("/sessions")
class Sessions(MethodView):
    @login_required()
    @me_blp.response(200, SessionSchema(many=True))
    def get(self):
        """My logged-in devices (sessions)."""
        p = current()
        rows = services.active_sessions(db_session(), p.user)
        return [dict(id=s.id, created_at=s.created_at, last_used_at=s.last_used_at,
                     user_agent=s.user_agent, ip=s.ip, current=s.id == p.session_id)
                for s in rows]


@me_blp.route("/sessions/<int:session_id>")
class SessionById(MethodView):
    @login_required()
    @me_blp.response(204)
    def delete(self, session_id):
        """Log out one of my sessions (for example a lost phone)."""
        p = current()
        services.end_session(db_session(), p.user, session_id)


@me_blp.route("/password")
class Password(MethodView):
    @login_required(allow_expired_password=True)
    @me_blp.arguments(PasswordChangeSchema)
    @me_blp.response(204)
    def put(self, body):
        """Change my password; every other session is logged out at once."""
        p = current()
        services.change_password(db_session(), p.user, p.session_id, body["current_password"],
                                 body["new_password"])
