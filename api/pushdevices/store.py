"""The API's side of the push sender's `push.ports.DeviceStore`: the devices, dead tokens and
the push log on this database, each call on a session of its own (the sender's worker
threads run outside any request)."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from push.ports import Target

from ..core.clock import now
from . import services


class DeviceStore:
    def __init__(self, sessions: "sessionmaker[Session]") -> None:
        self._sessions = sessions

    def targets_for(self, users: list[tuple[int, int]]
                    ) -> dict[tuple[int, int], tuple[list[Target], dict]]:
        """A burst's look-ups on one session (each its one prepared query)."""
        with self._sessions() as db:
            return {(tenant_id, user_id): services.targets(db, tenant_id, user_id)
                    for tenant_id, user_id in users}

    def prune(self, device_id: int, token: str) -> None:
        with self._sessions() as db:
            services.prune(db, device_id, token)
            db.commit()

    def record(self, attempts: list[dict]) -> None:
        at = now()
        with self._sessions() as db:
            services.record(db, [{**a, "at": at} for a in attempts])
            db.commit()
