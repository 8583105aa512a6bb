"""Wake-ups for the command channel: the API tells the gateway holding a call that a command
is waiting, so it claims at once instead of at its next poll.

A gateway registers a UDP address at start (`register`); `wake(db, gateway_id)` sends it one
small datagram after the command is committed. The datagram carries nothing but a fixed
marker: the command row in the database is what counts, so a lost datagram only delays the
command until the gateway's poll, and a forged one only makes the gateway look for work.
Works the same on SQLite and PostgreSQL, with any number of API workers and gateways.
"""
from __future__ import annotations

import logging
import socket

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ..core.clock import now
from .models import GatewayEndpoint

MESSAGE = b"claim"
log = logging.getLogger("api.calls")
_socks: dict[int, socket.socket] = {}   # per address family, made on first use


def register(db: Session, gateway_id: str, host: str, port: int) -> None:
    """Insert or update the gateway's address. The gateway's own heartbeat may insert the row
    between our read and our insert: the insert then loses, and the row is updated instead."""
    for attempt in (1, 2):
        row = db.get(GatewayEndpoint, gateway_id) or GatewayEndpoint(gateway_id=gateway_id)
        row.host, row.port = host, port
        row.started_at = row.seen_at = now()
        db.add(row)
        try:
            db.commit()
            return
        except IntegrityError:
            db.rollback()
            if attempt == 2:
                raise


def address(db: Session, gateway_id: str) -> tuple[str, int] | None:
    row = db.execute(select(GatewayEndpoint.host, GatewayEndpoint.port)
                     .where(GatewayEndpoint.gateway_id == gateway_id)).first()
    return (row[0], row[1]) if row else None


def wake(db: Session, gateway_id: str) -> bool:
    """Nudge the gateway (never raises: the poll is the fallback). True when a datagram left."""
    try:
        where = address(db, gateway_id)
    except SQLAlchemyError as exc:
        return _not_sent(gateway_id, exc)
    return send(where, gateway_id)


def send(where: tuple[str, int] | None, gateway_id: str = "") -> bool:
    """Send the wake-up to an address read before (`address`); never raises."""
    if where is None:
        return False
    try:
        family = socket.AF_INET6 if ":" in where[0] else socket.AF_INET
        sock = _socks.get(family)
        if sock is None:
            sock = _socks[family] = socket.socket(family, socket.SOCK_DGRAM)
            sock.setblocking(False)
        sock.sendto(MESSAGE, where)
        return True
    except (OSError, ValueError) as exc:
        return _not_sent(gateway_id, exc)


def _not_sent(gateway_id: str, exc: Exception) -> bool:
    log.info("gateway wake-up not sent", extra={"event": "gateway_wake_failed",
                                                "gateway_id": gateway_id,
                                                "error": type(exc).__name__})
    return False
