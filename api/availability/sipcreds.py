"""SIP credentials of softphones, desk phones and app devices: what the SIP edge authenticates them with.

The edge (Kamailio's auth_db) reads the view `sip_subscribers` over the devices; only the
HA1 hash (MD5 of "username:realm:password", RFC 2617) is stored, the password is shown once.
"""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from i18n import N_

from ..core.errors import field_error
from .models import Device

SIP_KINDS = ("softphone", "deskphone", "app")


def ha1(username: str, realm: str, password: str) -> str:
    return hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()


def issue(db: Session, device: Device, realm: str, registrar: str) -> dict:
    """Give the device a new password (its user name stays) and return the credentials once.

    Any earlier password stops working at once: the edge reads the hash on every request.
    """
    if device.kind not in SIP_KINDS:
        raise field_error("kind", N_("a {kind} device does not register over SIP"),
                          kind=device.kind)
    if device.id is None:
        db.flush()
    username = device.sip_username or f"dev{device.id}"
    password = secrets.token_urlsafe(18)
    device.sip_username = username
    device.sip_ha1 = ha1(username, realm, password)
    db.commit()
    return {"username": username, "password": password, "realm": realm,
            "registrar": registrar, "aor": f"sip:{username}@{realm}"}


def first_issue(db: Session, device: Device, realm: str, registrar: str) -> Device:
    """A softphone or desk phone without credentials gets them; they travel with the device
    in this one answer (`sip_credentials`)."""
    if device.kind in SIP_KINDS and device.sip_ha1 is None:
        device.sip_credentials = issue(db, device, realm, registrar)
    return device
