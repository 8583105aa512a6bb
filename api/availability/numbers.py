"""Use cases for devices (administrators), the company's main numbers and display numbers."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant, User
from ..core.errors import Conflict, field_error
from ..core.phone import normalise_field
from . import sipcreds
from .models import Device, MainNumber
from .services import touch

NOT_DISPLAYABLE = N_("{number} is not a number you may display")


# -- main numbers --------------------------------------------------------------------------

def main_number_set(db: Session, tenant_id: int) -> set[str]:
    return set(db.scalars(select(MainNumber.number).where(MainNumber.tenant_id == tenant_id)))


def list_main_numbers(db: Session, tenant_id: int) -> list[MainNumber]:
    return list(db.scalars(select(MainNumber).where(MainNumber.tenant_id == tenant_id)
                           .order_by(MainNumber.label, MainNumber.id)))


def save_main_number(db: Session, tenant: Tenant, row: MainNumber | None,
                     data: dict[str, Any]) -> MainNumber:
    if "number" in data:
        data["number"] = normalise_field("number", data["number"], tenant.country)
        if data["number"] is None:
            raise field_error("number", N_("is required"))
    if data.get("user_id") is not None and db.scalar(select(User.id).where(
            User.id == data["user_id"], User.tenant_id == tenant.id)) is None:
        raise field_error("user_id", N_("no such user in this company"))
    if row is None:
        row = MainNumber(tenant_id=tenant.id)
        db.add(row)
    for key, value in data.items():
        setattr(row, key, value)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Conflict(N_("{number} is already one of the company's main numbers"),
                       extra={"field": "number"}, values={"number": data.get("number")})
    return row


def main_number_target(db: Session, tenant_id: int, target_id) -> dict | None:
    """The `main_number_target` port: a main number as a favourite or target."""
    try:
        number_id = int(target_id)
    except (TypeError, ValueError):
        return None
    if not 0 < number_id < 2**31:
        return None
    row = db.scalar(select(MainNumber).where(MainNumber.id == number_id,
                                             MainNumber.tenant_id == tenant_id))
    return None if row is None else {"name": row.label, "number": row.number}


def allowed_display_numbers(db: Session, tenant: Tenant, user_id: int) -> list[dict]:
    """Numbers the user may show on outgoing calls: office, the main numbers, the mobile."""
    user = db.scalar(select(User).where(User.id == user_id, User.tenant_id == tenant.id))
    out = []
    if user is not None and user.office_number:
        out.append({"number": user.office_number, "kind": "office", "label": "Office number"})
    for row in list_main_numbers(db, tenant.id):
        if row.displayable:
            out.append({"number": row.number, "kind": "main", "label": row.label})
    if user is not None:
        out.append({"number": user.mobile, "kind": "mobile", "label": "Mobile"})
    return out


# -- devices -------------------------------------------------------------------------------

def list_devices(db: Session, tenant_id: int, user_id: int) -> list[Device]:
    return list(db.scalars(select(Device).where(Device.tenant_id == tenant_id,
                                                Device.user_id == user_id).order_by(Device.id)))


def save_device(db: Session, tenant: Tenant, user_id: int, row: Device | None,
                data: dict[str, Any]) -> Device:
    """Create or change a device: softphone/desk phone need a SIP address, a mobile a number."""
    if "number" in data:
        data["number"] = normalise_field("number", data["number"], tenant.country)
    if row is None:
        if data.get("kind") == "mobile" and not data.get("number"):
            data["number"] = db.scalar(select(User.mobile).where(User.id == user_id))
        row = Device(tenant_id=tenant.id, user_id=user_id)
        db.add(row)
    for key, value in data.items():
        setattr(row, key, value)
    if row.kind == "mobile" and not row.number:
        raise field_error("number", N_("a mobile device needs its number"))
    if row.kind != "mobile" and not row.sip_uri:
        raise field_error("sip_uri", N_("a {kind} needs its SIP address"), kind=row.kind)
    if row.kind not in sipcreds.SIP_KINDS:
        row.sip_username = row.sip_ha1 = None  # a mobile does not register
    touch(db, user_id)
    db.commit()
    return row
