"""Templates and recipient groups: the company's (kept by administrators) and each user's own.

Both kinds of row share the rules: a user sees the company's and their own, changes their
own, and changes the company's only with `manage_tenant`; another user's own or another
company's row is answered as missing.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant
from ..accounts.permissions import MANAGE_TENANT
from ..core.errors import Forbidden
from ..core.not_found import not_found
from . import recipients
from .models import MessageTemplate, RecipientGroup

COMPANY, PERSONAL = "company", "personal"
WHAT = {MessageTemplate: "template", RecipientGroup: "recipient group"}
COMPANY_ONLY = {
    "template": N_("Only administrators ({permission}) change the company's templates; "
                   "make it personal instead"),
    "recipient group": N_("Only administrators ({permission}) change the company's "
                          "recipient groups; make it personal instead")}


def visible(model, tenant_id: int, user_id: int):
    return (select(model).where(model.tenant_id == tenant_id,
                                or_(model.owner_user_id.is_(None),
                                    model.owner_user_id == user_id))
            .order_by(model.owner_user_id.is_not(None), model.name, model.id))


def get(db: Session, model, tenant_id: int, user_id: int, row_id: int):
    row = db.scalar(visible(model, tenant_id, user_id).where(model.id == row_id))
    if row is None:
        raise not_found(WHAT[model], row_id)
    return row


def _may_change(principal: Any, owner_user_id: int | None, model) -> None:
    if owner_user_id is None and not principal.can(MANAGE_TENANT):
        raise Forbidden(COMPANY_ONLY[WHAT[model]], extra={"permission": MANAGE_TENANT},
                        values={"permission": MANAGE_TENANT})


def _apply(db: Session, tenant: Tenant, row, data: dict) -> None:
    if "members" in data:
        data["members"] = recipients.check_members(db, tenant, row.owner_user_id,
                                                   data["members"])
    for key, value in data.items():
        setattr(row, key, value)


def create(db: Session, model, tenant: Tenant, principal: Any, data: dict):
    scope = data.pop("scope", PERSONAL)
    owner = None if scope == COMPANY else principal.user_id
    _may_change(principal, owner, model)
    row = model(tenant_id=tenant.id, owner_user_id=owner)
    _apply(db, tenant, row, data)
    db.add(row)
    db.commit()
    return row


def update(db: Session, model, tenant: Tenant, principal: Any, row_id: int, data: dict):
    row = get(db, model, tenant.id, principal.user_id, row_id)
    _may_change(principal, row.owner_user_id, model)
    data.pop("scope", None)  # a row keeps its owner
    _apply(db, tenant, row, data)
    db.commit()
    return row


def delete(db: Session, model, tenant_id: int, principal: Any, row_id: int) -> None:
    row = get(db, model, tenant_id, principal.user_id, row_id)
    _may_change(principal, row.owner_user_id, model)
    db.delete(row)
    db.commit()
