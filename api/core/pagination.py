"""Paging a SQL select with flask-smorest's pagination parameters."""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

MAX_OFFSET = 2**31 - 1


def paginate_select(db: Session, stmt: Select, pagination) -> list:
    """Run `stmt` one page at a time and tell flask-smorest the total (X-Pagination)."""
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pagination.item_count = total
    offset = (pagination.page - 1) * pagination.page_size
    if offset >= min(total, MAX_OFFSET):
        return []
    return list(db.scalars(stmt.limit(pagination.page_size).offset(offset)))
