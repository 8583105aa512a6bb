"""numbers: one registry of every number the system routes, each owned once

A public number (E.164) belongs to one owner in the whole system, a short number to one
owner inside its company; unique constraints enforce both. The registry is filled from the
numbers that exist today (users' office, mobile and short numbers, main numbers, queue
numbers and short numbers, queue service and SMS service numbers). When two owners hold the
same number the upgrade stops and lists each conflict (the number, the kinds of owner and
their tenant ids) for the operator to resolve; it never picks a winner.

Also: number_series, the ranges of public or short numbers a company owns.

Revision ID: 0014n
Revises: 0006 (queues, queue_service_numbers)
Depends on: 0002 (main_numbers)

Released first with the foundation as its parent and both 0002 and 0006 as dependencies,
which Alembic cannot upgrade to alone (KeyError '0001'); databases migrated with that graph
upgrade cleanly with this one (tests/integration/test_migration_branches.py).
"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = '0014n'
down_revision = '0006'
branch_labels = ("numbers",)
depends_on = '0002'

# (kind, SQL selecting tenant id, owner id, number)
SOURCES = (
    ("office", "SELECT tenant_id, id, office_number FROM users"),
    ("mobile", "SELECT tenant_id, id, mobile FROM users"),
    ("user_short", "SELECT tenant_id, id, short_number FROM users"),
    ("main", "SELECT tenant_id, id, number FROM main_numbers"),
    ("queue", "SELECT tenant_id, id, number FROM queues"),
    ("queue_short", "SELECT tenant_id, id, short_number FROM queues"),
    ("queue_service", "SELECT tenant_id, tenant_id, number FROM queue_service_numbers"),
    ("sms_service", "SELECT id, id, sms_service_number FROM tenants"),
)


class NumberConflicts(RuntimeError):
    """Existing numbers held by more than one owner: the upgrade cannot choose between them."""


def existing_numbers(conn) -> list[dict]:
    rows = []
    for kind, sql in SOURCES:
        for tenant_id, owner_id, number in conn.execute(sa.text(sql)):
            number = (number or "").strip()
            if number:
                short = not number.startswith("+")
                rows.append({"tenant_id": tenant_id, "kind": kind, "owner_id": owner_id,
                             "e164": None if short else number, "short": number if short else None})
    return rows


def conflict_report(rows: list[dict]) -> list[str]:
    """One line per number held twice: public numbers across the system, short per company."""
    groups = defaultdict(list)
    for r in rows:
        groups[("public", r["e164"]) if r["e164"] else ("short", r["tenant_id"], r["short"])
               ].append(r)
    lines = []
    for key, held in sorted(groups.items(), key=lambda kv: str(kv[0])):
        if len(held) < 2:
            continue
        owners = ", ".join(f"{r['kind']} {r['owner_id']} of tenant {r['tenant_id']}"
                           for r in held)
        where = key[1] if key[0] == "public" else f"short number {key[2]} in tenant {key[1]}"
        lines.append(f"{where}: {owners}")
    return lines


def upgrade() -> None:
    conn = op.get_bind()
    rows = existing_numbers(conn)
    conflicts = conflict_report(rows)
    if conflicts:
        raise NumberConflicts(
            "The number registry cannot be created: these numbers have more than one owner. "
            "Give each number to one owner (change or clear the others), then upgrade again.\n  "
            + "\n  ".join(conflicts))
    numbers = op.create_table(
        'numbers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('e164', sa.String(length=20), nullable=True),
        sa.Column('short', sa.String(length=10), nullable=True),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.CheckConstraint('(e164 IS NULL) <> (short IS NULL)', name=op.f('ck_numbers_one_form')),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_numbers_tenant_id_tenants'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_numbers')),
        sa.UniqueConstraint('e164', name='uq_numbers_e164'),
        sa.UniqueConstraint('kind', 'owner_id', name='uq_numbers_kind_owner'),
        sa.UniqueConstraint('tenant_id', 'short', name='uq_numbers_tenant_short'),
    )
    with op.batch_alter_table('numbers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_numbers_tenant_id'), ['tenant_id'], unique=False)
    op.create_table(
        'number_series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('first', sa.String(length=20), nullable=False),
        sa.Column('last', sa.String(length=20), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'],
                                name=op.f('fk_number_series_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_number_series')),
    )
    with op.batch_alter_table('number_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_number_series_tenant_id'), ['tenant_id'],
                              unique=False)
    if rows:
        op.bulk_insert(numbers, rows)


def downgrade() -> None:
    with op.batch_alter_table('number_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_number_series_tenant_id'))
    op.drop_table('number_series')
    with op.batch_alter_table('numbers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_numbers_tenant_id'))
    op.drop_table('numbers')
