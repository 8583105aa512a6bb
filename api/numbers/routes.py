"""The company's numbers, its number series and the free numbers in them (administrators)."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts import permissions as perms
from ..core.auth import current, login_required
from ..core.db import get_scoped
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from . import services
from .models import NumberSeries
from .schemas import (FreeNumberQueryArgsSchema, FreeNumberSchema, NumberSeriesSchema,
                      RegistryNumberQueryArgsSchema, RegistryNumberSchema)

numbers_blp = Blueprint("numbers", __name__, url_prefix="/api/v1/numbers",
                        description="Every number the company owns and what it leads to")


@numbers_blp.route("")
class Numbers(MethodView):
    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.arguments(RegistryNumberQueryArgsSchema, location="query")
    @numbers_blp.response(200, RegistryNumberSchema(many=True))
    @numbers_blp.paginate()
    def get(self, args, pagination_parameters):
        """The company's numbers: office, mobile, short, main, queue and service numbers, each
        with what it leads to (kind, and the owner's id and name)."""
        db = db_session()
        tenant_id = current().tenant_id
        page = paginate_select(db, services.numbers_query(tenant_id, args.get("kind")),
                               pagination_parameters)
        return services.describe(db, tenant_id, page)


@numbers_blp.route("/free")
class FreeNumbers(MethodView):
    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.arguments(FreeNumberQueryArgsSchema, location="query")
    @numbers_blp.response(200, FreeNumberSchema(many=True))
    def get(self, args):
        """Free numbers of the company's number series, lowest first (none without a series)."""
        return services.free_numbers(db_session(), current().tenant_id, args.get("series_id"),
                                     args["limit"])


@numbers_blp.route("/series")
class Series(MethodView):
    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.response(200, NumberSeriesSchema(many=True))
    def get(self):
        """The company's number series."""
        return services.list_series(db_session(), current().tenant_id)

    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.arguments(NumberSeriesSchema)
    @numbers_blp.response(201, NumberSeriesSchema)
    def post(self, body):
        """Add a range of numbers the company owns. A public range may not overlap numbers or
        series of another company; numbers in it can then be taken by this company only."""
        db = db_session()
        row = services.create_series(db, current().tenant, body)
        db.commit()
        return row


@numbers_blp.route("/series/<int:series_id>")
class SeriesById(MethodView):
    @login_required(perms.MANAGE_NUMBERS)
    @numbers_blp.response(204)
    def delete(self, series_id):
        """Remove a number series (the numbers in use keep their owners)."""
        db = db_session()
        db.delete(get_scoped(db, NumberSeries, series_id, current().tenant_id, "number series"))
        db.commit()
