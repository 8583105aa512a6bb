"""The app as a softphone: one "app" device per installed app (per push token), registering
at the SIP edge with its own credentials and the RFC 8599 push parameters of its token in
its Contact, so a call for it while it sleeps wakes it by that push.

The device rings like a softphone (the plan treats both alike). It is reached at its address
of record on the edge; with no registration there it is not skipped: the who's-calling push
wakes the app, the edge holds the INVITE until the app registers (`deploy/kamailio`).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from i18n import N_

from ..core.errors import field_error
from ..core.not_found import not_found
from ..pushdevices.models import PushDevice
from . import sipcreds
from .models import Device
from .services import touch

APP = "app"
PROVIDERS = {"ios": "apns", "android": "fcm"}   # RFC 8599 pn-provider per platform
CALL_TOKENS = {"ios": "voip", "android": "fcm"}  # the token that can wake the app for a call


@dataclass(frozen=True)
class PushParams:
    provider: str
    prid: str
    param: str

    def as_dict(self) -> dict:
        return {"pn-provider": self.provider, "pn-prid": self.prid, "pn-param": self.param}

    def contact_params(self) -> str:
        """What the app appends to its Contact URI."""
        return f";pn-provider={self.provider};pn-prid={self.prid};pn-param={self.param}"


def push_params(push: PushDevice, apns_team_id: str | None, fcm_project_id: str | None
                ) -> PushParams:
    """RFC 8599 parameters of a push token: APNs `<team id>.<topic>`, FCM the project id."""
    if push.platform == "ios":
        topic = f"{push.app_id}.voip"
        param = f"{apns_team_id}.{topic}" if apns_team_id else topic
    else:
        param = fcm_project_id or push.app_id
    return PushParams(PROVIDERS[push.platform], push.token, param)


def contact_push_params(contact: str) -> dict[str, str]:
    """The pn-* parameters of a registered Contact URI (`sip:u@h:p;pn-prid=...`), if any."""
    uri = contact.strip().strip("<>").split(">", 1)[0]
    out = {}
    for part in uri.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower().startswith("pn-"):
            out[key.strip().lower()] = unquote(value.strip())
    return out


def app_address(username: str, registrar: str) -> str:
    """Its address of record on the edge: sip:<user name>@<the registrar's host and port>."""
    host = registrar.split(":", 1)[1] if registrar.startswith("sip:") else registrar
    return f"sip:{username}@{host.split(';', 1)[0]}"


def provision(db: Session, tenant_id: int, user_id: int, push_device_id: int, label: str,
              realm: str, registrar: str) -> Device:
    """The app device of my push token, with new SIP credentials (shown once).

    The token must be mine and one that can wake the app for a call (an iPhone's VoIP token,
    an Android FCM token). Asking again for the same token gives the same device a new
    password (the app reinstalled or lost it).
    """
    push = db.scalar(select(PushDevice).where(PushDevice.id == push_device_id,
                                              PushDevice.tenant_id == tenant_id,
                                              PushDevice.user_id == user_id))
    if push is None:
        raise not_found("device", push_device_id)
    if push.token_kind != CALL_TOKENS[push.platform]:
        raise field_error("push_device_id", N_(
            "a {token_kind} token cannot wake the app for a call: register the VoIP "
            "(iPhone) or FCM (Android) token"), token_kind=push.token_kind)
    row = db.scalar(select(Device).where(Device.tenant_id == tenant_id,
                                         Device.push_device_id == push.id))
    if row is None:
        row = Device(tenant_id=tenant_id, user_id=user_id, kind=APP, push_device_id=push.id,
                     label=label or _default_label(push), enabled=True, mex=False)
        db.add(row)
        db.flush()
        row.sip_username = f"dev{row.id}"
    elif label:
        row.label = label
    row.sip_uri = app_address(row.sip_username, registrar)
    touch(db, user_id)
    row.sip_credentials = sipcreds.issue(db, row, realm, registrar)
    row.push_device = push
    return row


def push_devices_going(db: Session, push_device_ids) -> None:
    """Push tokens are being removed (logout, deleted, pruned as dead, taken by a colleague):
    their app devices go with them, and their users' cached routing inputs are stale at once
    (the gateway must not dial a device that is gone)."""
    ids = list(push_device_ids)
    if not ids:
        return
    users = set(db.scalars(select(Device.user_id).where(Device.push_device_id.in_(ids))))
    if not users:
        return
    db.execute(delete(Device).where(Device.push_device_id.in_(ids)))
    for user_id in users:
        touch(db, user_id)


def _default_label(push: PushDevice) -> str:
    return "App (iPhone)" if push.platform == "ios" else "App (Android)"
