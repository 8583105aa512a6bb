"""Message waiting (RFC 3842) on desk phones and softphones: when a user's unread count
changes, every phone registered at the SIP edge for one of the user's devices gets a
`NOTIFY` with `Event: message-summary` (`Messages-Waiting: yes/no`, `Voice-Message:
new/old`), so its lamp follows the app.

The phones' registrations live in the edge (Kamailio's location service): the lamp asks
the edge, over its control socket (`kamcmd`), for the contacts of each device
(`ul.lookup`) and has it send the NOTIFY to each (`tm.t_uac_start`, a stateful request of
the edge's own: retransmitted, from the address the phone registered with). A phone that
subscribed to its message summary at the edge (`deploy/kamailio/kamailio.cfg`, route MWI:
200 and the counts at once) is told inside that subscription's dialog, whose identifiers
the edge keeps in its htable `mwi`; any other contact gets an unsolicited NOTIFY, as desk
phones take them for voicemail. `SIP_EDGE_CTL` names the socket (empty: no lamps).
"""
from __future__ import annotations

import logging
import re
import secrets
import subprocess
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_CONTACT = re.compile(r"^\s*Address:\s*(sip:[^\s;>]+)", re.M)
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
_VALUE = re.compile(r"^\s*value:\s*(\S+)\s*$", re.M)


@dataclass(frozen=True, slots=True)
class Lamp:
    """What one user's phones are told: the devices they register as and the counts."""

    usernames: tuple[str, ...]
    new: int
    old: int


def lamp(db: Session, tenant_id: int, user_id: int) -> Lamp:
    """The user's registering devices and their own mailbox's unheard and heard counts."""
    from ..availability.models import Device
    from .models import VoicemailMessage

    names = tuple(db.scalars(select(Device.sip_username).where(
        Device.tenant_id == tenant_id, Device.user_id == user_id,
        Device.sip_username.isnot(None)).order_by(Device.id)))
    total, new = db.execute(
        select(func.count(), func.count().filter(VoicemailMessage.heard_at.is_(None)))
        .where(VoicemailMessage.tenant_id == tenant_id, VoicemailMessage.user_id == user_id)
    ).one()
    return Lamp(names, new or 0, (total or 0) - (new or 0))


@dataclass(frozen=True, slots=True)
class Subscription:
    """A phone's message-summary subscription as the edge keeps it (its htable `mwi`)."""

    call_id: str
    from_tag: str   # the phone's
    to_tag: str     # the edge's
    contact: str
    cseq: int       # of the last NOTIFY sent in it
    until: int      # Unix time it expires
    edge: str       # the edge's contact in the dialog

    @classmethod
    def parse(cls, value: str) -> "Subscription | None":
        parts = value.split("|")
        if len(parts) != 7 or not parts[4].isdigit() or not parts[5].isdigit():
            return None
        return cls(*parts[:4], int(parts[4]), int(parts[5]), parts[6])


def summary(account: str, new: int, old: int) -> str:
    """The `application/simple-message-summary` body (RFC 3842)."""
    return (f"Messages-Waiting: {'yes' if new else 'no'}\r\n"
            f"Message-Account: {account}\r\n"
            f"Voice-Message: {new}/{old}\r\n")


class Lamps:
    """Sends the NOTIFYs through the edge at `ctl` (`unix:/path`); `realm` is the domain of
    the devices' addresses of record."""

    def __init__(self, ctl: str, realm: str, kamcmd: str = "kamcmd") -> None:
        self.ctl, self.realm, self.kamcmd = ctl, realm, kamcmd

    def _rpc(self, *args: str) -> str:
        out = subprocess.run([self.kamcmd, "-s", self.ctl, *args], capture_output=True,
                             text=True, timeout=5)
        return out.stdout

    def contacts(self, username: str) -> list[str]:
        return _CONTACT.findall(self._rpc("ul.lookup", "location", username))

    def subscription(self, username: str, now: float) -> Subscription | None:
        """The device's live message-summary subscription at the edge, if any."""
        found = _VALUE.search(self._rpc("htable.get", "mwi", username))
        sub = Subscription.parse(found.group(1)) if found else None
        return sub if sub is not None and sub.until > now else None

    def light(self, state: Lamp) -> int:
        """Tell every registered or subscribed phone of the user; how many NOTIFYs went
        out. Never raises (a lamp is not worth a failed request): problems are logged."""
        sent = 0
        for name in state.usernames:
            if not _USERNAME.match(name):
                continue
            account = f"sip:{name}@{self.realm}"
            body = summary(account, state.new, state.old)
            try:
                sub = self.subscription(name, time.time())
                if sub is not None:
                    self._in_dialog(name, account, sub, body)
                    sent += 1
                for contact in self.contacts(name):
                    if sub is None or contact != sub.contact:
                        self._rpc("tm.t_uac_start", "NOTIFY", contact, ".", ".",
                                  self._headers(account), body)
                        sent += 1
            except (OSError, subprocess.SubprocessError) as exc:
                log.warning("message waiting not sent", extra={
                    "event": "mwi_failed", "device": name, "error": type(exc).__name__})
        return sent

    def _in_dialog(self, name: str, account: str, sub: Subscription, body: str) -> None:
        """Ask the edge to notify the subscription in its dialog (it keeps the dialog's
        CSeq; its RPC would not keep the From tag the dialog needs): a NOTIFY to the edge
        itself, with the secret only its control socket gives."""
        found = _VALUE.search(self._rpc("htable.get", "mwikey", "secret"))
        if not found:
            raise OSError("the edge has no message-waiting key")
        self._rpc("tm.t_uac_start", "NOTIFY", sub.edge.replace("sip:", "sip:mwi@", 1), ".",
                  ".", (f"From: <sip:voicemail@{self.realm}>;tag={secrets.token_hex(8)}\r\n"
                        f"To: <{account}>\r\n"
                        f"X-PBX-MWI-Key: {found.group(1)}\r\n"
                        "Event: message-summary\r\n"
                        "Content-Type: application/simple-message-summary\r\n"), body)

    def _headers(self, account: str) -> str:
        return (f"From: <sip:voicemail@{self.realm}>;tag={secrets.token_hex(8)}\r\n"
                f"To: <{account}>\r\n"
                f"Contact: <sip:voicemail@{self.realm}>\r\n"
                "Event: message-summary\r\n"
                "Subscription-State: terminated;reason=noresource\r\n"
                "Content-Type: application/simple-message-summary\r\n")
