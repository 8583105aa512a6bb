"""The language of the texts written for a user outside an API request (events, pushes)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import user_language


def language_of_user(db: Session, tenant_id: int | None, user_id: int | None) -> str:
    """The user's chosen language, else their company's, else English."""
    from .models import Tenant, User

    row = db.execute(select(User.language, Tenant.language)
                     .join(Tenant, Tenant.id == User.tenant_id)
                     .where(User.id == user_id, User.tenant_id == tenant_id)).first()
    return user_language(row[0], None, row[1]) if row else "en"
