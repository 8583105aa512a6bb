"""Who a message goes to: numbers in any format, contacts, colleagues and recipient groups,
read in the company's country, checked against the company (a foreign id is refused like a
missing one) and reduced to one SMS per number."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import phonenumbers
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from i18n import N_

from ..accounts.models import Tenant, User
from ..callerid.models import Contact
from ..core.errors import FieldInvalid, ValidationFailed
from ..core.phone import InvalidNumber, to_e164
from .models import RecipientGroup

MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True)
class Recipient:
    number: str
    name: str | None
    kind: str  # number | contact | colleague


def _refuse(field: str, message: str, bad: list, **values) -> ValidationFailed:
    """A 422 on `field`; `message` names the wrong entries as {bad}."""
    return FieldInvalid(field, [message], {**values, "bad": ", ".join(str(b) for b in bad)})


def read_numbers(raw: Iterable[str], region: str, field: str = "numbers") -> list[str]:
    out, bad = [], []
    for text in raw:
        try:
            out.append(to_e164(text, region))
        except InvalidNumber:
            bad.append(repr(text))
    if bad:
        raise _refuse(field, N_("not valid phone numbers in {region}: {bad}"), bad, region=region)
    return out


def _contact_scope(owner_user_id: int | None):
    """Company contacts, plus the owner's own personal contacts for a personal group or a
    user's message; a company group holds company contacts only."""
    if owner_user_id is None:
        return Contact.owner_user_id.is_(None)
    return or_(Contact.owner_user_id.is_(None), Contact.owner_user_id == owner_user_id)


def mobile_of(numbers: list[dict]) -> str | None:
    """The contact's first number that can receive SMS (a mobile number)."""
    for entry in numbers or ():
        try:
            parsed = phonenumbers.parse(entry.get("number") or "")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.number_type(parsed) in MOBILE_TYPES:
            return entry["number"]
    return None


def contacts(db: Session, tenant_id: int, owner_user_id: int | None, ids: list[int],
             field: str = "contact_ids") -> list[Recipient]:
    rows = {c.id: c for c in db.scalars(select(Contact).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(set(ids)), _contact_scope(owner_user_id)))}
    missing = [i for i in dict.fromkeys(ids) if i not in rows]
    if missing:
        raise _refuse(field, N_("no such contacts: {bad}"), missing)
    out, mobileless = [], []
    for i in dict.fromkeys(ids):
        number = mobile_of(rows[i].numbers)
        if number is None:
            mobileless.append(rows[i].name)
        else:
            out.append(Recipient(number, rows[i].name, "contact"))
    if mobileless:
        raise _refuse(field, N_("these contacts have no mobile number: {bad}"), mobileless)
    return out


def colleagues(db: Session, tenant_id: int, ids: list[int], field: str = "user_ids"
               ) -> list[Recipient]:
    rows = {u.id: u for u in db.scalars(select(User).where(User.tenant_id == tenant_id,
                                                           User.id.in_(set(ids))))}
    missing = [i for i in dict.fromkeys(ids) if i not in rows]
    if missing:
        raise _refuse(field, N_("no such colleagues: {bad}"), missing)
    return [Recipient(rows[i].mobile, rows[i].full_name, "colleague") for i in dict.fromkeys(ids)]


def check_members(db: Session, tenant: Tenant, owner_user_id: int | None, members: dict
                  ) -> dict:
    """A group's members as stored: numbers in E.164, ids that exist in the company."""
    numbers = read_numbers(members.get("numbers") or [], tenant.country)
    contact_ids = list(dict.fromkeys(members.get("contact_ids") or []))
    user_ids = list(dict.fromkeys(members.get("user_ids") or []))
    contacts(db, tenant.id, owner_user_id, contact_ids)
    colleagues(db, tenant.id, user_ids)
    return {"numbers": list(dict.fromkeys(numbers)), "contact_ids": contact_ids,
            "user_ids": user_ids}


def _group_members(db: Session, tenant_id: int, group: RecipientGroup) -> list[Recipient]:
    """A group's members now: contacts or colleagues deleted since are left out."""
    m = group.members or {}
    found_contacts = db.scalars(select(Contact).where(
        Contact.tenant_id == tenant_id, Contact.id.in_(m.get("contact_ids") or []),
        _contact_scope(group.owner_user_id))).all()
    users = db.scalars(select(User).where(User.tenant_id == tenant_id,
                                          User.id.in_(m.get("user_ids") or []))).all()
    out = [Recipient(n, None, "number") for n in m.get("numbers") or []]
    for c in found_contacts:
        number = mobile_of(c.numbers)
        if number is None:
            raise _refuse("group_ids", N_("in the group {group}, this contact has no mobile "
                                          "number: {bad}"), [c.name], group=repr(group.name))
        out.append(Recipient(number, c.name, "contact"))
    out += [Recipient(u.mobile, u.full_name, "colleague") for u in users]
    return out


def groups(db: Session, tenant_id: int, user_id: int, ids: list[int]) -> list[Recipient]:
    rows = {g.id: g for g in db.scalars(select(RecipientGroup).where(
        RecipientGroup.tenant_id == tenant_id, RecipientGroup.id.in_(set(ids)),
        or_(RecipientGroup.owner_user_id.is_(None), RecipientGroup.owner_user_id == user_id)))}
    missing = [i for i in dict.fromkeys(ids) if i not in rows]
    if missing:
        raise _refuse("group_ids", N_("no such recipient groups: {bad}"), missing)
    return [r for i in dict.fromkeys(ids) for r in _group_members(db, tenant_id, rows[i])]


def resolve(db: Session, tenant: Tenant, user_id: int, data: dict) -> list[Recipient]:
    """Every recipient of a message once (the first mention of a number gives its name)."""
    found = [Recipient(n, None, "number")
             for n in read_numbers(data.get("numbers") or [], tenant.country)]
    found += contacts(db, tenant.id, user_id, data.get("contact_ids") or [])
    found += colleagues(db, tenant.id, data.get("user_ids") or [])
    found += groups(db, tenant.id, user_id, data.get("group_ids") or [])
    unique: dict[str, Recipient] = {}
    for r in found:
        known = unique.get(r.number)
        if known is None or (known.name is None and r.name):
            unique[r.number] = r
    return list(unique.values())
