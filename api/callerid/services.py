"""Use cases of who's calling, and the functions the SIP gateway and the push service call.

For other processes: `lookup`, `call_context`, `record_call`, `record_queue_event` and
`user_settings` take a SQLAlchemy session and plain values; each write commits.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from i18n import N_

from ..core.errors import Phrase, field_error
from ..core.outbound import Refused
from ..core.ports import ports
from . import contacts, index, sources
from .calllog import last_spoke_to, record_call, record_queue_event  # noqa: F401 (re-exported)
from .lookup import DEFAULT_DEADLINE_S, lookup, parse_number  # noqa: F401 (re-exported)
from .models import DirectoryNumber, ExternalSource

SETTINGS_DEFAULTS = {"push_calls": True, "number_lookup": True}


# -- per-user settings --------------------------------------------------------------------

def user_settings(user) -> dict:
    """"Push for calls" and "number lookup", on unless the user turned them off."""
    saved = user.settings or {}
    return {k: bool(saved.get(k, default)) for k, default in SETTINGS_DEFAULTS.items()}


def update_settings(db: Session, user, data: dict) -> dict:
    user.settings = {**(user.settings or {}), **{k: bool(v) for k, v in data.items()
                                                 if k in SETTINGS_DEFAULTS}}
    db.commit()
    return user_settings(user)


# -- the call's context, for the push and the gateway ---------------------------------------

def call_context(db: Session, tenant_id: int, user_id: int, caller_number: str | None,
                 via_queue_id: int | None = None, transferred_by_user_id: int | None = None,
                 is_callback: bool = False, deadline_s: float = DEFAULT_DEADLINE_S,
                 country: str | None = None) -> dict:
    """Everything the phone shows before it rings.

    {"number", "hit" (lookup answer as a dict, or None: unknown), "via_queue" ({id, name} or
    None), "transferred_by" ({user_id, name} or None), "is_callback", "last_spoke_to"
    ({user_id, name, at} or None)}. The hit honours the user's "number lookup" setting.
    `country`: the company's, when the caller knows it already.
    """
    from ..accounts.models import Tenant, User
    country = country or db.scalar(select(Tenant.country).where(Tenant.id == tenant_id)) or "NO"
    e164, _short = parse_number(caller_number, country)
    hit = lookup(db, tenant_id, user_id, caller_number, deadline_s)
    via_queue = None
    if via_queue_id is not None:
        found = ports(db).queue_target(db, tenant_id, via_queue_id) or {}
        via_queue = {"id": via_queue_id, "name": found.get("name")}
    transferred_by = None
    if transferred_by_user_id is not None:
        by = db.scalar(select(User).where(User.id == transferred_by_user_id,
                                          User.tenant_id == tenant_id))
        if by is not None:
            transferred_by = {"user_id": by.id, "name": by.full_name}
    return {"number": e164 or caller_number, "hit": hit.as_dict() if hit else None,
            "via_queue": via_queue, "transferred_by": transferred_by,
            "is_callback": bool(is_callback), "last_spoke_to": last_spoke_to(db, tenant_id, e164)}


# -- external sources ---------------------------------------------------------------------

SAMPLE_NUMBER = "+4722000000"  # fills the template to check where it points

def _check_config(kind: str, config: dict) -> dict:
    if kind not in sources.kinds():
        raise field_error("kind", N_("must be one of {choices}"),
                          choices=", ".join(sources.kinds()))
    if kind != "http_json":
        return config
    url = config.get("url_template") or ""
    if not url.startswith(("http://", "https://")) or not any(
            p in url for p in ("{e164}", "{digits}", "{national}")):
        raise field_error("config", N_("url_template must be an http(s) URL with {e164}, "
                                       "{digits} or {national}"),
                          e164="{e164}", digits="{digits}", national="{national}")
    probe = sources.fill_template(url, SAMPLE_NUMBER)
    try:
        sources.guard().check_url(probe)
    except Refused as exc:
        raise field_error("config", N_("url_template: {reason}"), reason=Phrase(exc.reason))
    return config


def create_source(db: Session, tenant_id: int, data: dict) -> ExternalSource:
    config = _check_config(data["kind"], data.get("config") or {})
    row = ExternalSource(tenant_id=tenant_id, name=data["name"], kind=data["kind"],
                         position=data.get("position", 0), enabled=data.get("enabled", True),
                         config=config)
    db.add(row)
    db.commit()
    return row


def update_source(db: Session, row: ExternalSource, data: dict) -> ExternalSource:
    if "config" in data:
        data["config"] = _check_config(row.kind, data["config"] or {})
    for key in ("name", "position", "enabled", "config"):
        if key in data:
            setattr(row, key, data[key])
    if row.kind == "register" and "position" in data:
        db.execute(update(DirectoryNumber).where(
            DirectoryNumber.tenant_id == row.tenant_id, DirectoryNumber.kind == "external",
            DirectoryNumber.owner_id == row.id).values(rank=index.EXTERNAL_RANK + row.position))
    db.commit()
    return row


def delete_source(db: Session, row: ExternalSource) -> None:
    index.index_register(db, row.tenant_id, row.id, row.position, [])
    db.delete(row)
    db.commit()


def load_register(db: Session, tenant, row: ExternalSource, fmt: str, text: str) -> dict:
    """Replace a register's entries with the file's (name, organisation, address, numbers)."""
    if row.kind != "register":
        raise field_error("kind", N_("only a register source holds entries"))
    if fmt == "vcard":
        raise field_error("format", N_("a register is loaded from csv or json"))
    entries, skipped = [], []
    for line, rec in contacts.read_records(fmt, text, None):
        numbers, bad = contacts.clean_record_numbers(rec, tenant.country)
        if not rec.get("name") or not numbers:
            skipped.append({"line": line, "reason": "no name" if not rec.get("name")
                            else "no valid number"})
            continue
        entries.append({"name": rec["name"], "company": rec.get("company"),
                        "address": (rec.get("address") or None) and rec["address"][:200],
                        "numbers": [n["number"] for n in numbers]})
    loaded = index.index_register(db, tenant.id, row.id, row.position, entries)
    row.entry_count = len(entries)
    db.commit()
    return {"created": len(entries), "numbers": loaded, "skipped": skipped[:1000]}
