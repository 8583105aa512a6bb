"""Transfers in three taps: the transfer screen, the transfer of a live call, its state."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..accounts.permissions import MANAGE_TENANT
from ..core.auth import current, login_required
from ..core.request_db import db_session
from ..core.pagination import paginate_select
from ..core.schemas import IdempotencyHeadersSchema
from . import services
from .schemas import (TargetsQueryArgsSchema, TransferCreateSchema,
                      TransferPolicySchema, TransferSchema, TransferTargetsSchema)
from .targets import screen

transfer_blp = Blueprint("transfer", __name__, url_prefix="/api/v1",
                         description="Transfer a call: with return, blind or attended")


@transfer_blp.route("/me/transfer-targets")
class TransferTargets(MethodView):
    @login_required()
    @transfer_blp.arguments(TargetsQueryArgsSchema, location="query")
    @transfer_blp.response(200, TransferTargetsSchema)
    def get(self, args):
        """The whole transfer screen: my calls in progress, my favourites first (with availability and in-a-call),
        then directory matches for `q`, then my queues (calls waiting, members logged in).
        Each entry carries the body to POST to transfer the call to it."""
        p = current()
        return screen(db_session(), p.tenant_id, p.user_id, args["q"], args["limit"],
                      services.default_method(p.user))


@transfer_blp.route("/me/calls/<int:call_id>/transfer")
class TransferCall(MethodView):
    @login_required()
    @transfer_blp.arguments(IdempotencyHeadersSchema, location="headers")
    @transfer_blp.arguments(TransferCreateSchema)
    @transfer_blp.response(202, TransferSchema)
    def post(self, headers, body, call_id):
        """Transfer one of my answered calls to a colleague, queue, main number or external
        number. The method defaults to my `default_transfer_method`; `timeout_s` to the
        company's. The gateway holding the call executes it; repeating the request with the
        same Idempotency-Key returns the same transfer."""
        p = current()
        return services.start(db_session(), p.tenant, p.user, call_id, body,
                              headers.get("idempotency_key"))


@transfer_blp.route("/me/transfers")
class MyTransfers(MethodView):
    @login_required()
    @transfer_blp.response(200, TransferSchema(many=True))
    @transfer_blp.paginate()
    def get(self, pagination_parameters):
        """My transfers, newest first: to whom, the method and how each ended."""
        p = current()
        return paginate_select(db_session(), services.my_transfers(p.tenant_id, p.user_id),
                               pagination_parameters)


@transfer_blp.route("/me/transfers/<int:transfer_id>")
class TransferById(MethodView):
    @login_required()
    @transfer_blp.response(200, TransferSchema)
    def get(self, transfer_id):
        """One of my transfers and its state: requested, ringing, consulting (attended, the
        target answered), completed, returned, cancelled or failed, with the reason."""
        p = current()
        return services.get(db_session(), p.tenant_id, p.user_id, transfer_id)


@transfer_blp.route("/me/transfers/<int:transfer_id>/complete")
class CompleteTransfer(MethodView):
    @login_required()
    @transfer_blp.response(202, TransferSchema)
    def post(self, transfer_id):
        """Attended transfer: connect the caller to the target I am talking to and leave."""
        p = current()
        return services.finish(db_session(), p.tenant_id, p.user_id, transfer_id, "complete")


@transfer_blp.route("/me/transfers/<int:transfer_id>/cancel")
class CancelTransfer(MethodView):
    @login_required()
    @transfer_blp.response(202, TransferSchema)
    def post(self, transfer_id):
        """Take the caller back: the target stops ringing (or is hung up) and I am connected
        to the caller again."""
        p = current()
        return services.finish(db_session(), p.tenant_id, p.user_id, transfer_id, "cancel")


@transfer_blp.route("/transfer-policy")
class Policy(MethodView):
    @login_required()
    @transfer_blp.response(200, TransferPolicySchema)
    def get(self):
        """The company's transfer policy: how long a transfer rings before it comes back."""
        return services.policy(db_session(), current().tenant_id)

    @login_required(MANAGE_TENANT)
    @transfer_blp.arguments(TransferPolicySchema)
    @transfer_blp.response(200, TransferPolicySchema)
    def put(self, body):
        """Set the company's default transfer timeout (administrators)."""
        return services.set_policy(db_session(), current().tenant_id, body)
