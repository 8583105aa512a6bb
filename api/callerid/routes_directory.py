"""The company directory, shared contacts, external sources, caller lookup and the queue log."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from ..accounts import permissions as perms
from ..core.auth import current, login_required, read_along
from ..core.db import get_scoped
from ..core.request_db import db_reads, db_session
from ..core.pagination import paginate_select
from ..core.queryparams import query_arguments
from . import calllog, contacts, directory, lookup, services
from .models import ExternalSource
from .schemas import (ContactQueryArgsSchema, ContactSchema,
                      ContactUpdateSchema, DirectoryEntrySchema, DirectoryQueryArgsSchema,
                      ImportResultSchema, ImportSchema, LookupQueryArgsSchema,
                      LookupResultSchema, QueueLogEntrySchema, QueueLogQueryArgsSchema,
                      SourceSchema, SourceUpdateSchema, plain_lookup_query)

directory_blp = Blueprint("directory", __name__, url_prefix="/api/v1/directory",
                          description="Colleagues and shared company contacts; external sources")
callerid_blp = Blueprint("callerid", __name__, url_prefix="/api/v1/callerid",
                         description="Who is calling: number lookup and the queue log")


@directory_blp.route("")
class Directory(MethodView):
    @login_required()
    @directory_blp.arguments(DirectoryQueryArgsSchema, location="query")
    @directory_blp.response(200, DirectoryEntrySchema(many=True))
    @directory_blp.paginate()
    def get(self, args, pagination_parameters):
        """Search colleagues and company contacts by name, title, department, tag or any part
        of a number. Colleagues carry their live availability and whether they are in a call."""
        return directory.search(db_session(), current().tenant_id, args.get("q"),
                                args.get("kind"), pagination_parameters)


@directory_blp.route("/contacts")
class Contacts(MethodView):
    @login_required()
    @directory_blp.arguments(ContactQueryArgsSchema, location="query")
    @directory_blp.response(200, ContactSchema(many=True))
    @directory_blp.paginate()
    def get(self, args, pagination_parameters):
        """The shared company contacts (everyone may read them)."""
        stmt = contacts.search_contacts(current().tenant_id, None, args.get("q"))
        return paginate_select(db_session(), stmt, pagination_parameters)

    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.arguments(ContactSchema)
    @directory_blp.response(201, ContactSchema)
    def post(self, body):
        """Add a shared company contact; its numbers are stored in E.164."""
        return contacts.create_contact(db_session(), current().tenant, body)


@directory_blp.route("/contacts/<int:contact_id>")
class ContactById(MethodView):
    @login_required()
    @directory_blp.response(200, ContactSchema)
    def get(self, contact_id):
        """One company contact."""
        return contacts.get_contact(db_session(), current().tenant_id, contact_id, None)

    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.arguments(ContactUpdateSchema)
    @directory_blp.response(200, ContactSchema)
    def patch(self, body, contact_id):
        """Change a company contact."""
        db, p = db_session(), current()
        return contacts.update_contact(db, p.tenant,
                                       contacts.get_contact(db, p.tenant_id, contact_id, None),
                                       body)

    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.response(204)
    def delete(self, contact_id):
        """Delete a company contact."""
        db = db_session()
        contacts.delete_contact(db, contacts.get_contact(db, current().tenant_id, contact_id,
                                                         None))


@directory_blp.route("/contacts/import")
class ContactImport(MethodView):
    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.arguments(ImportSchema)
    @directory_blp.response(200, ImportResultSchema)
    def post(self, body):
        """Import company contacts from CSV (header line; name, company, title, department,
        email, tags, and number columns such as mobile, office, phone) or vCard. Records
        without a name or a valid number are skipped and listed."""
        return contacts.import_contacts(db_session(), current().tenant, body["format"],
                                        body["data"], None)


@directory_blp.route("/sources")
class Sources(MethodView):
    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.response(200, SourceSchema(many=True))
    def get(self):
        """The external directories, in order of trust."""
        return db_session().scalars(select(ExternalSource).where(
            ExternalSource.tenant_id == current().tenant_id)
            .order_by(ExternalSource.position, ExternalSource.id)).all()

    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.arguments(SourceSchema)
    @directory_blp.response(201, SourceSchema)
    def post(self, body):
        """Add an external directory: `register` (load its entries with PUT .../entries) or
        `http_json` (config: url_template with {e164}/{digits}/{national}, mapping of hit
        fields to dotted JSON paths, ttl_s, timeout_s, headers)."""
        return services.create_source(db_session(), current().tenant_id, body)


@directory_blp.route("/sources/<int:source_id>")
class SourceById(MethodView):
    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.response(200, SourceSchema)
    def get(self, source_id):
        """One external directory."""
        return get_scoped(db_session(), ExternalSource, source_id, current().tenant_id,
                          "source")

    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.arguments(SourceUpdateSchema)
    @directory_blp.response(200, SourceSchema)
    def patch(self, body, source_id):
        """Rename, reorder, enable/disable or reconfigure an external directory."""
        db = db_session()
        row = get_scoped(db, ExternalSource, source_id, current().tenant_id, "source")
        return services.update_source(db, row, body)

    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.response(204)
    def delete(self, source_id):
        """Remove an external directory and its entries."""
        db = db_session()
        services.delete_source(db, get_scoped(db, ExternalSource, source_id,
                                              current().tenant_id, "source"))


@directory_blp.route("/sources/<int:source_id>/entries")
class SourceEntries(MethodView):
    @login_required(perms.MANAGE_DIRECTORY)
    @directory_blp.arguments(ImportSchema)
    @directory_blp.response(200, ImportResultSchema)
    def put(self, body, source_id):
        """Replace a register's entries from CSV or JSON (name, organisation, address,
        numbers), for example a national business registry export."""
        db, p = db_session(), current()
        row = get_scoped(db, ExternalSource, source_id, p.tenant_id, "source")
        return services.load_register(db, p.tenant, row, body["format"], body["data"])


@callerid_blp.route("/lookup")
class Lookup(MethodView):
    @login_required(along=lambda tenant_id, user_id: lookup.first_read(
        tenant_id, user_id, request.args.get("number")))
    @query_arguments(callerid_blp, LookupQueryArgsSchema(), plain_lookup_query)
    @callerid_blp.response(200, LookupResultSchema)
    def get(self, args):
        """Who is this number? Company directory first, then my contacts, then external
        sources; numbers match whatever format they were stored in; short numbers resolve to
        colleagues. Unknown numbers answer `found: false`."""
        db, p = db_reads(), current()  # two reads: no ORM Session
        enabled = services.user_settings(p.profile)["number_lookup"]  # read by the login check
        hit = services.lookup(db, p.tenant_id, p.user_id, args["number"],
                              read=read_along(lookup.NOT_READ))
        e164, _short = services.parse_number(args["number"], p.tenant_country)
        return {"number": args["number"], "e164": e164, "found": hit is not None,
                "lookup_enabled": enabled, "hit": hit.as_dict() if hit else None}


@callerid_blp.route("/queue-log")
class QueueLog(MethodView):
    @login_required()
    @callerid_blp.arguments(QueueLogQueryArgsSchema, location="query")
    @callerid_blp.response(200, QueueLogEntrySchema(many=True))
    @callerid_blp.paginate()
    def get(self, args, pagination_parameters):
        """The queue log, newest first: answered, abandoned, transferred, timed out, callback
        requested. Supervisors see every queue; other members the calls they took."""
        return paginate_select(db_session(), calllog.queue_log(current(), args),
                               pagination_parameters)
