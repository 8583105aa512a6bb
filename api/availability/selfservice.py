"""A user's own shortcuts: switch a device or its MEX on and off (where the administrator
lets them), and show one number on outgoing calls in one call."""
from __future__ import annotations

from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant
from ..core.errors import Forbidden, field_error
from ..core.phone import normalise_field
from .models import Device
from .numbers import NOT_DISPLAYABLE, allowed_display_numbers
from .services import ensure_standard, own, touch, user_profiles

SWITCHES = ("enabled", "mex")


def switch_device(db: Session, tenant_id: int, user_id: int, device_id: int,
                  data: dict) -> Device:
    """Turn one of my devices (or its MEX) on or off; refused where the administrator
    keeps the device's switches to themselves."""
    row = own(db, Device, device_id, tenant_id, user_id, "device")
    if not row.user_may_switch:
        raise Forbidden(N_("Your administrator manages this device's switches"),
                        extra={"device_id": row.id})
    if "mex" in data and row.kind != "mobile":
        raise field_error("mex", N_("MEX (mobile extension) is a mobile's switch"))
    for key in SWITCHES:
        if key in data:
            setattr(row, key, data[key])
    touch(db, user_id)
    db.commit()
    return row


def switch_display_number(db: Session, tenant: Tenant, user_id: int, number: str | None,
                          devices: list[str]) -> dict:
    """Show `number` on outgoing calls from `devices`, whatever profile is in force (every
    profile of mine); None goes back to the default (the office number)."""
    if number is not None:
        number = normalise_field("number", number, tenant.country)
        allowed = {n["number"] for n in allowed_display_numbers(db, tenant, user_id)}
        if number not in allowed:
            raise field_error("number", NOT_DISPLAYABLE, number=number)
    ensure_standard(db, tenant.id, user_id)
    rows = user_profiles(db, tenant.id, user_id)
    for profile in rows:
        shown = dict(profile.display_numbers or {})
        for kind in devices:
            if number is None:
                shown.pop(kind, None)
            else:
                shown[kind] = number
        profile.display_numbers = shown
    touch(db, user_id)
    db.commit()
    return {"number": number, "devices": devices, "profiles": len(rows)}
