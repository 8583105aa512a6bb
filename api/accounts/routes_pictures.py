"""Profile pictures: a user sets their own, administrators anyone's; colleagues see them
(cached by the app: ETag and Cache-Control)."""
from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from ..audit.recorder import record
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from . import permissions as perms, pictures
from .models import User

pictures_blp = Blueprint("pictures", __name__, url_prefix="/api/v1",
                         description="Profile pictures")

CACHE = "private, max-age=86400, must-revalidate"


UPLOAD = {"requestBody": {"required": True, "description": (
    "The picture itself as the body: JPEG, PNG, WebP or GIF up to 5 MB, known by its content "
    "(the Content-Type is not trusted); stored as a JPEG of at most 512 pixels a side, "
    "without its metadata"), "content": {"image/*": {"schema": {"type": "string",
                                                                 "format": "binary"}}}}}


def _body() -> bytes:
    return request.get_data(cache=False)


def _served(row) -> Response:
    etag = f'"{row.etag}"'
    if etag in request.headers.get("If-None-Match", "").replace("W/", "").split(", "):
        response = Response(status=304)
    else:
        response = Response(row.data, mimetype="image/jpeg")
    response.headers.update({"ETag": etag, "Cache-Control": CACHE})
    response.last_modified = row.updated_at
    return response


def _info(row) -> dict:
    return {"etag": row.etag, "updated_at": row.updated_at.isoformat()}


def _colleague(user_id: int) -> User:
    return get_scoped(db_session(), User, user_id, current().tenant_id, "user")


@pictures_blp.route("/me/picture")
class MyPicture(MethodView):
    @login_required()
    @pictures_blp.doc(**UPLOAD)
    @pictures_blp.response(204)
    def put(self):
        """Set my profile picture."""
        pictures.save(db_session(), current().user, _body())

    @login_required()
    @pictures_blp.response(204)
    def delete(self):
        """Remove my profile picture."""
        pictures.delete(db_session(), current().user)


@pictures_blp.route("/users/<int:user_id>/picture")
class UserPicture(MethodView):
    @login_required()
    @pictures_blp.response(200, description="The picture (image/jpeg); 304 when the app's "
                                            "copy (If-None-Match) is current")
    def get(self, user_id):
        """A colleague's profile picture."""
        return _served(pictures.get(db_session(), _colleague(user_id)))

    @login_required(perms.MANAGE_USERS)
    @pictures_blp.doc(**UPLOAD)
    @pictures_blp.response(204)
    def put(self, user_id):
        """Set a user's profile picture (administrators)."""
        db, user = db_session(), _colleague(user_id)
        before = db.get(pictures.UserPicture, user.id)
        before = before and _info(before)
        row = pictures.save(db, user, _body())
        record(db, current(), "picture", "updated", user, before, _info(row))
        db.commit()

    @login_required(perms.MANAGE_USERS)
    @pictures_blp.response(204)
    def delete(self, user_id):
        """Remove a user's profile picture (administrators)."""
        db, user = db_session(), _colleague(user_id)
        before = _info(pictures.get(db, user))
        record(db, current(), "picture", "deleted", user, before, None)
        pictures.delete(db, user)
