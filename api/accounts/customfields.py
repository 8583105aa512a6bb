"""Company-defined user fields with types (text, number, date, choice): their definitions,
and the values on users checked against them."""
from __future__ import annotations

import math
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from i18n import N_

from ..core.errors import Conflict, FieldsInvalid, field_error
from .models import CustomField, User

TYPES = ("text", "number", "date", "choice")
TEXT_MAX = 500


def definitions(db: Session, tenant_id: int) -> list[CustomField]:
    return list(db.scalars(select(CustomField).where(CustomField.tenant_id == tenant_id)
                           .order_by(CustomField.label, CustomField.id)))


def save(db: Session, tenant_id: int, row: CustomField | None, data: dict[str, Any]
         ) -> CustomField:
    """Define a field or change its label or choices (its key and type stay)."""
    if row is None:
        row = CustomField(tenant_id=tenant_id, key=data["key"], type=data["type"])
        db.add(row)
    elif {"key", "type"} & data.keys() and (data.get("key", row.key), data.get("type", row.type)) \
            != (row.key, row.type):
        raise Conflict(N_("A field's key and type cannot change: define a new field"))
    row.label = data.get("label", row.label)
    row.choices = data.get("choices", row.choices) or []
    if row.type == "choice" and not row.choices:
        raise field_error("choices", N_("a choice field needs its choices"))
    if row.type != "choice" and row.choices:
        raise field_error("choices", N_("a {type} field has no choices"), type=row.type)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise Conflict(N_("A field with the key {key} exists"), extra={"field": "key"},
                       values={"key": repr(row.key)})
    return row


def delete(db: Session, row: CustomField) -> None:
    """Remove the field and every user's value of it."""
    for user in db.scalars(select(User).where(User.tenant_id == row.tenant_id)):
        if row.key in (user.custom_fields or {}):
            user.custom_fields = {k: v for k, v in user.custom_fields.items() if k != row.key}
    db.delete(row)
    db.commit()


def checked(db: Session, tenant_id: int, current: dict | None, given: dict[str, Any]
            ) -> dict[str, Any]:
    """The user's values with `given` applied (null removes one), each checked against the
    company's definition; an unknown field or a wrong value is a 422 naming it."""
    fields = {f.key: f for f in definitions(db, tenant_id)}
    values = dict(current or {})
    errors: dict[str, list[str]] = {}
    for key, value in given.items():
        field = fields.get(key)
        if field is None:
            errors[key] = [N_("the company has no such field")]
        elif value is None:
            values.pop(key, None)
        else:
            problem, value = _check(field, value)
            if problem:
                errors[key] = [problem]
            else:
                values[key] = value
    if errors:
        raise FieldsInvalid({"custom_fields": errors})
    return values


def _check(field: CustomField, value: Any) -> tuple[str | None, Any]:
    if field.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value):
            return N_("must be a number"), None
        return None, value
    if not isinstance(value, str):
        return (N_("must be a date (YYYY-MM-DD)") if field.type == "date"
                else N_("must be text")), None
    if field.type == "date":
        try:
            return None, date.fromisoformat(value).isoformat()
        except ValueError:
            return N_("must be a date (YYYY-MM-DD)"), None
    if field.type == "choice":
        return (None, value) if value in field.choices else \
            (N_("must be one of {choices}").format(choices=", ".join(field.choices)), None)
    value = value.strip()
    return (None, value) if len(value) <= TEXT_MAX else (N_("at most {n} characters").format(n=TEXT_MAX), None)
