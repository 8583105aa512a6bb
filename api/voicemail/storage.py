"""Where voicemail audio lives: `<VOICEMAIL_DIR>/<company id>/<user id>/<random>.wav`, and
a queue's mailbox in `<VOICEMAIL_DIR>/<company id>/queues/<queue id>/<random>.wav`.

File names are random tokens chosen here (never anything a user or a caller sent); a name
read back from the database is checked to be such a token before it becomes a path, so a
row cannot point outside its owner's directory. Writes go to a temporary file first and are
renamed into place, so a reader never sees half a file. Removing is never an error for the
caller: a file already gone is fine, one that cannot be removed is logged.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import tempfile

log = logging.getLogger("api.voicemail")

_NAME = re.compile(r"^[0-9a-f]{32}\.wav$")


class Store:
    def __init__(self, root: str) -> None:
        self.root = root

    def user_dir(self, tenant_id: int, user_id: int | None, queue_id: int | None = None
                 ) -> str:
        """The directory of a user's mailbox, or of a queue's (`user_id` None)."""
        if user_id is None:
            return os.path.join(self.root, str(int(tenant_id)), "queues", str(int(queue_id)))
        return os.path.join(self.root, str(int(tenant_id)), str(int(user_id)))

    def new_name(self) -> str:
        return secrets.token_hex(16) + ".wav"

    def path(self, tenant_id: int, user_id: int | None, name: str,
             queue_id: int | None = None) -> str:
        if not _NAME.match(name or ""):
            raise ValueError(f"not a voicemail file name: {name!r}")
        return os.path.join(self.user_dir(tenant_id, user_id, queue_id), name)

    def new_path(self, tenant_id: int, user_id: int | None, queue_id: int | None = None
                 ) -> tuple[str, str]:
        """(name, path) for a new file of the mailbox, its directory made."""
        name = self.new_name()
        os.makedirs(self.user_dir(tenant_id, user_id, queue_id), mode=0o750, exist_ok=True)
        return name, self.path(tenant_id, user_id, name, queue_id)

    def write(self, tenant_id: int, user_id: int | None, data: bytes,
              queue_id: int | None = None) -> str:
        """Store `data` as a new file of the user (or queue); its name."""
        name, path = self.new_path(tenant_id, user_id, queue_id)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".up-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return name

    def company_dir(self, tenant_id: int) -> str:
        return os.path.join(self.root, str(int(tenant_id)))

    def remove(self, tenant_id: int, user_id: int | None, name: str,
               queue_id: int | None = None) -> None:
        """Remove one file of a mailbox (a name that is not one of ours is ignored)."""
        try:
            path = self.path(tenant_id, user_id, name, queue_id)
        except ValueError:
            return
        _removed(path, os.unlink)

    def remove_mailbox(self, tenant_id: int, user_id: int | None,
                       queue_id: int | None = None) -> None:
        """Remove a user's or a queue's directory with all its audio."""
        _removed(self.user_dir(tenant_id, user_id, queue_id), shutil.rmtree)

    def remove_company(self, tenant_id: int) -> None:
        """Remove all the audio of a company."""
        _removed(self.company_dir(tenant_id), shutil.rmtree)


def _removed(path: str, remove) -> None:
    try:
        remove(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("voicemail audio not removed", extra={
            "event": "voicemail_file_not_removed", "path": path, "error": str(exc)})
