"""My contacts, favourites, call log, the phone's call directory and my who's-calling settings."""
from __future__ import annotations

from flask import Response, current_app, request, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from ..core.auth import current, login_required
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from . import calldirectory, calllog, contacts, favourites, services
from .schemas import (CallDirectoryQueryArgsSchema, CallDirectorySchema, CallLogEntrySchema,
                      CallLogQueryArgsSchema, CallLogUpdateSchema, ContactQueryArgsSchema,
                      ContactSchema, ContactUpdateSchema, FavouriteCreateSchema,
                      FavouriteOrderSchema, FavouriteSchema, FavouriteUpdateSchema,
                      ImportResultSchema, ImportSchema, SettingsSchema)

me_blp = Blueprint("callerid_me", __name__, url_prefix="/api/v1/me",
                   description="My contacts, favourites, call log, call directory and "
                               "who's-calling settings")


@me_blp.route("/contacts")
class MyContacts(MethodView):
    @login_required()
    @me_blp.arguments(ContactQueryArgsSchema, location="query")
    @me_blp.response(200, ContactSchema(many=True))
    @me_blp.paginate()
    def get(self, args, pagination_parameters):
        """My personal contacts (only I see them)."""
        p = current()
        return paginate_select(db_session(), contacts.search_contacts(
            p.tenant_id, p.user_id, args.get("q")), pagination_parameters)

    @login_required()
    @me_blp.arguments(ContactSchema)
    @me_blp.response(201, ContactSchema)
    def post(self, body):
        """Add a personal contact."""
        p = current()
        return contacts.create_contact(db_session(), p.tenant, body, p.user_id)


@me_blp.route("/contacts/<int:personal_contact_id>")
class MyContactById(MethodView):
    @login_required()
    @me_blp.response(200, ContactSchema)
    def get(self, personal_contact_id):
        """One of my personal contacts."""
        p = current()
        return contacts.get_contact(db_session(), p.tenant_id, personal_contact_id, p.user_id)

    @login_required()
    @me_blp.arguments(ContactUpdateSchema)
    @me_blp.response(200, ContactSchema)
    def patch(self, body, personal_contact_id):
        """Change one of my personal contacts."""
        db, p = db_session(), current()
        contact = contacts.get_contact(db, p.tenant_id, personal_contact_id, p.user_id)
        return contacts.update_contact(db, p.tenant, contact, body)

    @login_required()
    @me_blp.response(204)
    def delete(self, personal_contact_id):
        """Delete one of my personal contacts."""
        db, p = db_session(), current()
        contacts.delete_contact(db, contacts.get_contact(db, p.tenant_id, personal_contact_id,
                                                         p.user_id))


@me_blp.route("/contacts/import")
class MyContactImport(MethodView):
    @login_required()
    @me_blp.arguments(ImportSchema)
    @me_blp.response(200, ImportResultSchema)
    def post(self, body):
        """Import personal contacts from CSV or vCard (for example the phone's address book)."""
        p = current()
        return contacts.import_contacts(db_session(), p.tenant, body["format"], body["data"],
                                        p.user_id)


@me_blp.route("/favourites")
class Favourites(MethodView):
    @login_required()
    @me_blp.response(200, FavouriteSchema(many=True))
    def get(self):
        """My favourites in my order, each with live availability where it has one (they come
        first on the transfer screen)."""
        p = current()
        return favourites.list_favourites(db_session(), p.tenant_id, p.user_id)

    @login_required()
    @me_blp.arguments(FavouriteCreateSchema)
    @me_blp.response(201, FavouriteSchema)
    def post(self, body):
        """Add a favourite at the end: a colleague (target_id = user id), a contact, an
        external number, a queue or a main number. A target that does not exist is 404."""
        p = current()
        return favourites.add(db_session(), p.tenant, p.user_id, body)

    @login_required()
    @me_blp.arguments(FavouriteOrderSchema)
    @me_blp.response(200, FavouriteSchema(many=True))
    def put(self, body):
        """Reorder my favourites: `ids` lists every favourite once, in the new order."""
        p = current()
        return favourites.reorder(db_session(), p.tenant_id, p.user_id, body["ids"])


@me_blp.route("/favourites/<int:favourite_id>")
class FavouriteById(MethodView):
    @login_required()
    @me_blp.arguments(FavouriteUpdateSchema)
    @me_blp.response(200, FavouriteSchema)
    def patch(self, body, favourite_id):
        """Give a favourite my own label."""
        p = current()
        return favourites.rename(db_session(), p.tenant_id, p.user_id, favourite_id,
                                 body["label"])

    @login_required()
    @me_blp.response(204)
    def delete(self, favourite_id):
        """Remove a favourite."""
        p = current()
        favourites.remove(db_session(), p.tenant_id, p.user_id, favourite_id)


@me_blp.route("/call-log")
class CallLog(MethodView):
    @login_required()
    @me_blp.arguments(CallLogQueryArgsSchema, location="query")
    @me_blp.response(200, CallLogEntrySchema(many=True))
    @me_blp.paginate()
    def get(self, args, pagination_parameters):
        """My calls, newest first, each with who called as it was looked up then; filter
        missed calls (`missed=true`), handled or not, direction, and dates (since/until)."""
        p = current()
        db = db_session()
        return calllog.with_transfers(db, p.tenant_id, p.user_id, paginate_select(
            db, calllog.personal_log(p.tenant_id, p.user_id, args), pagination_parameters))


@me_blp.route("/call-log/<int:entry_id>")
class CallLogEntry(MethodView):
    @login_required()
    @me_blp.arguments(CallLogUpdateSchema)
    @me_blp.response(200, CallLogEntrySchema)
    def patch(self, body, entry_id):
        """Mark a (missed) call handled, or not handled again."""
        p = current()
        db = db_session()
        entry = calllog.mark_handled(db, p.tenant_id, p.user_id, entry_id, body["handled"])
        return calllog.with_transfers(db, p.tenant_id, p.user_id, [entry])[0]


@me_blp.route("/call-directory")
class CallDirectory(MethodView):
    @login_required()
    @me_blp.arguments(CallDirectoryQueryArgsSchema, location="query")
    @me_blp.response(200, CallDirectorySchema)
    @me_blp.alt_response(304, description="Not modified (If-None-Match matched the ETag)")
    def get(self, args):
        """Numbers for the phone's own caller ID (iOS Call Directory, Android overlay): unique
        numbers as 64-bit integers without "+", ascending, with a label. Without `since` (or
        0): everything (`full: true`); with the `version` the phone holds: the additions and
        removals since. Streamed; ETag / If-None-Match. Empty when number lookup is off."""
        db, p = db_session(), current()
        enabled = services.user_settings(p.user)["number_lookup"]
        at = calldirectory.version(db, p.tenant_id, p.user_id) if enabled else 0
        since = args.get("since") or 0
        full = not enabled or since == 0 or since > at
        tag = f"cd-{p.user_id}-{at}-{0 if full else since}"
        etag = f'"{tag}"'
        if request.if_none_match.contains(tag):
            return Response(status=304, headers={"ETag": etag})
        if full:
            body = stream_with_context(calldirectory.stream_full(
                current_app.extensions["engine"], p.tenant_id, p.user_id, at, enabled))
            return Response(body, mimetype="application/json", headers={"ETag": etag})
        resp = current_app.json.response(calldirectory.changes_since(db, p.tenant_id, p.user_id,
                                                                     since, at))
        resp.headers["ETag"] = etag
        return resp


@me_blp.route("/settings")
class Settings(MethodView):
    @login_required()
    @me_blp.response(200, SettingsSchema)
    def get(self):
        """My who's-calling settings: push notifications for calls, and number lookup."""
        return services.user_settings(current().user)

    @login_required()
    @me_blp.arguments(SettingsSchema)
    @me_blp.response(200, SettingsSchema)
    def patch(self, body):
        """Turn push for calls and number lookup on or off, separately."""
        return services.update_settings(db_session(), current().user, body)
